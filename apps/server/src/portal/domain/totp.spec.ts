import { Secret, TOTP } from 'otpauth';
import { Encryptor } from '../../privacy/encryptor';
import { Pseudonymizer } from '../../privacy/pseudonymizer';
import { PortalError } from './portal-error';
import { LocalAccounts, StoredTotp, TotpService, TotpStore, matchingStep, newRecoveryCode, readCode } from './totp';

const PARENT = '7d8e0f43-1c4b-4f7a-9a59-0a3c1a2b3c4d';
const T0 = new Date('2026-03-01T10:00:10Z');

/** In memory, with the same atomic rules as the PostgreSQL store. */
class MemoryTotpStore implements TotpStore {
  totp = new Map<string, StoredTotp>();
  recovery = new Map<string, { hash: Buffer; used: boolean }[]>();
  challenges = new Map<string, { parentId: string; expiresAt: Date }>();
  failures: Date[] = [];
  constructor(private readonly clock: () => Date) {}
  async find(parentId: string) {
    return this.totp.get(parentId) ?? null;
  }
  async savePending(parentId: string, keyId: string, sealed: Buffer) {
    if (this.totp.get(parentId)?.confirmedAt) return false;
    this.totp.set(parentId, { keyId, sealed, confirmedAt: null, lastUsedStep: null });
    return true;
  }
  async confirm(parentId: string, step: number, hashes: Buffer[]) {
    const row = this.totp.get(parentId);
    if (!row || row.confirmedAt) return false;
    this.totp.set(parentId, { ...row, confirmedAt: this.clock(), lastUsedStep: step });
    this.recovery.set(parentId, hashes.map((hash) => ({ hash, used: false })));
    return true;
  }
  async useStep(parentId: string, step: number) {
    const row = this.totp.get(parentId);
    if (!row?.confirmedAt || row.lastUsedStep === null || row.lastUsedStep >= step) return false;
    row.lastUsedStep = step;
    return true;
  }
  async useRecoveryCode(parentId: string, hash: Buffer) {
    const code = this.recovery.get(parentId)?.find((c) => !c.used && c.hash.equals(hash));
    if (!code) return false;
    code.used = true;
    return true;
  }
  async recoveryCodesLeft(parentId: string) {
    return (this.recovery.get(parentId) ?? []).filter((c) => !c.used).length;
  }
  async replaceRecoveryCodes(parentId: string, hashes: Buffer[]) {
    if (!this.totp.get(parentId)?.confirmedAt) return false;
    this.recovery.set(parentId, hashes.map((hash) => ({ hash, used: false })));
    return true;
  }
  async remove(parentId: string) {
    this.totp.delete(parentId);
    this.recovery.delete(parentId);
  }
  async createChallenge(hash: Buffer, parentId: string, expiresAt: Date) {
    this.challenges.set(hash.toString('hex'), { parentId, expiresAt });
  }
  async challengeOwner(hash: Buffer) {
    const challenge = this.challenges.get(hash.toString('hex'));
    return challenge && challenge.expiresAt > this.clock() ? challenge.parentId : null;
  }
  async deleteChallenge(hash: Buffer) {
    this.challenges.delete(hash.toString('hex'));
  }
  async failuresSince(_parentId: string, since: Date) {
    return this.failures.filter((f) => f > since);
  }
  async recordFailure(_parentId: string, at: Date) {
    this.failures.push(at);
  }
}

const accounts: LocalAccounts = {
  localLabel: async (id) => (id === PARENT ? 'parent@example.org' : null),
  verifyPassword: async (id, password) => id === PARENT && password === 'the right password',
};

function setUp() {
  let now = T0;
  const clock = () => now;
  const store = new MemoryTotpStore(clock);
  const encryptor = new Encryptor({ current: 'k1', keys: { k1: Buffer.alloc(32, 3) } });
  const service = new TotpService(store, accounts, encryptor, new Pseudonymizer(Buffer.alloc(32, 4)), clock);
  return {
    store,
    service,
    at: (time: Date) => (now = time),
    later: (ms: number) => (now = new Date(now.getTime() + ms)),
    code: (secret: string, offsetMs = 0) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: now.getTime() + offsetMs }),
  };
}

async function refusal(promise: Promise<unknown>): Promise<PortalError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PortalError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

async function enrolled() {
  const world = setUp();
  const { secret } = await world.service.startEnrolment(PARENT);
  const recoveryCodes = await world.service.confirmEnrolment(PARENT, world.code(secret));
  world.later(30_000); // the next step: the confirmation's code is spent
  return { ...world, secret, recoveryCodes };
}

describe('reading what the parent typed', () => {
  it.each([
    ['123456', { kind: 'totp', code: '123456' }],
    [' 123 456 ', { kind: 'totp', code: '123456' }],
    ['abcde-fgh23', { kind: 'recovery', code: 'ABCDEFGH23' }],
    ['ABCDEFGH23', { kind: 'recovery', code: 'ABCDEFGH23' }],
    ['12345', null],
    ['1234567', null],
    ['ABCDE-FGH18', null], // 1 and 8 are not base32
    ['', null],
  ])('given %p, then %p', (input, expected) => {
    expect(readCode(input)).toEqual(expected);
  });

  it('given new recovery codes, then each is XXXXX-XXXXX in base32 and they differ', () => {
    const codes = Array.from({ length: 50 }, newRecoveryCode);
    for (const code of codes) expect(code).toMatch(/^[A-Z2-7]{5}-[A-Z2-7]{5}$/);
    expect(new Set(codes).size).toBe(50);
  });
});

describe('which time step a code belongs to (RFC 6238, 30 s, ±1 step)', () => {
  const secret = new Secret({ size: 20 }).base32;
  const at = (date: Date, offsetS: number) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: date.getTime() + offsetS * 1000 });
  const step = Math.floor(T0.getTime() / 30_000);

  it('given the codes of the previous, current and next steps, then their own steps; two steps away, none', () => {
    expect(matchingStep(secret, at(T0, 0), T0)).toBe(step);
    expect(matchingStep(secret, at(T0, -30), T0)).toBe(step - 1);
    expect(matchingStep(secret, at(T0, 30), T0)).toBe(step + 1);
    expect(matchingStep(secret, at(T0, -60), T0)).toBeNull();
    expect(matchingStep(secret, at(T0, 60), T0)).toBeNull();
  });

  it("given RFC 6238's test vector (SHA-1, T = 59 s), then the code 287082 (the last 6 of 94287082)", () => {
    const rfcSecret = Secret.fromLatin1('12345678901234567890').base32;
    expect(matchingStep(rfcSecret, '287082', new Date(59_000))).toBe(1);
  });
});

describe('setting up the second factor', () => {
  it('given an enrolment, then TOTP is pending, the secret is sealed, and not required until a first code confirms it', async () => {
    const { service, store } = setUp();
    const { secret, uri } = await service.startEnrolment(PARENT);
    expect(uri).toContain(`secret=${secret}`);
    expect(uri).toMatch(/^otpauth:\/\/totp\/Allo%20Parents:parent%40example\.org\?/);
    expect(store.totp.get(PARENT)!.sealed.toString('latin1')).not.toContain(secret);
    expect(await service.status(PARENT)).toEqual({ enabled: false, pending: true, recoveryCodesLeft: 0 });
    expect(await service.isEnabled(PARENT)).toBe(false);
    expect(await service.pendingUri(PARENT)).toBe(uri);
  });

  it('given a wrong first code, then a field error on code and TOTP stays pending; the right one turns it on with 8 recovery codes', async () => {
    const world = setUp();
    const { secret } = await world.service.startEnrolment(PARENT);
    expect((await refusal(world.service.confirmEnrolment(PARENT, world.code(secret, 90_000)))).fields[0]).toMatchObject({ field: 'code', code: 'wrong-code' });
    const codes = await world.service.confirmEnrolment(PARENT, world.code(secret));
    expect(codes).toHaveLength(8);
    expect(await world.service.status(PARENT)).toEqual({ enabled: true, pending: false, recoveryCodesLeft: 8 });
    expect((await refusal(world.service.pendingUri(PARENT))).code).toBe('not-found');
  });

  it('given TOTP on, then a new enrolment is refused (conflict) and the secret is unchanged', async () => {
    const { service, store } = await enrolled();
    const before = store.totp.get(PARENT)!.sealed;
    expect((await refusal(service.startEnrolment(PARENT))).code).toBe('conflict');
    expect(store.totp.get(PARENT)!.sealed).toBe(before);
  });

  it('given an account without a password (OpenID Connect), then no enrolment', async () => {
    const { service } = setUp();
    expect((await refusal(service.startEnrolment('another-account'))).code).toBe('conflict');
  });
});

describe('signing in with the second factor', () => {
  it('given the current code, then the challenge gives the account and is spent', async () => {
    const world = await enrolled();
    const challenge = await world.service.startSignIn(PARENT);
    expect(await world.service.completeSignIn(challenge, world.code(world.secret))).toBe(PARENT);
    expect((await refusal(world.service.completeSignIn(challenge, world.code(world.secret, 30_000)))).code).toBe('unauthenticated');
  });

  it('given the same code twice, or an earlier code after a later one, then the second is refused (replay)', async () => {
    const world = await enrolled();
    const code = world.code(world.secret);
    expect(await world.service.completeSignIn(await world.service.startSignIn(PARENT), code)).toBe(PARENT);
    expect((await refusal(world.service.completeSignIn(await world.service.startSignIn(PARENT), code))).fields[0].code).toBe('wrong-code');
    expect((await refusal(world.service.completeSignIn(await world.service.startSignIn(PARENT), world.code(world.secret, -30_000)))).fields[0].code).toBe('wrong-code');
  });

  it('given a challenge older than 5 minutes, then it is refused whatever the code', async () => {
    const world = await enrolled();
    const challenge = await world.service.startSignIn(PARENT);
    world.later(5 * 60_000 + 1);
    expect((await refusal(world.service.completeSignIn(challenge, world.code(world.secret)))).code).toBe('unauthenticated');
    expect((await refusal(world.service.completeSignIn('not-a-token', world.code(world.secret)))).code).toBe('unauthenticated');
  });

  it('given 5 wrong codes within 15 minutes, then the right code is refused until 15 minutes after the 5th', async () => {
    const world = await enrolled();
    const challenge = await world.service.startSignIn(PARENT);
    for (let i = 0; i < 5; i += 1) {
      expect((await refusal(world.service.completeSignIn(challenge, 'AAAAA-AAAAA'))).code).toBe('invalid');
      world.later(30_000);
    }
    expect((await refusal(world.service.completeSignIn(challenge, world.code(world.secret)))).code).toBe('rate-limited');
    world.later(14 * 60_000); // 14.5 minutes after the 5th failure
    const fresh = await world.service.startSignIn(PARENT);
    expect((await refusal(world.service.completeSignIn(fresh, world.code(world.secret)))).code).toBe('rate-limited');
    expect(world.store.failures).toHaveLength(5); // refusals while locked are not counted
    world.later(30_000); // 15 minutes after the 5th
    expect(await world.service.completeSignIn(fresh, world.code(world.secret))).toBe(PARENT);
  });

  it('given 4 wrong codes, then the 5th try with the right code still works', async () => {
    const world = await enrolled();
    const challenge = await world.service.startSignIn(PARENT);
    for (let i = 0; i < 4; i += 1) await refusal(world.service.completeSignIn(challenge, '000000' === world.code(world.secret) ? '111111' : '000000'));
    expect(await world.service.completeSignIn(challenge, world.code(world.secret))).toBe(PARENT);
  });

  it('given a recovery code, then it works once, in any case and with or without the dash', async () => {
    const world = await enrolled();
    const [first] = world.recoveryCodes;
    expect(await world.service.completeSignIn(await world.service.startSignIn(PARENT), first.toLowerCase().replace('-', ' '))).toBe(PARENT);
    expect((await refusal(world.service.completeSignIn(await world.service.startSignIn(PARENT), first))).fields[0].code).toBe('wrong-code');
    expect((await world.service.status(PARENT)).recoveryCodesLeft).toBe(7);
  });
});

describe('turning the second factor off', () => {
  it('given a wrong password, then refused on the password field even with a right code, and TOTP stays on', async () => {
    const world = await enrolled();
    expect((await refusal(world.service.disable(PARENT, 'wrong', world.code(world.secret)))).fields[0]).toMatchObject({ field: 'password' });
    expect(await world.service.isEnabled(PARENT)).toBe(true);
  });

  it('given the password and a wrong code, then refused (and counted); with a right code, TOTP is off and the codes are gone', async () => {
    const world = await enrolled();
    expect((await refusal(world.service.disable(PARENT, 'the right password', 'ZZZZZ-ZZZZZ'))).fields[0]).toMatchObject({ field: 'code' });
    expect(world.store.failures).toHaveLength(1);
    await world.service.disable(PARENT, 'the right password', world.recoveryCodes[0]);
    expect(await world.service.status(PARENT)).toEqual({ enabled: false, pending: false, recoveryCodesLeft: 0 });
    expect(world.store.recovery.has(PARENT)).toBe(false);
  });
});

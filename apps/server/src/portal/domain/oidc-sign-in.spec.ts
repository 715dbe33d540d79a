import { Encryptor } from '../../privacy/encryptor';
import { Pseudonymizer } from '../../privacy/pseudonymizer';
import { accountAad } from './accounts';
import { OidcAccounts, OidcIdentity, OidcIdentityStore, OidcSignInError } from './oidc-sign-in';

/** In memory: identities by issuer + subject hash, accounts by login hash. */
class FakeStore implements OidcIdentityStore {
  readonly identities = new Map<string, string>();
  readonly logins = new Map<string, { id: string; keyId: string; sealed: Buffer }>();
  /** Simulates a simultaneous first sign-in of the same identity committing first. */
  raceWith: string | null = null;

  async findParent(issuer: string, subjectHashes: Buffer[]): Promise<string | null> {
    return this.identities.get(`${issuer}|${subjectHashes[0].toString('hex')}`) ?? null;
  }

  async createParent(a: { id: string; loginHash: Buffer; keyId: string; sealed: Buffer; issuer: string; subjectHash: Buffer }) {
    if (this.raceWith) return { existing: this.raceWith };
    if (this.logins.has(a.loginHash.toString('hex'))) return 'login-taken' as const;
    this.logins.set(a.loginHash.toString('hex'), { id: a.id, keyId: a.keyId, sealed: a.sealed });
    this.identities.set(`${a.issuer}|${a.subjectHash.toString('hex')}`, a.id);
    return 'created' as const;
  }
}

describe('accounts behind an OpenID Connect provider', () => {
  const pseudonymizer = new Pseudonymizer(Buffer.alloc(32, 3));
  const encryptor = new Encryptor({ current: 'k1', keys: { k1: Buffer.alloc(32, 4) } });
  const identity = (overrides: Partial<OidcIdentity> = {}): OidcIdentity => ({ issuer: 'https://login.example.gov', subject: '85073003328', email: ' Parent@Example.org ', emailVerified: true, ...overrides });
  const refusal = async (promise: Promise<unknown>) => ((await promise.then(() => null, (error: unknown) => error)) as OidcSignInError | null)?.reason;

  it('given a new identity with a verified address, then an account is created with the address normalised and sealed, the subject kept only as a keyed hash', async () => {
    const store = new FakeStore();
    const id = await new OidcAccounts(store, pseudonymizer, encryptor).signIn(identity());
    const [loginHash, account] = [...store.logins][0];
    expect(account.id).toBe(id);
    expect(loginHash).toBe(pseudonymizer.hash('parent-login', 'parent@example.org').toString('hex'));
    expect(JSON.parse(encryptor.open(account.keyId, account.sealed, accountAad(id)).toString('utf8'))).toEqual({ email: 'parent@example.org' });
    expect([...store.identities.keys()]).toEqual([`https://login.example.gov|${pseudonymizer.hash('oidc-subject', '85073003328').toString('hex')}`]);
  });

  it('given a known identity, then its account is returned, whatever the address says now', async () => {
    const store = new FakeStore();
    const accounts = new OidcAccounts(store, pseudonymizer, encryptor);
    const id = await accounts.signIn(identity());
    expect(await accounts.signIn(identity({ email: null, emailVerified: false }))).toBe(id);
    expect(store.logins.size).toBe(1);
  });

  it('given the same subject at another issuer, then it is another identity', async () => {
    const store = new FakeStore();
    const accounts = new OidcAccounts(store, pseudonymizer, encryptor);
    await accounts.signIn(identity());
    expect(await refusal(accounts.signIn(identity({ issuer: 'https://other.example.gov' })))).toBe('account-exists');
  });

  it.each([
    ['unverified', { emailVerified: false }],
    ['missing', { email: null }],
    ['not an address', { email: 'parent' }],
  ])('given a new identity whose address is %s, then it is refused as email-unverified and nothing is created', async (_, overrides) => {
    const store = new FakeStore();
    expect(await refusal(new OidcAccounts(store, pseudonymizer, encryptor).signIn(identity(overrides)))).toBe('email-unverified');
    expect(store.logins.size + store.identities.size).toBe(0);
  });

  it('given a local account with the address, then a new identity is refused as account-exists and not attached to it', async () => {
    const store = new FakeStore();
    store.logins.set(pseudonymizer.hash('parent-login', 'parent@example.org').toString('hex'), { id: 'local', keyId: 'k1', sealed: Buffer.alloc(0) });
    expect(await refusal(new OidcAccounts(store, pseudonymizer, encryptor).signIn(identity()))).toBe('account-exists');
    expect(store.identities.size).toBe(0);
  });

  it('given a simultaneous first sign-in of the same identity created the account, then that account is returned', async () => {
    const store = new FakeStore();
    store.raceWith = 'created-by-the-other-request';
    expect(await new OidcAccounts(store, pseudonymizer, encryptor).signIn(identity())).toBe('created-by-the-other-request');
  });
});

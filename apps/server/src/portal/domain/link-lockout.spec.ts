import { AttemptSubject, LinkLockout, lockedUntil } from './link-lockout';
import { PortalError } from './portal-error';

const t0 = new Date('2025-03-01T10:00:00Z').getTime();
const at = (minutes: number) => new Date(t0 + minutes * 60_000);
type Failure = { kind: AttemptSubject['kind']; at: Date };

describe('the linking lock-out', () => {
  it('given 4 failures within an hour, then not locked', () => {
    expect(lockedUntil([at(0), at(1), at(2), at(3)], at(4))).toBeNull();
  });

  it('given 5 failures within an hour, then locked until an hour after the 5th', () => {
    const failures = [at(0), at(10), at(20), at(30), at(40)];
    expect(lockedUntil(failures, at(41))).toEqual(at(100));
    expect(lockedUntil(failures, at(99))).toEqual(at(100));
    expect(lockedUntil(failures, at(100))).toBeNull();
  });

  it('given 5 failures spread over more than an hour, then not locked', () => {
    expect(lockedUntil([at(0), at(20), at(40), at(60), at(61)], at(62))).toBeNull();
  });

  it('given failures in any order, then the rule still holds', () => {
    expect(lockedUntil([at(40), at(0), at(30), at(10), at(20)], at(45))).toEqual(at(100));
  });

  it('given failures of a number and of an account, then each is counted on its own', async () => {
    const subjects: AttemptSubject[] = [
      { kind: 'national-number', hash: Buffer.from('n') },
      { kind: 'account', hash: Buffer.from('a') },
    ];
    const lockoutWith = (failures: Failure[]) => new LinkLockout({ failuresSince: async () => failures, recordFailure: async () => undefined }, () => at(5));
    const mixed: Failure[] = [
      ...[at(0), at(1), at(2)].map((d) => ({ kind: 'national-number' as const, at: d })),
      ...[at(3), at(4)].map((d) => ({ kind: 'account' as const, at: d })),
    ];
    await expect(lockoutWith(mixed).assertOpen(subjects)).resolves.toBeUndefined();
    const accountLocked: Failure[] = [...mixed, ...[at(4), at(4), at(4)].map((d) => ({ kind: 'account' as const, at: d }))];
    const refusal = lockoutWith(accountLocked).assertOpen(subjects);
    await expect(refusal).rejects.toBeInstanceOf(PortalError);
    await expect(refusal).rejects.toMatchObject({ code: 'link-locked' });
  });
});

import { randomUUID } from 'node:crypto';
import { Language } from '../../languages';
import { Pseudonymizer } from '../../privacy/pseudonymizer';
import { CascadeNumber } from './cascade-numbers';
import { LinkLockout } from './link-lockout';
import { CascadeStatus, LinkedChild, ParentChildren, ParentChildrenStore, StoredCascadeState } from './parent-children';
import { PortalError } from './portal-error';

const PARENT = randomUUID();
const T0 = new Date('2026-03-01T10:00:00Z');

/**
 * The store as PostgreSQL keeps it, in memory: one parent's children; a guarded status change
 * (only from the expected status); `inactive_since` as the trigger keeps it; every change noted.
 */
class MemoryStore implements ParentChildrenStore {
  readonly byId = new Map<string, LinkedChild>();
  readonly changes: { action: string; childId: string; actor: string | null }[] = [];
  /** Set to change the cascade between the domain's read and its write (another guardian, a new card). */
  beforeWrite: (() => void) | null = null;
  now = T0;

  add(status: CascadeStatus | null, numbers = ['+32470000001']): string {
    const childId = randomUUID();
    const cascade: StoredCascadeState | null =
      status === null
        ? null
        : {
            id: randomUUID(),
            status,
            blockedReason: status === 'blocked' ? 'new-card' : null,
            inactiveSince: status === 'active' ? null : T0,
            language: 'fr',
            activatedAt: status === 'draft' ? null : T0,
            termsVersion: status === 'draft' ? null : '2026-11',
            termsAcceptedAt: status === 'draft' ? null : T0,
            updatedAt: T0,
            numbers: numbers.map((e164, i) => ({ e164, country: 'BE', label: '', position: i + 1 })),
          };
    this.byId.set(childId, { childId, linkedAt: T0, card: null, cascade });
    return childId;
  }

  stored(childId: string): StoredCascadeState {
    return this.byId.get(childId)!.cascade!;
  }

  async cascadeOf(childId: string): Promise<StoredCascadeState | null> {
    return structuredClone(this.byId.get(childId)?.cascade ?? null);
  }

  async link(): Promise<void> {}
  async unlink(): Promise<boolean> {
    return false;
  }
  async isLinked(parentId: string, childId: string): Promise<boolean> {
    return parentId === PARENT && this.byId.has(childId);
  }
  async children(parentId: string): Promise<LinkedChild[]> {
    return parentId === PARENT ? [...this.byId.values()].map((c) => structuredClone(c)) : [];
  }
  async child(parentId: string, childId: string): Promise<LinkedChild | null> {
    const child = parentId === PARENT ? this.byId.get(childId) : undefined;
    return child ? structuredClone(child) : null;
  }
  async saveNumbers(childId: string, numbers: CascadeNumber[], language: Language | undefined, actor: string): Promise<void> {
    const cascade = this.stored(childId);
    cascade.numbers = numbers.map((n, i) => ({ ...n, position: i + 1 }));
    this.changes.push({ action: 'cascade.numbers-saved', childId, actor });
  }
  async activate(): Promise<boolean> {
    return false;
  }
  async deleteCascade(): Promise<boolean> {
    return false;
  }
  async setPaused(childId: string, paused: boolean, actor: string | null): Promise<boolean> {
    this.beforeWrite?.();
    const cascade = this.byId.get(childId)?.cascade;
    if (!cascade || cascade.status !== (paused ? 'active' : 'paused')) return false;
    cascade.status = paused ? 'paused' : 'active';
    cascade.inactiveSince = paused ? this.now : null;
    this.changes.push({ action: paused ? 'cascade.paused' : 'cascade.resumed', childId, actor });
    return true;
  }
}

function setUp() {
  const store = new MemoryStore();
  const noCodes = { verify: async () => null };
  const noCards = { open: () => ({ firstName: '', lastName: '', contactCode: '' }) };
  const lockout = new LinkLockout({ failuresSince: async () => [], recordFailure: async () => undefined }, () => T0);
  const children = new ParentChildren(store, noCodes, noCards, lockout, new Pseudonymizer(Buffer.alloc(32, 1)), { serviceNumbers: ['3278150000'], hotlineNumber: '116000' });
  return { store, children };
}

async function refusal(promise: Promise<unknown>): Promise<PortalError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof PortalError)) throw new Error(`expected a PortalError, got ${String(error)}`);
  return error;
}

describe('a parent pauses and resumes a cascade', () => {
  it('given an active cascade, when a parent pauses it, then it is paused since that moment, calls no one, and the change is the parent\'s', async () => {
    const { store, children } = setUp();
    const childId = store.add('active');
    store.now = new Date('2026-04-02T08:30:00Z');
    const view = await children.pause(PARENT, childId);
    expect(view).toMatchObject({ childId, status: 'paused', pausedAt: '2026-04-02T08:30:00.000Z', blockedReason: null });
    expect(store.changes).toEqual([{ action: 'cascade.paused', childId, actor: PARENT }]);
  });

  it('given a paused cascade, when a parent resumes it, then it is active again with the consent given at its activation (no new terms accepted)', async () => {
    const { store, children } = setUp();
    const childId = store.add('paused');
    const view = await children.resume(PARENT, childId);
    expect(view).toMatchObject({ status: 'active', pausedAt: null, termsVersion: '2026-11', termsAcceptedAt: T0.toISOString(), activatedAt: T0.toISOString() });
    expect(store.changes).toEqual([{ action: 'cascade.resumed', childId, actor: PARENT }]);
  });

  it.each<[CascadeStatus, RegExp]>([
    ['paused', /already paused/],
    ['draft', /only an active cascade can be paused: this one is a draft/],
    ['blocked', /only an active cascade can be paused: this one is blocked .*new card/],
  ])('given a cascade in status %s, when a parent pauses it, then a conflict says why and nothing changes', async (status, message) => {
    const { store, children } = setUp();
    const childId = store.add(status);
    const error = await refusal(children.pause(PARENT, childId));
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(message);
    expect(store.stored(childId).status).toBe(status);
    expect(store.changes).toEqual([]);
  });

  it.each<[CascadeStatus, RegExp]>([
    ['active', /not paused: it is already active/],
    ['draft', /only a paused cascade can be resumed: a draft is activated by accepting the terms/],
    ['blocked', /only a paused cascade can be resumed: a blocked cascade is re-activated with the code of the new card/],
  ])('given a cascade in status %s, when a parent resumes it, then a conflict says why and nothing changes', async (status, message) => {
    const { store, children } = setUp();
    const childId = store.add(status);
    const error = await refusal(children.resume(PARENT, childId));
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(message);
    expect(store.stored(childId).status).toBe(status);
    expect(store.changes).toEqual([]);
  });

  it('given a paused cascade that a new card blocks between the read and the write, when a parent resumes it, then a conflict and it stays blocked', async () => {
    const { store, children } = setUp();
    const childId = store.add('paused');
    store.beforeWrite = () => Object.assign(store.stored(childId), { status: 'blocked', blockedReason: 'new-card' });
    const error = await refusal(children.resume(PARENT, childId));
    expect(error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/changed meanwhile/) });
    expect(store.stored(childId).status).toBe('blocked');
  });

  it('given a child without a cascade, an unknown child or a malformed id, then not found', async () => {
    const { store, children } = setUp();
    const noCascade = store.add(null);
    expect(await refusal(children.pause(PARENT, noCascade))).toMatchObject({ code: 'not-found', message: 'no such cascade in your account' });
    expect(await refusal(children.resume(PARENT, noCascade))).toMatchObject({ code: 'not-found', message: 'no such cascade in your account' });
    expect(await refusal(children.pause(PARENT, randomUUID()))).toMatchObject({ code: 'not-found', message: 'no such child in your account' });
    expect(await refusal(children.resume(PARENT, 'not-a-uuid'))).toMatchObject({ code: 'not-found' });
    // Another parent's child is not found either.
    const childId = store.add('active');
    expect(await refusal(children.pause(randomUUID(), childId))).toMatchObject({ code: 'not-found' });
    expect(store.stored(childId).status).toBe('active');
  });

  it('given a paused cascade, then its list can be edited (it stays paused) but not emptied: resuming would make it ring with no number', async () => {
    const { store, children } = setUp();
    const childId = store.add('paused');
    const saved = await children.saveCascade(PARENT, childId, [{ number: '0470 12 34 56' }, { number: '0470 65 43 21' }]);
    expect(saved).toMatchObject({ status: 'paused', numbers: [{ number: '+32470123456' }, { number: '+32470654321' }] });
    const emptied = await refusal(children.saveCascade(PARENT, childId, []));
    expect(emptied).toMatchObject({ code: 'invalid', fields: [{ field: 'numbers', code: 'empty-active', message: expect.stringMatching(/active or paused/) }] });
    expect(store.stored(childId).numbers).toHaveLength(2);
  });

  it('given a cascade in any status but paused, then its view carries no pause time', async () => {
    const { store, children } = setUp();
    for (const status of ['draft', 'active', 'blocked'] as const) {
      expect((await children.cascade(PARENT, store.add(status))).pausedAt).toBeNull();
    }
  });
});

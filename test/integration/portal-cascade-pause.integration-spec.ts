import { randomUUID } from 'node:crypto';
import { PgCallRecordStore } from '../../apps/server/src/calls/persistence/pg-call-record-store';
import { CardRevocationService } from '../../apps/server/src/cards/domain/card-revocation';
import { FinderLookupService } from '../../apps/server/src/cascades/finder-lookup.service';
import { PgCascadeStore } from '../../apps/server/src/cascades/persistence/pg-cascade-store';
import { Database } from '../../apps/server/src/database/database';
import { CascadePause1797700000000 } from '../../apps/server/src/database/migrations/1797700000000-CascadePause';
import { CURRENT_TERMS_VERSION } from '../../apps/server/src/portal/domain/parent-children';
import { PgParentChildrenStore } from '../../apps/server/src/portal/persistence/pg-parent-children-store';
import { Pseudonymizer } from '../../apps/server/src/privacy/pseudonymizer';
import { randomCode } from '../support/cards-data';
import { randomNationalNumber } from '../support/national-numbers';
import { PortalClient, ingestedCard, linkedChild, portalTestConfig, signedInParent, usePortalApp } from '../support/portal-app';

describe('parents pause and resume a cascade (the portal API over HTTP, the finder look-up, cards, PostgreSQL)', () => {
  const config = portalTestConfig();
  const pseudonymizer = new Pseudonymizer(config.pseudonymKey);
  const portal = usePortalApp(config);
  const numbers = [
    { number: '0470 33 44 01', label: 'Mum' },
    { number: '0470 33 44 02', label: 'Dad' },
  ];

  /** A signed-in parent with a child whose cascade is active (two numbers, the current terms). */
  async function activeCascade(options: { issuedOn?: string } = {}) {
    const parent = await signedInParent(portal);
    const card = await ingestedCard(portal, options.issuedOn ? { issuedOn: options.issuedOn } : {});
    const childId = await linkedChild(portal, parent.client, card);
    expect((await parent.client.put(`/api/v1/children/${childId}/cascade`, { numbers })).status).toBe(200);
    const activated = await parent.client.post(`/api/v1/children/${childId}/cascade/activation`, { termsVersion: CURRENT_TERMS_VERSION });
    expect(activated.status).toBe(200);
    return { ...parent, card, childId, activated: activated.body };
  }

  const pause = (client: PortalClient, childId: string) => client.post(`/api/v1/children/${childId}/cascade/pause`);
  const resume = (client: PortalClient, childId: string) => client.post(`/api/v1/children/${childId}/cascade/resume`);

  /** A finder's look-up of this national number, as the call flow makes it (a call record first). */
  async function lookUp(nationalNumber: string) {
    const db = new Database(portal.db);
    const records = new PgCallRecordStore(db);
    const callId = randomUUID();
    await records.callStarted(callId, new Date());
    const caller = `3249${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    return new FinderLookupService(new PgCascadeStore(db), records, pseudonymizer, 100).lookUp(callId, nationalNumber, caller);
  }

  const stored = async (childId: string): Promise<{ id: string; status: string; blocked_reason: string | null; inactive_since: Date | null; terms_version: string }> =>
    (await portal.db.query(`SELECT id, status, blocked_reason, inactive_since, terms_version FROM cascades WHERE child_id = $1`, [childId]))[0];
  const auditOf = (cascadeId: string): Promise<{ action: string; actor_kind: string; actor_id: string | null; details: Record<string, unknown> }[]> =>
    portal.db.query(`SELECT action, actor_kind, actor_id, details FROM audit_events WHERE subject_id = $1 ORDER BY id`, [cascadeId]);

  it('given an active cascade, when a parent pauses it, then a finder is put through to the hotline (the look-up answers as for a cascade that does not ring), and once resumed it rings again with the same consent; both are audited', async () => {
    const { client, id: parentId, card, childId, activated } = await activeCascade();
    expect(await lookUp(card.nationalNumber)).toMatchObject({ kind: 'found', legs: [{ position: 1, number: '+32470334401' }, { position: 2, number: '+32470334402' }] });

    const before = Date.now();
    const paused = await pause(client, childId);
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ childId, status: 'paused', blockedReason: null, pausedAt: expect.any(String), termsVersion: CURRENT_TERMS_VERSION, numbers: [{ number: '+32470334401' }, { number: '+32470334402' }] });
    expect(Date.parse(paused.body.pausedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect((await client.get('/api/v1/children')).body).toEqual([expect.objectContaining({ id: childId, cascadeStatus: 'paused' })]);
    // Inactive from the pause, for the retention of parent accounts.
    const whilePaused = await stored(childId);
    expect(whilePaused).toMatchObject({ status: 'paused', blocked_reason: null, terms_version: CURRENT_TERMS_VERSION });
    expect(whilePaused.inactive_since!.toISOString()).toBe(paused.body.pausedAt);

    // The call flow hears "unavailable" (the hotline), exactly as for a number nobody enrolled.
    expect(await lookUp(card.nationalNumber)).toEqual({ kind: 'unavailable', reason: 'paused' });
    expect((await lookUp(randomNationalNumber())).kind).toBe('unavailable');

    const resumed = await resume(client, childId);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ status: 'active', pausedAt: null, activatedAt: activated.activatedAt, termsVersion: CURRENT_TERMS_VERSION, termsAcceptedAt: activated.termsAcceptedAt });
    expect((await stored(childId)).inactive_since).toBeNull();
    expect((await lookUp(card.nationalNumber)).kind).toBe('found');

    const trail = await auditOf(whilePaused.id);
    expect(trail.filter((e) => e.action === 'cascade.paused' || e.action === 'cascade.resumed')).toEqual([
      { action: 'cascade.paused', actor_kind: 'parent', actor_id: parentId, details: {} },
      { action: 'cascade.resumed', actor_kind: 'parent', actor_id: parentId, details: {} },
    ]);
  });

  it('given a cascade in a status that does not allow it, then pausing or resuming answers 409 saying why, and nothing changes', async () => {
    const { client, childId } = await activeCascade();
    const notPaused = await resume(client, childId);
    expect(notPaused.status).toBe(409);
    expect(notPaused.body).toEqual({ statusCode: 409, error: 'conflict', message: 'the cascade is not paused: it is already active', fields: [] });

    expect((await pause(client, childId)).status).toBe(200);
    const again = await pause(client, childId);
    expect([again.status, again.body.message]).toEqual([409, 'the cascade is already paused']);

    const draftChild = await linkedChild(portal, client);
    expect((await client.put(`/api/v1/children/${draftChild}/cascade`, { numbers })).status).toBe(200);
    const draftPause = await pause(client, draftChild);
    expect([draftPause.status, draftPause.body.message]).toEqual([409, expect.stringMatching(/only an active cascade can be paused: this one is a draft/)]);
    const draftResume = await resume(client, draftChild);
    expect([draftResume.status, draftResume.body.message]).toEqual([409, expect.stringMatching(/only a paused cascade can be resumed: a draft is activated by accepting the terms/)]);
    expect((await stored(draftChild)).status).toBe('draft');

    // No cascade yet: nothing to pause.
    const bare = await linkedChild(portal, client);
    expect((await pause(client, bare)).body).toMatchObject({ statusCode: 404, message: 'no such cascade in your account' });
    expect((await stored(childId)).status).toBe('paused');
  });

  it("given another family's child, an unknown id, no CSRF token or no session, then the pause and the resume are refused and the cascade is untouched", async () => {
    const { client, childId } = await activeCascade();
    const { client: stranger } = await signedInParent(portal);
    for (const id of [childId, randomUUID(), 'not-a-uuid']) {
      expect((await pause(stranger, id)).status).toBe(404);
      expect((await resume(stranger, id)).status).toBe(404);
    }
    expect((await client.post(`/api/v1/children/${childId}/cascade/pause`, {}, { csrf: false })).status).toBe(403);
    const anonymous = new PortalClient(portal.baseUrl);
    await anonymous.csrf();
    expect((await pause(anonymous, childId)).status).toBe(401);
    expect((await stored(childId)).status).toBe('active');
  });

  it('given a paused cascade, when the authority sends a new card, then it is blocked (new-card) and cannot be resumed: only the new letter\'s code re-activates it', async () => {
    const { client, card, childId } = await activeCascade({ issuedOn: new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10) });
    expect((await pause(client, childId)).status).toBe(200);
    const pausedSince = (await stored(childId)).inactive_since;

    const newCard = await ingestedCard(portal, { nationalNumber: card.nationalNumber, contactCode: randomCode() });
    const blocked = await stored(childId);
    expect(blocked).toMatchObject({ status: 'blocked', blocked_reason: 'new-card' });
    // Still inactive since the pause: a new card does not restart the retention clock.
    expect(blocked.inactive_since).toEqual(pausedSince);
    expect((await auditOf(blocked.id)).map((e) => [e.action, e.details])).toContainEqual(['cascade.blocked', { reason: 'new-card' }]);
    expect(await lookUp(card.nationalNumber)).toEqual({ kind: 'unavailable', reason: 'blocked' });

    const refused = await resume(client, childId);
    expect([refused.status, refused.body.message]).toEqual([409, expect.stringMatching(/a blocked cascade is re-activated with the code of the new card/)]);
    expect((await stored(childId)).status).toBe('blocked');

    const reactivated = await client.post(`/api/v1/children/${childId}/cascade/activation`, { termsVersion: CURRENT_TERMS_VERSION, contactCode: newCard.contactCode });
    expect([reactivated.status, reactivated.body.status]).toEqual([200, 'active']);
  });

  it('given a paused cascade, when the authority revokes its card, then it is blocked (card-revoked) and cannot be resumed', async () => {
    const { client, card, childId } = await activeCascade();
    expect((await pause(client, childId)).status).toBe(200);
    const report = await portal.app.get(CardRevocationService).revoke([{ nationalNumber: card.nationalNumber, issuedOn: card.issuedOn }], { kind: 'system', id: 'pause-test' });
    expect(report).toMatchObject({ accepted: [{ index: 0, outcome: 'revoked' }], blockedCascades: 1 });
    const blocked = await stored(childId);
    expect(blocked).toMatchObject({ status: 'blocked', blocked_reason: 'card-revoked' });
    expect((await auditOf(blocked.id)).map((e) => [e.action, e.details])).toContainEqual(['cascade.blocked', { reason: 'card-revoked' }]);
    expect((await resume(client, childId)).status).toBe(409);
    expect(await lookUp(card.nationalNumber)).toEqual({ kind: 'unavailable', reason: 'blocked' });
  });

  it('given a paused cascade, then its list can still be edited (it stays paused) but not emptied', async () => {
    const { client, childId } = await activeCascade();
    expect((await pause(client, childId)).status).toBe(200);
    const saved = await client.put(`/api/v1/children/${childId}/cascade`, { numbers: [numbers[1]] });
    expect([saved.status, saved.body.status, saved.body.numbers.length]).toEqual([200, 'paused', 1]);
    const emptied = await client.put(`/api/v1/children/${childId}/cascade`, { numbers: [] });
    expect(emptied.status).toBe(400);
    expect(emptied.body.fields).toEqual([{ field: 'numbers', code: 'empty-active', message: expect.stringMatching(/active or paused cascade needs at least one number/) }]);
    expect((await client.get(`/api/v1/children/${childId}/cascade`)).body.numbers).toHaveLength(1);
  });

  it("given the store's pause as the parents' line calls it (no account), then the audit trail has no actor id and says it was by phone; a second call finds nothing to change", async () => {
    const { childId } = await activeCascade();
    const store = new PgParentChildrenStore(new Database(portal.db), config.service.defaultLanguage);
    expect(await store.setPaused(childId, true, null)).toBe(true);
    expect(await store.setPaused(childId, true, null)).toBe(false);
    expect(await store.setPaused(childId, false, null)).toBe(true);
    expect(await store.setPaused(childId, false, null)).toBe(false);
    const { id } = await stored(childId);
    expect((await auditOf(id)).filter((e) => e.action !== 'cascade.numbers-saved' && e.action !== 'cascade.activated')).toEqual([
      { action: 'cascade.paused', actor_kind: 'parent', actor_id: null, details: { by: 'phone' } },
      { action: 'cascade.resumed', actor_kind: 'parent', actor_id: null, details: { by: 'phone' } },
    ]);
  });

  it('given the migration reverted (in a transaction rolled back), then a paused cascade becomes a draft, which calls no one, and the status list no longer takes paused', async () => {
    const { client, childId } = await activeCascade();
    expect((await pause(client, childId)).status).toBe(200);
    const runner = portal.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await new CascadePause1797700000000().down(runner);
      const [reverted] = await runner.query(`SELECT status, inactive_since FROM cascades WHERE child_id = $1`, [childId]);
      expect(reverted.status).toBe('draft');
      expect(reverted.inactive_since).not.toBeNull();
      await runner.query(`SAVEPOINT refused`);
      await expect(runner.query(`UPDATE cascades SET status = 'paused' WHERE child_id = $1`, [childId])).rejects.toThrow(/ck_cascades_status/);
      await runner.query(`ROLLBACK TO SAVEPOINT refused`);
      await new CascadePause1797700000000().up(runner);
      await runner.query(`UPDATE cascades SET status = 'paused' WHERE child_id = $1`, [childId]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    expect((await stored(childId)).status).toBe('paused');
  });
});

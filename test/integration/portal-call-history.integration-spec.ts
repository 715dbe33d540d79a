import { randomUUID } from 'node:crypto';
import { PgCallRecordStore } from '../../apps/server/src/calls/persistence/pg-call-record-store';
import { FinderLookupService } from '../../apps/server/src/cascades/finder-lookup.service';
import { PgCascadeStore } from '../../apps/server/src/cascades/persistence/pg-cascade-store';
import { Database } from '../../apps/server/src/database/database';
import { CALL_HISTORY_LIMIT } from '../../apps/server/src/portal/domain/call-history';
import { CURRENT_TERMS_VERSION } from '../../apps/server/src/portal/domain/parent-children';
import { Pseudonymizer } from '../../apps/server/src/privacy/pseudonymizer';
import { cardRecord } from '../support/cards-data';
import { PortalClient, ingestedCard, linkedChild, portalTestConfig, signedInParent, usePortalApp } from '../support/portal-app';

const FINDER = '32475123987';

describe('the call history of a child (GET /api/v1/children/:id/calls) against PostgreSQL', () => {
  const config = portalTestConfig();
  const pseudonymizer = new Pseudonymizer(config.pseudonymKey);
  const portal = usePortalApp(config);
  let records: PgCallRecordStore;
  let lookup: FinderLookupService;

  beforeAll(() => {
    // The call flow's own writer and look-up (telephony.module.ts wires the same two).
    records = new PgCallRecordStore(new Database(portal.db));
    lookup = new FinderLookupService(new PgCascadeStore(new Database(portal.db)), records, pseudonymizer, 1000);
  });

  /** A card ingested as the authority sends it, linked to the parent; returns the child's id and national number. */
  async function childOf(client: PortalClient): Promise<{ childId: string; nationalNumber: string }> {
    const card = await ingestedCard(portal);
    return { childId: await linkedChild(portal, client, card), nationalNumber: card.nationalNumber };
  }

  type Leg = [position: number | 'hotline', result: string];

  /**
   * One finder's call written the way the call flow writes it (call-session.ts): the call starts,
   * the look-up notes the typed number, each leg is recorded as it ends, then the call's end.
   */
  async function recordedCall(nationalNumber: string, startedAt: Date, legs: Leg[], end?: { outcome: string; connected?: number | 'hotline' }): Promise<string> {
    const callId = randomUUID();
    await records.callStarted(callId, startedAt);
    const found = await lookup.lookUp(callId, nationalNumber, FINDER);
    let at = startedAt.getTime() + 20_000;
    for (const [position, result] of legs) {
      await records.legEnded({ legId: `${callId}:leg:${position}`, callId, position: String(position), result, startedAt: new Date(at), endedAt: new Date(at + 15_000) });
      at += 16_000;
    }
    if (end) {
      await records.callEnded(callId, end.outcome, new Date(at + 60_000), {
        language: 'fr',
        connectedPosition: end.connected === undefined ? undefined : String(end.connected),
        cascadeId: found.kind === 'found' ? found.cascadeId : undefined,
      });
    }
    return callId;
  }

  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

  it('given calls about my child, then I see them newest first with their outcome, each leg, and the number that answered named as it was then', async () => {
    const { client: parent } = await signedInParent(portal);
    const { childId, nationalNumber } = await childOf(parent);
    const numbers = [
      { number: '0470 11 22 33', label: 'Mum, mobile' },
      { number: '0470 44 55 66', label: 'Dad, mobile' },
      { number: '+32 2 555 12 12' },
    ];
    expect((await parent.put(`/api/v1/children/${childId}/cascade`, { numbers })).status).toBe(200);
    expect((await parent.post(`/api/v1/children/${childId}/cascade/activation`, { termsVersion: CURRENT_TERMS_VERSION })).status).toBe(200);

    const [t1, t2, t3, t4] = [minutesAgo(300), minutesAgo(200), minutesAgo(100), minutesAgo(1)];
    const first = await recordedCall(nationalNumber, t1, [[1, 'busy'], [2, 'accepted']], { outcome: 'connected-parent', connected: 2 });
    // The parents reorder and relabel afterwards: the history keeps the names the legs had.
    expect((await parent.put(`/api/v1/children/${childId}/cascade`, { numbers: [{ ...numbers[1], label: 'Papa' }, numbers[0], numbers[2]] })).status).toBe(200);
    const second = await recordedCall(nationalNumber, t2, [[1, 'no-answer'], [2, 'machine'], [3, 'declined'], ['hotline', 'connected']], { outcome: 'connected-hotline', connected: 'hotline' });
    const third = await recordedCall(nationalNumber, t3, [[1, 'cancelled']], { outcome: 'finder-hung-up' });
    // Still running (or its end was never recorded).
    const running = await recordedCall(nationalNumber, t4, []);
    // Another child's call, by the same finder: not in this history.
    await recordedCall(cardRecord().nationalNumber, minutesAgo(50), [['hotline', 'connected']], { outcome: 'connected-hotline', connected: 'hotline' });

    const response = await parent.get(`/api/v1/children/${childId}/calls`);
    expect(response.status).toBe(200);
    const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const leg = (position: number | 'hotline', label: string | null, result: string) => ({
      hotline: position === 'hotline',
      position: position === 'hotline' ? null : position,
      label,
      result,
      startedAt: iso,
      endedAt: iso,
    });
    expect(response.body).toEqual([
      { id: running, startedAt: t4.toISOString(), endedAt: null, outcome: null, answeredBy: null, legs: [] },
      { id: third, startedAt: t3.toISOString(), endedAt: iso, outcome: 'finder-hung-up', answeredBy: null, legs: [leg(1, 'Papa', 'cancelled')] },
      {
        id: second,
        startedAt: t2.toISOString(),
        endedAt: iso,
        outcome: 'connected-hotline',
        answeredBy: { hotline: true, position: null, label: null },
        legs: [leg(1, 'Papa', 'no-answer'), leg(2, 'Mum, mobile', 'machine'), leg(3, null, 'declined'), leg('hotline', null, 'connected')],
      },
      {
        id: first,
        startedAt: t1.toISOString(),
        endedAt: iso,
        outcome: 'connected-parent',
        answeredBy: { hotline: false, position: 2, label: 'Dad, mobile' },
        legs: [leg(1, 'Mum, mobile', 'busy'), leg(2, 'Dad, mobile', 'accepted')],
      },
    ]);
    // The times as recorded: legs from 20 s after the start, 15 s each, 1 s apart; the end a minute after the last.
    const firstCall = response.body[3];
    expect([firstCall.legs[0].startedAt, firstCall.legs[1].endedAt, firstCall.endedAt]).toEqual(
      [20_000, 20_000 + 16_000 + 15_000, 20_000 + 2 * 16_000 + 60_000].map((ms) => new Date(t1.getTime() + ms).toISOString()),
    );

    // Nothing about the finder: not their number, not its keyed hash, not the child's hash.
    const text = JSON.stringify(response.body);
    const callerHash = pseudonymizer.hash('caller', FINDER);
    const childHash = pseudonymizer.hash('national-number', nationalNumber);
    for (const secret of [FINDER, callerHash.toString('hex'), callerHash.toString('base64'), childHash.toString('hex'), childHash.toString('base64'), nationalNumber]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/caller|hash|\+32/i);
  });

  it('given a child with more calls than the history shows, then only the newest ones are listed', async () => {
    const { client: parent } = await signedInParent(portal);
    const { childId, nationalNumber } = await childOf(parent);
    const ids: string[] = [];
    for (let i = CALL_HISTORY_LIMIT + 2; i > 0; i -= 1) ids.push(await recordedCall(nationalNumber, minutesAgo(i), [['hotline', 'connected']], { outcome: 'connected-hotline', connected: 'hotline' }));

    const response = await parent.get(`/api/v1/children/${childId}/calls`);
    expect(response.status).toBe(200);
    expect(response.body.map((call: { id: string }) => call.id)).toEqual(ids.slice(2).reverse());

    // The account export holds every call still kept, not only the newest the screen shows.
    const exported = await parent.get('/api/v1/account/export');
    expect(exported.status).toBe(200);
    expect(exported.body.children.find((c: { id: string }) => c.id === childId).calls.map((call: { id: string }) => call.id)).toEqual([...ids].reverse());
  });

  it("given calls about my children, when I download my data, then each child carries its calls exactly as the history shows them, nothing of the finder, and no other family's calls", async () => {
    const { client: parent } = await signedInParent(portal);
    const called = await childOf(parent);
    const quiet = await childOf(parent);
    expect((await parent.put(`/api/v1/children/${called.childId}/cascade`, { numbers: [{ number: '0470 11 22 33', label: 'Mum, mobile' }] })).status).toBe(200);
    await recordedCall(called.nationalNumber, minutesAgo(30), [[1, 'no-answer'], ['hotline', 'connected']], { outcome: 'connected-hotline', connected: 'hotline' });
    await recordedCall(called.nationalNumber, minutesAgo(10), [[1, 'accepted']], { outcome: 'connected-parent', connected: 1 });
    const { client: other } = await signedInParent(portal);
    const stranger = await childOf(other);
    await recordedCall(stranger.nationalNumber, minutesAgo(20), [['hotline', 'connected']], { outcome: 'connected-hotline', connected: 'hotline' });

    const exported = await parent.get('/api/v1/account/export');
    expect(exported.status).toBe(200);
    const byId = new Map<string, { calls: unknown[] }>(exported.body.children.map((c: { id: string; calls: unknown[] }) => [c.id, c]));
    expect([...byId.keys()].sort()).toEqual([called.childId, quiet.childId].sort());
    expect(byId.get(called.childId)!.calls).toEqual((await parent.get(`/api/v1/children/${called.childId}/calls`)).body);
    expect(byId.get(called.childId)!.calls).toHaveLength(2);
    expect(byId.get(called.childId)!.calls[0]).toMatchObject({ outcome: 'connected-parent', answeredBy: { hotline: false, position: 1, label: 'Mum, mobile' } });
    expect(byId.get(quiet.childId)!.calls).toEqual([]);
    expect(exported.body.notes.join(' ')).toContain('children[].calls');

    const text = JSON.stringify(exported.body);
    const callerHash = pseudonymizer.hash('caller', FINDER);
    for (const secret of [FINDER, callerHash.toString('hex'), callerHash.toString('base64'), called.nationalNumber, stranger.nationalNumber]) expect(text).not.toContain(secret);
    // The other family's export has its own call only.
    expect((await other.get('/api/v1/account/export')).body.children.map((c: { calls: unknown[] }) => c.calls.length)).toEqual([1]);
  });

  it('given a child with no calls yet (a draft cascade), then the history is an empty list', async () => {
    const { client: parent } = await signedInParent(portal);
    const { childId } = await childOf(parent);
    expect(await parent.get(`/api/v1/children/${childId}/calls`)).toMatchObject({ status: 200, body: [] });
  });

  it("given another family's child, an unknown id, a malformed id or no session, then 404 (401 without a session) exactly as for the cascade, and nothing of the calls", async () => {
    const { client: owner } = await signedInParent(portal);
    const { childId, nationalNumber } = await childOf(owner);
    await recordedCall(nationalNumber, minutesAgo(5), [['hotline', 'connected']], { outcome: 'connected-hotline', connected: 'hotline' });
    const { client: stranger } = await signedInParent(portal);

    for (const id of [childId, randomUUID(), 'not-a-uuid']) {
      const calls = await stranger.get(`/api/v1/children/${id}/calls`);
      const cascade = await stranger.get(`/api/v1/children/${id}/cascade`);
      expect([id, calls.status, calls.body]).toEqual([id, 404, cascade.body]);
    }
    expect((await stranger.get(`/api/v1/children/${childId}/calls`)).body).toEqual({ statusCode: 404, error: 'not-found', message: 'no such child in your account', fields: [] });
    expect((await new PortalClient(portal.baseUrl).get(`/api/v1/children/${childId}/calls`)).status).toBe(401);
    expect((await owner.get(`/api/v1/children/${childId}/calls`)).body).toHaveLength(1);
  });
});

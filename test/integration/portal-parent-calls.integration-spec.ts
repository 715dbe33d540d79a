import { randomUUID } from 'node:crypto';
import type { Language } from '../../apps/server/src/languages';
import { CODE_REQUEST_ACCEPTED, ParentCalls } from '../../apps/server/src/portal/domain/parent-calls';
import { CURRENT_TERMS_VERSION } from '../../apps/server/src/portal/domain/parent-children';
import { AnnouncementDialler } from '../../apps/server/src/telephony/announcement/announcement-dialler';
import { AnnouncementPurpose, AnnouncementResult } from '../../apps/server/src/telephony/announcement/announcement-machine';
import { randomNationalNumber } from '../support/national-numbers';
import { CapturingLogger, PortalClient, StartedPortal, ingestedCard, linkedChild, portalTestConfig, signedInParent, startPortalApp } from '../support/portal-app';

/** The telephony at its port: answers each number as scripted, and can hold a call open. */
class ScriptedDialler implements AnnouncementDialler {
  readonly calls: { number: string; language: Language; purpose: AnnouncementPurpose }[] = [];
  readonly script = new Map<string, AnnouncementResult>();
  private gate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;

  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate?.();
    this.gate = null;
  }

  async call(request: { number: string; language: Language; purpose: AnnouncementPurpose }): Promise<AnnouncementResult> {
    this.calls.push(request);
    if (this.gate) await this.gate;
    return this.script.get(request.number) ?? 'no-answer';
  }
}

describe('calls the service places for parents: testing the list and a lost code (/api/v1, real HTTP, PostgreSQL, fake dialler)', () => {
  const config = portalTestConfig();
  const dialler = new ScriptedDialler();
  const logger = new CapturingLogger();
  // Not usePortalApp: the dialler must let go of held calls before the app closes.
  let portal: StartedPortal;

  beforeAll(async () => {
    portal = await startPortalApp(config, { dialler, logger });
  });
  afterAll(async () => {
    dialler.release();
    await portal.app.get(ParentCalls).settled();
    await portal.app.close();
  });
  beforeEach(() => {
    dialler.calls.length = 0;
    dialler.script.clear();
  });

  const settled = () => portal.app.get(ParentCalls).settled();

  /** A child linked to the parent, with these numbers; activated unless told otherwise. */
  async function childWith(client: PortalClient, numbers: string[], options: { activate?: boolean; language?: Language } = {}) {
    const card = await ingestedCard(portal);
    const childId = await linkedChild(portal, client, card);
    if (numbers.length > 0) {
      const saved = await client.put(`/api/v1/children/${childId}/cascade`, { numbers: numbers.map((number, i) => ({ number, label: `phone ${i + 1}` })), language: options.language ?? 'nl' });
      expect(saved.status).toBe(200);
    }
    if (options.activate ?? true) expect((await client.post(`/api/v1/children/${childId}/cascade/activation`, { termsVersion: CURRENT_TERMS_VERSION })).status).toBe(200);
    return { childId, card };
  }

  describe('testing the list', () => {
    it('given three numbers, when the parent starts a test, then each is called in order in the cascade\'s language and each result is kept, a key 1 as the last verification', async () => {
      const { client } = await signedInParent(portal);
      const { childId } = await childWith(client, ['+32470111001', '+32470111002', '+32470111003']);
      dialler.script.set('+32470111001', 'confirmed').set('+32470111002', 'busy').set('+32470111003', 'voicemail');
      const before = Date.now();

      dialler.hold();
      const started = await client.post(`/api/v1/children/${childId}/cascade/test`);
      dialler.release();
      expect(started.status).toBe(202);
      expect(started.body.test).toMatchObject({ running: true, finishedAt: null, currentPosition: 1 });
      await settled();

      expect(dialler.calls).toEqual(['+32470111001', '+32470111002', '+32470111003'].map((number) => ({ number, language: 'nl', purpose: { kind: 'test' } })));
      const view = await client.get(`/api/v1/children/${childId}/cascade/test`);
      expect(view.status).toBe(200);
      expect(view.body.test).toMatchObject({ running: false, finishedAt: expect.any(String), currentPosition: null });
      expect(view.body.numbers.map((n: { lastCheckResult: string }) => n.lastCheckResult)).toEqual(['confirmed', 'busy', 'voicemail']);
      expect(Date.parse(view.body.numbers[0].lastVerifiedAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(view.body.numbers[1].lastVerifiedAt).toBeNull();
      expect(view.body.numbers[2].lastVerifiedAt).toBeNull();
      for (const n of view.body.numbers) expect(Date.parse(n.lastCheckAt)).toBeGreaterThanOrEqual(before - 1000);
    });

    it('given a paused cascade, when the parent starts a test, then its numbers are called all the same (the list can be checked before resuming) and it stays paused', async () => {
      const { client } = await signedInParent(portal);
      const { childId } = await childWith(client, ['+32470111071', '+32470111072']);
      expect((await client.post(`/api/v1/children/${childId}/cascade/pause`)).status).toBe(200);
      dialler.script.set('+32470111071', 'confirmed');
      expect((await client.post(`/api/v1/children/${childId}/cascade/test`)).status).toBe(202);
      await settled();
      expect(dialler.calls.map((c) => c.number)).toEqual(['+32470111071', '+32470111072']);
      const view = await client.get(`/api/v1/children/${childId}/cascade/test`);
      expect(view.body.numbers.map((n: { lastCheckResult: string }) => n.lastCheckResult)).toEqual(['confirmed', 'no-answer']);
      expect((await client.get(`/api/v1/children/${childId}/cascade`)).body.status).toBe('paused');
    });

    it('given a tested list, when the parent reorders it and adds a number, then the numbers kept keep their results and the new one has none', async () => {
      const { client } = await signedInParent(portal);
      const { childId } = await childWith(client, ['+32470111061', '+32470111062']);
      dialler.script.set('+32470111061', 'confirmed').set('+32470111062', 'busy');
      expect((await client.post(`/api/v1/children/${childId}/cascade/test`)).status).toBe(202);
      await settled();
      const saved = await client.put(`/api/v1/children/${childId}/cascade`, {
        numbers: [{ number: '+32470111062', label: 'b' }, { number: '+32470111063', label: 'c' }, { number: '+32470111061', label: 'a' }],
      });
      expect(saved.status).toBe(200);
      const view = await client.get(`/api/v1/children/${childId}/cascade/test`);
      expect(view.body.numbers.map((n: { number: string; lastCheckResult: string | null; lastVerifiedAt: string | null }) => [n.number, n.lastCheckResult, n.lastVerifiedAt !== null])).toEqual([
        ['+32470111062', 'busy', false],
        ['+32470111063', null, false],
        ['+32470111061', 'confirmed', true],
      ]);
    });

    it('given a test running, then the progress shows which number is being called', async () => {
      const { client } = await signedInParent(portal);
      const { childId } = await childWith(client, ['+32470111011', '+32470111012'], { activate: false });
      dialler.hold();
      try {
        expect((await client.post(`/api/v1/children/${childId}/cascade/test`)).status).toBe(202);
        const during = await client.get(`/api/v1/children/${childId}/cascade/test`);
        expect(during.body.test).toMatchObject({ running: true, currentPosition: 1 });
        expect(during.body.numbers.map((n: { lastCheckResult: unknown }) => n.lastCheckResult)).toEqual([null, null]);
      } finally {
        dialler.release();
      }
      await settled();
      expect(dialler.calls.map((c) => c.number)).toEqual(['+32470111011', '+32470111012']);
    });

    it('given a test started less than 10 minutes ago, when the parent starts another, then 429 and nobody is called again', async () => {
      const { client } = await signedInParent(portal);
      const { childId } = await childWith(client, ['+32470111021']);
      expect((await client.post(`/api/v1/children/${childId}/cascade/test`)).status).toBe(202);
      await settled();
      const again = await client.post(`/api/v1/children/${childId}/cascade/test`);
      expect(again.status).toBe(429);
      expect(again.body).toMatchObject({ error: 'rate-limited', message: expect.stringContaining('10 minutes') });
      await settled();
      expect(dialler.calls).toHaveLength(1);
    });

    it('given a test cut short long ago (the app stopped mid-test), then it no longer shows as running and a new test can start', async () => {
      const { client } = await signedInParent(portal);
      const { childId } = await childWith(client, ['+32470111071']);
      await portal.db.query(
        `INSERT INTO cascade_tests (cascade_id, started_at, current_position) SELECT id, now() - interval '25 minutes', 1 FROM cascades WHERE child_id = $1`,
        [childId],
      );
      const view = await client.get(`/api/v1/children/${childId}/cascade/test`);
      expect(view.body.test).toMatchObject({ running: false, finishedAt: null, currentPosition: null });
      expect((await client.post(`/api/v1/children/${childId}/cascade/test`)).status).toBe(202);
      await settled();
      expect(dialler.calls.map((c) => c.number)).toEqual(['+32470111071']);
    });

    it('given another family\'s child or an unknown id, then 404 for starting and for reading, and nobody is called', async () => {
      const owner = await signedInParent(portal);
      const { childId } = await childWith(owner.client, ['+32470111031']);
      const stranger = await signedInParent(portal);
      for (const id of [childId, randomUUID(), 'not-a-uuid']) {
        expect((await stranger.client.post(`/api/v1/children/${id}/cascade/test`)).status).toBe(404);
        expect((await stranger.client.get(`/api/v1/children/${id}/cascade/test`)).status).toBe(404);
      }
      await settled();
      expect(dialler.calls).toEqual([]);
      const [{ count }] = await portal.db.query(`SELECT count(*)::int AS count FROM cascade_tests t JOIN cascades c ON c.id = t.cascade_id JOIN children ch ON ch.id = c.child_id WHERE ch.id = $1`, [childId]);
      expect(count).toBe(0);
    });

    it('given no CSRF token or no session, then the test is refused (403, 401) and nobody is called', async () => {
      const { client } = await signedInParent(portal);
      const { childId } = await childWith(client, ['+32470111041']);
      expect((await client.post(`/api/v1/children/${childId}/cascade/test`, {}, { csrf: false })).status).toBe(403);
      const anonymous = new PortalClient(portal.baseUrl);
      await anonymous.csrf();
      expect((await anonymous.post(`/api/v1/children/${childId}/cascade/test`)).status).toBe(401);
      await settled();
      expect(dialler.calls).toEqual([]);
    });

    it('given a child whose list has no number yet, then 409 with a message saying so', async () => {
      const { client } = await signedInParent(portal);
      const { childId } = await childWith(client, [], { activate: false });
      const response = await client.post(`/api/v1/children/${childId}/cascade/test`);
      expect(response.status).toBe(409);
      expect(response.body.message).toContain('no number to test');
      expect(dialler.calls).toEqual([]);
    });

    it('given the test is started, then the audit trail has it, without any phone number', async () => {
      const { client, id } = await signedInParent(portal);
      const { childId } = await childWith(client, ['+32470111051']);
      expect((await client.post(`/api/v1/children/${childId}/cascade/test`)).status).toBe(202);
      await settled();
      const events = await portal.db.query(`SELECT action, details::text AS details FROM audit_events WHERE actor_id = $1 AND action = 'cascade.test-started'`, [id]);
      expect(events).toHaveLength(1);
      expect(events[0].details).not.toContain('32470111051');
    });
  });

  describe('a lost contact code read out by phone', () => {
    it('given an active cascade, when a signed-in parent asks with the child\'s number, then one generic answer and the first number (only) is called to hear the code in the cascade\'s language', async () => {
      const owner = await signedInParent(portal);
      const { card } = await childWith(owner.client, ['+32470222001', '+32470222002'], { language: 'de' });
      const asker = await signedInParent(portal);
      const response = await asker.client.post('/api/v1/children/code-requests', { nationalNumber: card.nationalNumber });
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ message: CODE_REQUEST_ACCEPTED });
      await settled();
      expect(dialler.calls).toEqual([{ number: '+32470222001', language: 'de', purpose: { kind: 'code', code: card.contactCode } }]);
    });

    it.each([
      ['an unknown number', async () => ({ nationalNumber: randomNationalNumber() })],
      ['a child with a draft cascade', async (client: PortalClient) => ({ nationalNumber: (await childWith(client, ['+32470222011'], { activate: false })).card.nationalNumber })],
      ['a child with no cascade', async (client: PortalClient) => ({ nationalNumber: (await childWith(client, [], { activate: false })).card.nationalNumber })],
      // Paused, perhaps because that phone was lost: the code is not read out to it.
      [
        'a child whose cascade its parents paused',
        async (client: PortalClient) => {
          const { childId, card } = await childWith(client, ['+32470222051']);
          expect((await client.post(`/api/v1/children/${childId}/cascade/pause`)).status).toBe(200);
          return { nationalNumber: card.nationalNumber };
        },
      ],
    ])('given %s, then the very same answer and nobody is called', async (_, seed) => {
      const { client } = await signedInParent(portal);
      const body = await seed(client);
      const response = await client.post('/api/v1/children/code-requests', body);
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ message: CODE_REQUEST_ACCEPTED });
      await settled();
      expect(dialler.calls).toEqual([]);
    });

    it('given a number to call in the request, then it is refused as an unknown field: the call only ever goes to the cascade\'s first number', async () => {
      const { client } = await signedInParent(portal);
      const response = await client.post('/api/v1/children/code-requests', { nationalNumber: randomNationalNumber(), phone: '+32470999999' });
      expect(response.status).toBe(400);
      await settled();
      expect(dialler.calls).toEqual([]);
    });

    it('given a national number with wrong check digits, then 400 on that field and nothing is counted nor called', async () => {
      const { client } = await signedInParent(portal);
      const valid = randomNationalNumber();
      const wrong = valid.slice(0, 9) + String((Number(valid.slice(9)) + 1) % 100).padStart(2, '0');
      const response = await client.post('/api/v1/children/code-requests', { nationalNumber: wrong });
      expect(response.status).toBe(400);
      expect(response.body.fields.map((f: { field: string }) => f.field)).toEqual(['nationalNumber']);
      await settled();
      expect(dialler.calls).toEqual([]);
    });

    it('given two requests for one child\'s number in a day, then a third is refused with 429 whoever asks, and is not called', async () => {
      const owner = await signedInParent(portal);
      const { card } = await childWith(owner.client, ['+32470222021']);
      for (let i = 0; i < 2; i++) {
        const asker = await signedInParent(portal);
        expect((await asker.client.post('/api/v1/children/code-requests', { nationalNumber: card.nationalNumber })).status).toBe(202);
      }
      const third = await signedInParent(portal);
      const refused = await third.client.post('/api/v1/children/code-requests', { nationalNumber: card.nationalNumber });
      expect(refused.status).toBe(429);
      await settled();
      expect(dialler.calls).toHaveLength(2);
    });

    it('given five requests for one child\'s number at the same moment, then exactly two are let through and called', async () => {
      const owner = await signedInParent(portal);
      const { card } = await childWith(owner.client, ['+32470222041']);
      const askers = await Promise.all(Array.from({ length: 5 }, () => signedInParent(portal)));
      const statuses = await Promise.all(askers.map((a) => a.client.post('/api/v1/children/code-requests', { nationalNumber: card.nationalNumber }).then((r) => r.status)));
      expect(statuses.sort()).toEqual([202, 202, 429, 429, 429]);
      await settled();
      expect(dialler.calls).toHaveLength(2);
    });

    it('given three requests from one account in a day, then a fourth is refused with 429, for any number', async () => {
      const { client } = await signedInParent(portal);
      for (let i = 0; i < 3; i++) expect((await client.post('/api/v1/children/code-requests', { nationalNumber: randomNationalNumber() })).status).toBe(202);
      expect((await client.post('/api/v1/children/code-requests', { nationalNumber: randomNationalNumber() })).status).toBe(429);
    });

    it('given a request, then the audit trail names the account only, and neither the national number nor the code nor the phone number reaches the log or the audit trail', async () => {
      const owner = await signedInParent(portal);
      const { card } = await childWith(owner.client, ['+32470222031']);
      const asker = await signedInParent(portal);
      expect((await asker.client.post('/api/v1/children/code-requests', { nationalNumber: card.nationalNumber })).status).toBe(202);
      await settled();
      const requested = await portal.db.query(`SELECT subject_id, details::text AS details FROM audit_events WHERE actor_id = $1 AND action = 'code.call-requested'`, [asker.id]);
      expect(requested).toEqual([{ subject_id: null, details: '{}' }]);
      const placed = await portal.db.query(`SELECT details::text AS details FROM audit_events WHERE action = 'code.call-placed' ORDER BY at DESC LIMIT 1`);
      expect(placed[0].details).toContain('no-answer');
      const trail = JSON.stringify(await portal.db.query(`SELECT * FROM audit_events WHERE at > now() - interval '1 minute'`));
      for (const secret of [card.nationalNumber, card.contactCode, '32470222031']) {
        expect(trail).not.toContain(secret);
        expect(logger.text()).not.toContain(secret);
      }
    });
  });
});

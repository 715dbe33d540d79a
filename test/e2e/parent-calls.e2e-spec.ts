import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ParentCalls } from '../../apps/server/src/portal/domain/parent-calls';
import { PHONES } from '../support/network';
import { addMissingPrompts, ASTERISK_ROOT } from '../support/prompts';
import { waitFor } from '../support/processes';
import { World } from '../support/world';

jest.setTimeout(90_000);

describe('calls the service places for parents, end to end (real Asterisk, simulated telephone network, PostgreSQL, the app)', () => {
  const world = new World();
  let calls: ParentCalls;

  beforeAll(async () => {
    await addMissingPrompts(world.config.asteriskSoundsDir);
    await world.start();
    calls = world.app!.get(ParentCalls);
  });
  afterAll(async () => {
    try {
      // A call that never ends fails its own test; it must not keep this suite's Asterisk running.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([calls?.settled(), new Promise((resolve) => (timer = setTimeout(resolve, 30_000)))]);
      clearTimeout(timer);
    } finally {
      await world.stop();
    }
  });
  beforeEach(() => world.network.takeLog());

  /** A parent account linked to the child (the portal's sign-in is covered by the integration tests). */
  async function parentOf(cascadeId: string): Promise<{ parentId: string; childId: string }> {
    const [{ id: parentId }] = await world.db.query(`INSERT INTO parent_accounts DEFAULT VALUES RETURNING id`);
    const [{ child_id: childId }] = await world.db.query(`SELECT child_id FROM cascades WHERE id = $1`, [cascadeId]);
    await world.db.query(`INSERT INTO parent_children (parent_id, child_id) VALUES ($1, $2)`, [parentId, childId]);
    return { parentId, childId };
  }

  it('given a list of a busy phone then a person, when the parent tests it, then the busy one is recorded busy, the person is called next, presses 1 and is recorded as verified', async () => {
    const { cascadeId } = await world.enrol([PHONES.busy, PHONES.person], { status: 'draft' });
    const { parentId, childId } = await parentOf(cascadeId);
    const started = await calls.startTest(parentId, childId);
    expect(started.test?.running).toBe(true);
    await calls.settled();

    const view = await calls.checks(parentId, childId);
    expect(view.test?.running).toBe(false);
    expect(view.numbers.map((n) => [n.number, n.lastCheckResult, n.lastVerifiedAt === null])).toEqual([
      [PHONES.busy, 'busy', true],
      [PHONES.person, 'confirmed', false],
    ]);
    const log = world.network.takeLog();
    expect(log.filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.busy, PHONES.person]);
    expect(log.some((e) => e.what === 'pressed-1')).toBe(true);
    // The parents' phones show the service number.
    expect(log.find((e) => e.what === 'dialled')!.callerId).toBe(world.config.service.number);
  });

  it('given a list holding a number the service may not dial (saved before the rule changed), when the parent tests it, then that number is recorded failed without being dialled and the next one is called', async () => {
    const { cascadeId } = await world.enrol(['+12015550123', PHONES.person], { status: 'draft' });
    const { parentId, childId } = await parentOf(cascadeId);
    await calls.startTest(parentId, childId);
    await calls.settled();
    const view = await calls.checks(parentId, childId);
    expect(view.numbers.map((n) => [n.number, n.lastCheckResult])).toEqual([
      ['+12015550123', 'failed'],
      [PHONES.person, 'confirmed'],
    ]);
    expect(world.network.takeLog().filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.person]);
  });

  it('given a lost code, when a parent asks for it, then only the first number of the active cascade is called, it presses 1 and hears the code read out twice', async () => {
    const { cascadeId, nationalNumber } = await world.enrol([PHONES.person, PHONES.busy], { firstName: 'Emma', language: 'en' });
    const { parentId } = await parentOf(cascadeId);
    // Only for this test: which sound files Asterisk plays, in a log of this instance.
    const logName = `played-${Date.now()}.log`;
    const logFile = join(ASTERISK_ROOT, 'srv/alloparents', world.asterisk.name, 'log', logName);
    // A channel's own verbosity (verbose(3)): the root console's level stays as it was.
    await world.asterisk.cli(`logger add channel ${logName} verbose(3)`);
    try {
      await calls.requestCode(parentId, nationalNumber);
      await calls.settled();
      const log = world.network.takeLog();
      expect(log.filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.person]);
      expect(log.some((e) => e.what === 'pressed-1')).toBe(true);
      const played = await waitFor('the played sounds in the log', async () => {
        const text = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
        return text.includes('alloparents/en/goodbye') ? text : undefined;
      }, 10_000);
      // World.enrol's code is ABCD-EFGH-JKLM: twelve letters, read twice, after "the code is".
      const letters = [...played.matchAll(/alloparents\/en\/letters\/([a-z])/g)].map((m) => m[1]).join('');
      expect(letters).toBe('abcdefghjklm'.repeat(2));
      expect(played).toContain('alloparents/en/code-is');
      expect(played).toContain('alloparents/en/code-again');
      expect(world.asterisk.output()).not.toMatch(/Playback failed for sound:alloparents/);
      const [audit] = await world.db.query(`SELECT details FROM audit_events WHERE action = 'code.call-placed' AND subject_id = $1`, [cascadeId]);
      expect(audit.details).toEqual({ result: 'confirmed' });
    } finally {
      await world.asterisk.cli(`logger remove channel ${logName}`);
      rmSync(logFile, { force: true });
    }
  });
});

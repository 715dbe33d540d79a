import { join } from 'node:path';
import { waitForHealth } from '../support/app';
import { AsteriskInstance } from '../support/asterisk';
import { finderScenario, typeNumber } from '../support/finder-scenario';
import { KAMAILIO_TEST_PORT, KamailioInstance } from '../support/kamailio';
import { PHONES } from '../support/network';
import { sleep, start, Started, waitFor } from '../support/processes';
import { REPO_ROOT } from '../support/repo-root';
import { endLeftoverCalls, expectSippPassed, sippCall } from '../support/sipp';
import { TEST_PORTS, testConfig, testEnvironment, testInstanceName } from '../support/test-config';
import { SECOND_NODE, World } from '../support/world';

jest.setTimeout(150_000);

/** How long a dead node may go on receiving new finders (docs/scaling.md). */
const DRAIN_LIMIT_MS = 5_000;

/**
 * Kamailio as the SIP entry in front of two nodes (each its own Asterisk and app, one
 * PostgreSQL): finders call Kamailio's port; each node's Asterisk dials the parents through the
 * simulated network, its own trunk, as in production (docs/scaling.md).
 */
describe('Kamailio in front of two nodes (real Kamailio, two Asterisk + app nodes, SIPp finders)', () => {
  // Node A is the world's (its app in this process); node B has ports of its own, as in
  // service-switch.e2e-spec.ts.
  const world = new World();
  const nodeB = SECOND_NODE;
  const envB = testEnvironment(nodeB);
  const asteriskB = new AsteriskInstance(testInstanceName('node-b'), envB);
  let appB: Started | undefined;

  const A = { sipUri: `sip:127.0.0.1:${TEST_PORTS.sip}`, healthUrl: `http://127.0.0.1:${TEST_PORTS.http}/health` };
  const B = { sipUri: `sip:127.0.0.1:${TEST_PORTS.sip + 100}`, healthUrl: `http://127.0.0.1:${TEST_PORTS.http + 100}/health` };
  const kamailio = new KamailioInstance([A, B]);

  /** Finders put through to a parent by each node's app (its own /metrics). */
  const connectedOn = async (operatorsUrl: string): Promise<number> => {
    const text = await (await fetch(`${operatorsUrl}/metrics`)).text();
    return Number(/^alloparents_calls_total\{outcome="connected-parent"\} (\d+)/m.exec(text)?.[1] ?? 0);
  };
  const urlB = `http://127.0.0.1:${TEST_PORTS.operators + 100}`;
  const connected = async () => ({ a: await connectedOn(world.operatorsUrl), b: await connectedOn(urlB) });

  /** A finder calls Kamailio and types the number of a child whose first phone answers and presses 1. */
  async function finderReachesParent(name: string): Promise<void> {
    const { nationalNumber } = await world.enrol([PHONES.person]);
    const scenario = finderScenario(name, { steps: [...typeNumber(nationalNumber), { pause: 14_000 }, { hangUp: true }] });
    expectSippPassed(await sippCall({ scenario, caller: world.callerNumber(), sipPort: KAMAILIO_TEST_PORT }));
  }

  /** The call records since `since`, once all `count` are closed. */
  const outcomesSince = (since: Date, count: number) =>
    waitFor(`${count} call records closed`, async () => {
      const rows = (await world.db.query(`SELECT outcome FROM call_records WHERE started_at >= $1`, [since])) as { outcome: string | null }[];
      return rows.length === count && rows.every((r) => r.outcome) ? rows.map((r) => r.outcome) : undefined;
    }, 30_000);

  /** Node A in the set again, put back by its app's health check (not only by an answered OPTIONS). */
  const nodeABack = (logFrom: number) =>
    waitFor('node A back in the set', async () => kamailio.output().slice(logFrom).includes(`node ${A.sipUri}: its app is healthy again`) && (await kamailio.isActive(A.sipUri)), 15_000, 100);

  /** A precondition of each failure: node A in the set when it fails, so that the drain time measures something. */
  const nodeAInSet = () => waitFor('node A in the set before its failure', () => kamailio.isActive(A.sipUri), 10_000, 100);

  const waitUntil = async (at: number) => {
    // The deadline itself is what is tested ("from 5 s after the failure"), not an event to wait for.
    if (at > Date.now()) await sleep(at - Date.now());
  };

  beforeAll(async () => {
    await world.start();
    await asteriskB.start();
    appB = start('node', [join(REPO_ROOT, 'dist/apps/server/src/main.js')], { env: { ...process.env, ...envB } });
    await waitForHealth(testConfig(nodeB), { status: 'ok' }).catch((error: Error) => {
      throw new Error(`${error.message}\nnode B's app said:\n${appB?.output().slice(-3000)}`);
    });
    await kamailio.start();
    await waitFor('both nodes active in Kamailio', async () => (await kamailio.isActive(A.sipUri)) && (await kamailio.isActive(B.sipUri)), 10_000);
  });
  afterAll(async () => {
    try {
      await kamailio.stop();
      appB?.child.kill('SIGTERM');
      await appB?.exited;
      await asteriskB.stop();
    } finally {
      await world.stop();
    }
  });
  beforeEach(() => world.network.takeLog());
  afterEach(() => endLeftoverCalls());

  it('given finders calling Kamailio, then the calls are spread over both nodes and each finder reaches a parent', async () => {
    const before = await connected();
    const since = new Date();
    // Round robin: two calls in a row go one to each node.
    await Promise.all([finderReachesParent('uac-kamailio-spread-1'), finderReachesParent('uac-kamailio-spread-2')]);
    expect(await outcomesSince(since, 2)).toEqual(['connected-parent', 'connected-parent']);
    await waitFor('each node to count its call', async () => {
      const now = await connected();
      return now.a - before.a === 1 && now.b - before.b === 1;
    }, 5_000);
    expect(world.network.takeLog().filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.person, PHONES.person]);
  });

  it('given an INVITE from an address that is not the trunk\'s, then Kamailio drops it unanswered and no node sees a call', async () => {
    const since = new Date();
    const scenario = finderScenario('uac-kamailio-not-the-trunk', { steps: [{ pause: 1_000 }, { hangUp: true }] });
    const call = await sippCall({ scenario, caller: world.callerNumber(), sipPort: KAMAILIO_TEST_PORT, localIp: '127.0.0.2', timeoutSeconds: 4 });
    expect(call.code).not.toBe(0);
    // SIPp's INVITE line: sent (with retransmissions), and not even a 100 Trying came back.
    expect(call.output).toMatch(/^\s*100 <-+\s+0\s/m);
    expect(await world.db.query(`SELECT id FROM call_records WHERE started_at >= $1`, [since])).toEqual([]);
  });

  it('given node A\'s Asterisk is killed, then Kamailio takes node A out within 5 s, every call placed from then reaches node B and a parent, and node A comes back by itself once its Asterisk answers again', async () => {
    const before = await connected();
    const since = new Date();
    const logFrom = kamailio.output().length;
    await nodeAInSet();
    await world.asterisk.kill();
    const killedAt = Date.now();
    try {
      // Calls at the moment of the crash: whichever node Kamailio picks, they reach a parent
      // (node A dropped by its app's /health, by the OPTIONS probe, or failed over).
      const atCrash = Promise.all([finderReachesParent('uac-kamailio-crash-1'), finderReachesParent('uac-kamailio-crash-2')]);
      await waitFor('node A out of the set', async () => !(await kamailio.isActive(A.sipUri)), DRAIN_LIMIT_MS, 50);
      const drainMs = Date.now() - killedAt;
      const log = kamailio.output();
      const by = [new RegExp(`node ${A.sipUri} down: no answer`).test(log) && 'the OPTIONS probe or a failed call', /its app is not healthy/.test(log) && 'its app\'s /health'].filter(Boolean).join(' and ');
      process.stdout.write(`kamailio: node A (Asterisk killed) out of the set ${drainMs} ms after the kill (seen by ${by})\n`);
      expect(drainMs).toBeLessThan(DRAIN_LIMIT_MS);

      await waitUntil(killedAt + DRAIN_LIMIT_MS);
      const later = Promise.all([finderReachesParent('uac-kamailio-after-crash-1'), finderReachesParent('uac-kamailio-after-crash-2')]);
      await Promise.all([atCrash, later]);
      expect(await outcomesSince(since, 4)).toEqual(Array(4).fill('connected-parent'));
      await waitFor('node B to count all four calls', async () => (await connectedOn(urlB)) - before.b === 4, 5_000);
      expect(world.network.takeLog().filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual(Array(4).fill(PHONES.person));
    } finally {
      // Node A's Asterisk back: its app reconnects, and Kamailio puts it back with no one's help.
      await world.asterisk.start();
    }
    const backAt = Date.now();
    await waitForHealth(world.config, { status: 'ok' });
    await nodeABack(logFrom);
    process.stdout.write(`kamailio: node A back in the set ${Date.now() - backAt} ms after its Asterisk started again\n`);
    expect((await connected()).a).toBe(before.a);
  });

  it('given node A\'s app is stopped (its Asterisk still answering OPTIONS), then new finders go to node B within 5 s, and node A is back when its app is', async () => {
    const beforeB = await connectedOn(urlB);
    const logFrom = kamailio.output().length;
    await nodeAInSet();
    await world.stopApp();
    const stoppedAt = Date.now();
    try {
      await waitFor('node A out of the set', async () => !(await kamailio.isActive(A.sipUri)), DRAIN_LIMIT_MS, 50);
      process.stdout.write(`kamailio: node A (app stopped) out of the set ${Date.now() - stoppedAt} ms after the app stopped\n`);
      await waitUntil(stoppedAt + DRAIN_LIMIT_MS);
      const since = new Date();
      await Promise.all([finderReachesParent('uac-kamailio-app-down-1'), finderReachesParent('uac-kamailio-app-down-2')]);
      expect(await outcomesSince(since, 2)).toEqual(['connected-parent', 'connected-parent']);
      await waitFor('node B to count both calls', async () => (await connectedOn(urlB)) - beforeB === 2, 5_000);
    } finally {
      await world.startApp();
    }
    await nodeABack(logFrom);
  });

  it('given node A\'s Asterisk hangs (its app still sees an open ARI connection), then the OPTIONS probe takes node A out within 5 s, a call sent to it meanwhile is failed over to node B, and every finder reaches a parent', async () => {
    const beforeB = await connectedOn(urlB);
    const since = new Date();
    const logFrom = kamailio.output().length;
    await nodeAInSet();
    world.asterisk.freeze();
    const frozenAt = Date.now();
    try {
      // Two calls at once, while node A is still in the set (a probe needs 1.5 s to go
      // unanswered): round robin sends one of them to node A, whose Asterisk never answers.
      const atFreeze = Promise.all([finderReachesParent('uac-kamailio-hung-1'), finderReachesParent('uac-kamailio-hung-2')]);
      await waitFor('node A out of the set', async () => !(await kamailio.isActive(A.sipUri)), DRAIN_LIMIT_MS, 50);
      const drainMs = Date.now() - frozenAt;
      process.stdout.write(`kamailio: node A (Asterisk hung) out of the set ${drainMs} ms after it stopped answering\n`);
      expect(drainMs).toBeLessThan(DRAIN_LIMIT_MS);
      await waitUntil(frozenAt + DRAIN_LIMIT_MS);
      const later = Promise.all([finderReachesParent('uac-kamailio-after-hang-1'), finderReachesParent('uac-kamailio-after-hang-2')]);
      // Then the hung Asterisk is killed, as an operator would (a hung Asterisk is restarted,
      // never resumed: resumed, it would answer the INVITE it had queued, a call that node B has
      // already taken; docs/scaling.md). Hung much longer, the in-process app's ARI client, which
      // gives up on it after 10 s, would retry against a process that accepts and never answers.
      await world.asterisk.kill();
      await Promise.all([atFreeze, later]);
      expect(await outcomesSince(since, 4)).toEqual(Array(4).fill('connected-parent'));
      await waitFor('node B to count all four calls', async () => (await connectedOn(urlB)) - beforeB === 4, 5_000);
      const log = kamailio.output().slice(logFrom);
      expect(log).toContain(`node ${A.sipUri} failed the call`);
      expect(log).toContain(`retried on node ${B.sipUri}`);
      // Taken out by the probe or the failed call, before its app noticed (its ARI pings wait 10 s).
      const down = log.indexOf(`node ${A.sipUri} down: no answer`);
      const unhealthy = log.indexOf(`node ${A.sipUri}: its app is not healthy`);
      expect(down).toBeGreaterThanOrEqual(0);
      expect(unhealthy === -1 || unhealthy > down).toBe(true);
    } finally {
      await world.asterisk.kill();
      await world.asterisk.start();
    }
    await waitForHealth(world.config, { status: 'ok' });
    await nodeABack(logFrom);
  });

  it('given no node\'s app is healthy (both stopped), then Kamailio still gives a finder to a node whose Asterisk answers, and its dialplan puts the finder through to the hotline', async () => {
    const logFrom = kamailio.output().length;
    await nodeAInSet();
    await world.stopApp();
    appB?.child.kill('SIGTERM');
    await appB?.exited;
    appB = undefined;
    try {
      await waitFor('both nodes out of set 1', async () => !(await kamailio.isActive(A.sipUri)) && !(await kamailio.isActive(B.sipUri)), DRAIN_LIMIT_MS, 100);
      expect((await kamailio.isActive(A.sipUri, 2)) && (await kamailio.isActive(B.sipUri, 2))).toBe(true);
      const scenario = finderScenario('uac-kamailio-no-app-expect-hotline', { steps: [{ pause: 6_000 }, { hangUp: true }] });
      expectSippPassed(await sippCall({ scenario, caller: world.callerNumber(), sipPort: KAMAILIO_TEST_PORT }));
      expect(kamailio.output().slice(logFrom)).toContain('no node with a healthy app: new call');
      expect(world.network.takeLog().filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.hotline]);
    } finally {
      appB = start('node', [join(REPO_ROOT, 'dist/apps/server/src/main.js')], { env: { ...process.env, ...envB } });
      await world.startApp();
      await waitForHealth(testConfig(nodeB), { status: 'ok' });
    }
    await nodeABack(logFrom);
  });
});

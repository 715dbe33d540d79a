import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { DEMO } from '../../apps/server/src/demo/demo-cascade';
import { Pseudonymizer } from '../../apps/server/src/privacy/pseudonymizer';
import { waitForHealth } from '../support/app';
import { PHONES } from '../support/network';
import { run, start, Started, waitFor } from '../support/processes';
import { testConfig, testEnvironment, testInstanceName, TEST_PORTS } from '../support/test-config';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '../..');
const INSTANCE = testInstanceName('demo-stack');

/** The stack's processes of this instance: its Asterisk and its demo network's (by instance directory). */
const asteriskInstances = () =>
  execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(`/srv/alloparents/${INSTANCE}`) && line.includes('-f -n'));

/** `npm run stack` on the tests' ports; `trunk`: SIP_TRUNK_URI ('' is unset: .env's value does not apply). */
function stack(trunk: string): { env: Record<string, string>; process: Started } {
  const env = {
    // The stack gives its demo network as many RTP ports as the service's, right after them: here
    // 18000-18399 (UDP, clear of the tests' SIP ports).
    ...testEnvironment({ SIP_TRUNK_URI: trunk, SIP_TRUNK_QUALIFY_SECONDS: '30', RTP_PORT_START: String(TEST_PORTS.rtpStart + 3600), RTP_PORT_END: String(TEST_PORTS.rtpStart + 3999) }),
    ASTERISK_INSTANCE: INSTANCE,
    DEMO_NETWORK_PORT: String(TEST_PORTS.network),
  };
  return { env, process: start('npm', ['run', 'stack'], { cwd: ROOT, env: { ...process.env, ...env } }) };
}

async function stopped(started: Started): Promise<void> {
  started.child.kill('SIGTERM');
  await started.exited;
  await waitFor('the stack\'s Asterisk instances to end', async () => asteriskInstances().length === 0, 20_000, 250);
}

/** The demo child's cascades in the database (found by the keyed hash, as the service does). */
async function demoCascades(databaseUrl: string, pseudonymizer: Pseudonymizer): Promise<{ status: string; numbers: number }[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT c.status, (SELECT count(*)::int FROM cascade_numbers n WHERE n.cascade_id = c.id) AS numbers
         FROM cascades c JOIN children ch ON ch.id = c.child_id WHERE ch.national_number_hash = $1`,
      [pseudonymizer.hash('national-number', DEMO.nationalNumber)],
    );
    return rows;
  } finally {
    await db.end();
  }
}

describe('npm run stack without a real trunk: the demo (simulated network, demo child, npm run demo:call)', () => {
  const config = testConfig();
  const pseudonymizer = new Pseudonymizer(config.pseudonymKey);

  it('given no SIP_TRUNK_URI, when the stack runs and the printed command places a call, then the demo parent (the second number) is reached after the first is busy, and a killed network is started again; and with SIP_TRUNK_URI set, no network runs and the demo cascade is gone', async () => {
    // The demo's numbers are the simulated network's phones.
    expect(DEMO.numbers.map((n) => n.number)).toEqual([PHONES.busy, PHONES.person]);

    const demo = stack('');
    try {
      await waitFor('the start-up banner', async () => {
        if (demo.process.child.exitCode !== null) throw new Error(`npm run stack exited:\n${demo.process.output().slice(-3000)}`);
        return demo.process.output().includes('Ctrl-C stops everything.');
      }, 200_000, 200);
      const banner = demo.process.output();
      expect(banner).toContain(`National number to type:       ${DEMO.nationalNumber}`);
      expect(banner).toContain('Place a finder\'s call:         npm run demo:call');
      expect(asteriskInstances()).toHaveLength(2);

      const callStarted = Date.now();
      const call = await run('npm', ['run', '--silent', 'demo:call', '--', '--hold', '10'], { cwd: ROOT, env: { ...process.env, ...demo.env } }, 60_000);
      const seconds = (Date.now() - callStarted) / 1000;
      if (call.code !== 0) throw new Error(`npm run demo:call failed (${call.code}):\n${call.output}\n--- stack ---\n${demo.process.output().slice(-4000)}`);
      expect(seconds).toBeLessThan(60);
      // Step by step, in this order: the greeting, the number, leg 1 busy, leg 2 answered with 1, the bridge.
      const steps = [
        'the service answered: the greeting plays',
        `finder types the national number ${DEMO.nationalNumber} and #`,
        `leg 1: the network rings ${PHONES.busy}`,
        'leg 1: ended (busy)',
        `leg 2: the network rings ${PHONES.person}`,
        `leg 2: ${PHONES.person} answered, heard who is calling, and pressed 1`,
        'bridge: the finder and the parent are connected',
        'finder hangs up',
      ];
      const positions = steps.map((step) => call.output.indexOf(step));
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(call.output).toMatch(/\+ *\d+\.\d\d s {2}bridge/);
      expect(call.output).toContain('outcome: connected-parent');
      expect(call.output).toContain('legs: 1 busy, 2 accepted');
      expect(call.output).toContain('connected: position 2');
      // The stack pings the trunk once at start: known long before the first 30 s period ends.
      await waitForHealth(config, { status: 'ok', trunk: 'reachable' }, 10_000);
      expect(await demoCascades(config.database.url, pseudonymizer)).toEqual([{ status: 'active', numbers: 2 }]);

      // The network is supervised like Asterisk and the app: killed, it is started again.
      const networkPid = () => execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n').find((l) => l.includes(`/srv/alloparents/${INSTANCE}-demo-network/etc/asterisk.conf -f`))?.trim().split(/\s+/)[0];
      const killed = networkPid();
      expect(killed).toBeDefined();
      process.kill(Number(killed), 'SIGKILL');
      await waitFor('a new demo network', async () => {
        const pid = networkPid();
        return pid !== undefined && pid !== killed && asteriskInstances().length === 2;
      }, 30_000, 200);
      expect(demo.process.output()).toContain(`the demo network (pid ${killed}) ended (killed by SIGKILL)`);
    } finally {
      await stopped(demo.process);
    }

    // A real trunk (here: an address where nothing answers): no network, and the demo cascade deleted.
    const real = stack(`sip:127.0.0.1:${TEST_PORTS.network}`);
    try {
      await waitFor('the start-up banner', async () => {
        if (real.process.child.exitCode !== null) throw new Error(`npm run stack exited:\n${real.process.output().slice(-3000)}`);
        return real.process.output().includes('Ctrl-C stops everything.');
      }, 200_000, 200);
      expect(real.process.output()).toContain('SIP_TRUNK_URI is set: demo parent and cascade deleted');
      expect(real.process.output()).not.toContain('National number to type');
      expect(asteriskInstances()).toHaveLength(1);
      expect(await demoCascades(config.database.url, pseudonymizer)).toEqual([]);
      const again = await run('npm', ['run', '--silent', 'demo:call'], { cwd: ROOT, env: { ...process.env, ...real.env } }, 30_000);
      expect(again.code).not.toBe(0);
      expect(again.output).toContain('SIP_TRUNK_URI is set');
    } finally {
      await stopped(real.process);
    }
  });
});

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientFor } from '../../apps/server/src/database/primary-locator';
import { DEMO } from '../../apps/server/src/demo/demo-cascade';
import { finderScenario, typeNumber } from '../support/finder-scenario';
import { dispatcherDestinations } from '../support/kamailio';
import { PHONES } from '../support/network';
import { tcpPortFree, udpPortFree } from '../support/ports';
import { start, Started, waitFor } from '../support/processes';
import { ASTERISK_ROOT } from '../support/prompts';
import { REPO_ROOT } from '../support/repo-root';
import { endLeftoverCalls, expectSippPassed, sippCall } from '../support/sipp';
import { TEST_PORTS, testEnvironment, testInstanceName } from '../support/test-config';
import { E2E_TIMERS } from '../support/world';

jest.setTimeout(300_000);

const INSTANCE = testInstanceName('cluster');

/**
 * The ports `npm run cluster` takes from the tests' (scripts/cluster.sh): Kamailio on SIP_PORT,
 * node k on SIP_PORT+k, ARI +k, HTTP and the operators' listener +k-1, its demo network on
 * DEMO_NETWORK_PORT+k; the pg_auto_failover monitor on CLUSTER_PG_PORT, the nodes on the next two.
 */
const PORTS = {
  entry: TEST_PORTS.sip,
  udp: [TEST_PORTS.sip, TEST_PORTS.sip + 1, TEST_PORTS.sip + 2, TEST_PORTS.network + 1, TEST_PORTS.network + 2],
  tcp: [
    TEST_PORTS.ari + 1, TEST_PORTS.ari + 2,
    TEST_PORTS.http, TEST_PORTS.http + 1,
    TEST_PORTS.operators, TEST_PORTS.operators + 1,
    TEST_PORTS.pgAutoFailover, TEST_PORTS.pgAutoFailover + 1, TEST_PORTS.pgAutoFailover + 2,
  ],
  operators: [TEST_PORTS.operators, TEST_PORTS.operators + 1],
};
/** Each node, each demo network: 200 RTP ports of the service's test range (14000-14799 plus the offset). */
const RTP_SPAN = 200;

/** Finders put through to a parent by a node's app (its own /metrics). */
async function connectedOn(operatorsPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${operatorsPort}/metrics`)).text();
  return Number(/^alloparents_calls_total\{outcome="connected-parent"\} (\d+)/m.exec(text)?.[1] ?? 0);
}

/** The numbers a node's demo network was asked to ring, from `offset` in its log. */
function dialledBy(node: number, offset = 0): string[] {
  const log = join(ASTERISK_ROOT, 'srv/alloparents', `${INSTANCE}-node${node}-demo-network`, 'dialled.log');
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8').slice(offset).split('\n').map((line) => line.split(' ')).filter(([, what]) => what === 'dialled').map(([, , number]) => number);
}
const dialledLogLength = (node: number) => {
  const log = join(ASTERISK_ROOT, 'srv/alloparents', `${INSTANCE}-node${node}-demo-network`, 'dialled.log');
  return existsSync(log) ? readFileSync(log, 'utf8').length : 0;
};

/**
 * What this run of `npm run cluster` started and is still running: every process whose
 * environment carries its CLUSTER_DIR (everything the script starts inherits it, the processes
 * PostgreSQL and pg_autoctl fork included), or whose command line names the directory or one of
 * its Asterisk instances. Read from /proc (the tests run as root).
 */
function processesOf(clusterDir: string): { pid: number; command: string }[] {
  const found: { pid: number; command: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const environment = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environment.includes(`CLUSTER_DIR=${clusterDir}`) || command.includes(clusterDir) || command.includes(`/srv/alloparents/${INSTANCE}-node`)) {
        found.push({ pid: Number(entry), command });
      }
    } catch {
      // ended meanwhile
    }
  }
  return found;
}

/** Which of the kinds the test looks for a process is. */
function kindOf(command: string): string | undefined {
  if (/\/usr\/sbin\/asterisk .*-f/.test(command)) return 'asterisk';
  if (/^(\S*\/)?kamailio /.test(command)) return 'kamailio';
  if (/^(\S*\/)?pg_autoctl\b/.test(command)) return 'pg_autoctl';
  if (/^(\S*\/)?postgres( -D|:)/.test(command)) return 'postgres';
  if (command.includes('dist/apps/server/src/main.js')) return 'node (app)';
  return undefined;
}

describe('npm run cluster (the multi-node set on one machine)', () => {
  let clusterDir = '';
  let cluster: Started | undefined;
  afterEach(() => endLeftoverCalls());
  afterAll(async () => {
    // A failed test still stops what it started: the whole group, then anything of it left.
    if (cluster?.child.pid && cluster.child.exitCode === null && cluster.child.signalCode === null) {
      process.kill(-cluster.child.pid, 'SIGTERM');
      await Promise.race([cluster.exited, new Promise((resolve) => setTimeout(resolve, 60_000))]);
    }
    if (cluster) {
      // What it said, from start to stop, stays with the other reports (demo data and node addresses only).
      mkdirSync(join(REPO_ROOT, 'reports'), { recursive: true });
      writeFileSync(join(REPO_ROOT, 'reports/cluster-command.log'), cluster.output());
    }
    if (clusterDir) {
      for (const { pid } of processesOf(clusterDir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already ended
        }
      }
      rmSync(clusterDir, { recursive: true, force: true });
    }
  });

  it('given a provisioned machine, when it starts on the tests\' ports, then it says it runs, Kamailio has both nodes, and two finders calling Kamailio reach the demo parent, one through each node (its own network ringing the demo numbers); when Ctrl-C reaches its process group, then no Asterisk, Kamailio, pg_autoctl, PostgreSQL or app of it is left and its ports are free', async () => {
    // A directory named after the tests' prefix: npm test ends what an interrupted run left there.
    clusterDir = mkdtempSync(join(tmpdir(), `alloparents-${INSTANCE}-`));
    for (const port of PORTS.udp) expect({ udp: port, free: await udpPortFree(port) }).toEqual({ udp: port, free: true });
    for (const port of PORTS.tcp) expect({ tcp: port, free: await tcpPortFree(port) }).toEqual({ tcp: port, free: true });

    const env = {
      ...testEnvironment({
        ...E2E_TIMERS,
        // Unset (''): demo mode, each node with its simulated network and the demo child.
        SIP_TRUNK_URI: '',
        RTP_PORT_START: String(TEST_PORTS.rtpStart),
        RTP_PORT_END: String(TEST_PORTS.rtpStart + RTP_SPAN - 1),
      }),
      ASTERISK_INSTANCE: INSTANCE,
      DEMO_NETWORK_PORT: String(TEST_PORTS.network),
      CLUSTER_DIR: clusterDir,
      CLUSTER_PG_PORT: String(TEST_PORTS.pgAutoFailover),
    };
    // Its own process group, as a command typed in a terminal: Ctrl-C signals the whole group.
    const startedAt = Date.now();
    cluster = start('npm', ['run', 'cluster'], { cwd: REPO_ROOT, env: { ...process.env, ...env }, detached: true });
    const running = cluster;
    // An end before the banner fails the test at once, with what the script said.
    const endedEarly = running.exited.then((code) => Promise.reject(new Error(`npm run cluster exited (${code}) before it was running:\n${running.output().slice(-4000)}`)));
    endedEarly.catch(() => undefined);
    await Promise.race([endedEarly, waitFor('the cluster\'s start-up banner', async () => /The Allo Parents cluster is running\.[\s\S]*Ctrl-C stops everything\./.test(running.output()), 240_000, 200)]);
    process.stdout.write(`npm run cluster: running ${Date.now() - startedAt} ms after it was started (a new PostgreSQL cluster)\n`);
    const banner = running.output();
    expect(banner).toContain(`SIP entry (Kamailio):  sip:3278150000@127.0.0.1:${PORTS.entry}`);
    const databaseUrl = `postgres://postgres@127.0.0.1:${TEST_PORTS.pgAutoFailover + 1},127.0.0.1:${TEST_PORTS.pgAutoFailover + 2}/alloparents`;
    expect(banner).toContain(`PostgreSQL:            ${databaseUrl}`);

    // Both nodes in Kamailio's set, each watched by its app's /health.
    const nodes = [`sip:127.0.0.1:${PORTS.entry + 1}`, `sip:127.0.0.1:${PORTS.entry + 2}`];
    await waitFor('both nodes active in Kamailio', async () => {
      const set1 = (await dispatcherDestinations(join(clusterDir, 'kamailio/kamailio.ctl'))).filter((d) => d.set === 1);
      return nodes.every((uri) => set1.some((d) => d.uri === uri && d.flags.startsWith('A')));
    }, 15_000, 200);

    // Two finders at once through Kamailio: round robin gives one to each node. Each types the demo
    // child's number; its cascade rings the busy phone, then the demo parent, who presses 1.
    const before = await Promise.all(PORTS.operators.map(connectedOn));
    const logOffsets = [dialledLogLength(1), dialledLogLength(2)];
    const since = new Date();
    const finder = (name: string, caller: string) =>
      sippCall({
        scenario: finderScenario(name, { steps: [...typeNumber(DEMO.nationalNumber), { pause: 14_000 }, { hangUp: true }] }),
        caller,
        sipPort: PORTS.entry,
        timeoutSeconds: 40,
      });
    const calls = await Promise.all([finder('uac-cluster-command-1', '32470000101'), finder('uac-cluster-command-2', '32470000102')]);
    for (const call of calls) expectSippPassed(call);

    const db = clientFor(databaseUrl);
    await db.connect();
    try {
      const records = await waitFor('both call records closed', async () => {
        const { rows } = await db.query(`SELECT outcome, connected_position FROM call_records WHERE started_at >= $1`, [since]);
        return rows.length === 2 && rows.every((r) => r.outcome) ? rows.map((r) => `${r.outcome} at position ${r.connected_position}`) : undefined;
      }, 20_000);
      expect(records).toEqual(['connected-parent at position 2', 'connected-parent at position 2']);
    } finally {
      await db.end();
    }
    await waitFor('each node to count one finder put through to a parent', async () => {
      const now = await Promise.all(PORTS.operators.map(connectedOn));
      return now[0] - before[0] === 1 && now[1] - before[1] === 1;
    }, 10_000);
    expect([dialledBy(1, logOffsets[0]), dialledBy(2, logOffsets[1])]).toEqual([
      [PHONES.busy, PHONES.person],
      [PHONES.busy, PHONES.person],
    ]);

    // Everything the cluster runs, seen before it is stopped (so that "none left" below means something).
    const kinds = (list: { command: string }[]) => [...new Set(list.map((p) => kindOf(p.command)).filter(Boolean))].sort();
    const runningProcesses = processesOf(clusterDir);
    expect(kinds(runningProcesses)).toEqual(['asterisk', 'kamailio', 'node (app)', 'pg_autoctl', 'postgres']);
    expect(runningProcesses.filter((p) => kindOf(p.command) === 'asterisk')).toHaveLength(4);

    // Ctrl-C: SIGINT to every process of the group at once, as a terminal sends it.
    const stoppingAt = Date.now();
    process.kill(-running.child.pid!, 'SIGINT');
    await waitFor('npm run cluster to end', async () => running.child.exitCode !== null || running.child.signalCode !== null, 60_000, 200);
    await waitFor('every process of the cluster to end', async () => processesOf(clusterDir).length === 0, 30_000, 250).catch((error: Error) => {
      throw new Error(`${error.message}; still running:\n${processesOf(clusterDir).map((p) => `${p.pid} ${p.command}`).join('\n')}`);
    });
    const portsFree = async () => {
      const udp = await Promise.all(PORTS.udp.map((port) => udpPortFree(port)));
      const tcp = await Promise.all(PORTS.tcp.map((port) => tcpPortFree(port)));
      return udp.every(Boolean) && tcp.every(Boolean);
    };
    await waitFor('the cluster\'s ports to be free', portsFree, 10_000, 250);
    const stopMs = Date.now() - stoppingAt;
    process.stdout.write(`npm run cluster: everything stopped ${stopMs} ms after Ctrl-C\n`);
    // About a second on the test machine; a part left to the script's kill timeouts (10 s for
    // Kamailio, 30 s for a node) would show here.
    expect(stopMs).toBeLessThan(8_000);
    // Each node's stack stopped what it ran to the end (its output, through the prefixes, outlived Ctrl-C).
    const output = running.output();
    expect(output).toContain('stopping the cluster');
    for (const node of ['node1', 'node2']) expect(output).toMatch(new RegExp(`^\\[${node}\\] .*\\[alloparents\\].* stopped$`, 'm'));
  });
});

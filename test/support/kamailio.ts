import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KamailioNode, renderKamailioConfig } from '../../apps/server/src/telephony/kamailio-config/render-kamailio-config';
import { run, start, Started, waitFor } from './processes';
import { REPO_ROOT } from './repo-root';
import { TEST_PORTS, testInstanceName } from './test-config';

/** Kamailio's SIP port in the tests: beside the nodes' (TEST_PORTS.sip, TEST_PORTS.sip + 100). */
export const KAMAILIO_TEST_PORT = TEST_PORTS.sip + 200;

/** One node as `kamcmd dispatcher.list` shows it: flags A (active), I (inactive), D (disabled), P (probing). */
export interface DispatcherDestination {
  /** 1: probes and the app's /health; 2: probes only (kamailio-config/kamailio.cfg). */
  set: number;
  uri: string;
  flags: string;
}

/** The nodes and their state, from `kamcmd dispatcher.list` on a Kamailio's control socket (RUN_DIR/kamailio.ctl). */
export async function dispatcherDestinations(controlSocket: string): Promise<DispatcherDestination[]> {
  const { code, output } = await run('kamcmd', ['-s', `unix:${controlSocket}`, 'dispatcher.list'], {}, 5_000);
  if (code !== 0) throw new Error(`kamcmd dispatcher.list failed: ${output}`);
  const found: DispatcherDestination[] = [];
  const pattern = /\bID:\s*(\d+)|URI:\s*(\S+)\s+FLAGS:\s*(\S+)/g;
  let set = 0;
  for (let match = pattern.exec(output); match; match = pattern.exec(output)) {
    if (match[1] !== undefined) set = Number(match[1]);
    else found.push({ set, uri: match[2], flags: match[3] });
  }
  return found;
}

/**
 * Kamailio (Debian's package) as the SIP entry in front of the nodes, taking calls from
 * 127.0.0.1 (the SIPp finders, standing for the trunk), rendered from
 * kamailio-config/ into a run directory of its own (named after the tests' instance prefix, so that
 * npm test can end what an interrupted run left) and run in the foreground (-DD -E), so the test
 * owns the process and reads its log; stop() ends it and removes the directory.
 */
export class KamailioInstance {
  private process: Started | undefined;
  readonly runDir = mkdtempSync(join(tmpdir(), `alloparents-${testInstanceName('kamailio')}-`));

  constructor(
    private readonly nodes: KamailioNode[],
    readonly port = KAMAILIO_TEST_PORT,
  ) {}

  async start(): Promise<void> {
    const cfg = renderKamailioConfig(join(REPO_ROOT, 'kamailio-config'), this.runDir, { bindAddress: '127.0.0.1', port: this.port, nodes: this.nodes, trunkSubnets: ['127.0.0.1/32'] });
    const check = await run('kamailio', ['-c', '-f', cfg], {}, 10_000);
    if (check.code !== 0) throw new Error(`kamailio -c refused the configuration:\n${check.output}`);
    this.process = start('kamailio', ['-DD', '-E', '-f', cfg], { cwd: this.runDir });
    await waitFor('Kamailio to answer on its control socket', async () => {
      if (this.process!.child.exitCode !== null) throw new Error(`Kamailio exited:\n${this.process!.output()}`);
      return (await this.destinations()).length === 2 * this.nodes.length;
    }, 10_000, 200);
  }

  /** Everything Kamailio has logged (stderr, -E). */
  output(): string {
    return this.process?.output() ?? '';
  }

  /** The nodes and their state, from `kamcmd dispatcher.list` on the control socket. */
  destinations(): Promise<DispatcherDestination[]> {
    return dispatcherDestinations(join(this.runDir, 'kamailio.ctl'));
  }

  /** Whether the node (sip:HOST:PORT) is in set 1 (or `set`): active (A...), not inactive (I...) nor disabled (D...). */
  async isActive(uri: string, set = 1): Promise<boolean> {
    const node = (await this.destinations()).find((d) => d.set === set && d.uri === uri);
    return node !== undefined && node.flags.startsWith('A');
  }

  async stop(): Promise<void> {
    try {
      if (this.process && this.process.child.exitCode === null && this.process.child.signalCode === null) {
        this.process.child.kill('SIGTERM');
        const timeout = setTimeout(() => this.process?.child.kill('SIGKILL'), 5_000);
        await this.process.exited;
        clearTimeout(timeout);
      }
    } finally {
      // Its log stays with the other reports (node addresses and SIP methods only, no numbers).
      mkdirSync(join(REPO_ROOT, 'reports'), { recursive: true });
      writeFileSync(join(REPO_ROOT, 'reports/kamailio.log'), this.output());
      rmSync(this.runDir, { recursive: true, force: true });
    }
  }
}

import { join } from 'node:path';
import { start, Started } from './processes';
import { REPO_ROOT } from './repo-root';
import { TEST_PORTS } from './test-config';

export const SCENARIOS = join(REPO_ROOT, 'test/e2e/scenarios');
const running = new Set<Started>();

/**
 * Ends the SIPp calls a failed test left running, so its call cannot spill into the next test
 * (call it in afterEach).
 */
export async function endLeftoverCalls(): Promise<void> {
  const leftovers = [...running];
  for (const sipp of leftovers) sipp.child.kill('SIGKILL');
  await Promise.all(leftovers.map((sipp) => sipp.exited));
}
let nextPort = 0;
const SIPP_SLOTS = 300;

export interface SippCall {
  scenario: string;
  /** Caller number in From; null withholds it (anonymous). */
  caller?: string | null;
  dialled?: string;
  /** Extra -key name value pairs for the scenario. */
  keys?: Record<string, string>;
  timeoutSeconds?: number;
  /** Several calls of the same scenario (-m), at `rate` new calls per second (-r), at most `limit` at once (-l). */
  repeat?: { calls: number; rate: number; limit: number };
  /** The SIP port called (a second node's Asterisk); default the service's, TEST_PORTS.sip. */
  sipPort?: number;
  /** The loopback address SIPp sends from (127.0.0.2: not the trunk's); default 127.0.0.1. */
  localIp?: string;
}

/** Places one call with SIPp as the finder against the service's SIP port. Exit code 0 = the scenario passed. */
export async function sippCall(call: SippCall): Promise<{ code: number | null; output: string; endedAt: number }> {
  // Each SIPp takes a signalling port and four media ports (audio and video, RTP and RTCP):
  // 300 calls at once fit in 16000-17599 without two SIPp sharing a port.
  const slot = nextPort++ % SIPP_SLOTS;
  const port = TEST_PORTS.sippBase + slot;
  const keys = { caller: call.caller ?? 'anonymous', ...call.keys };
  const args = [
    `127.0.0.1:${call.sipPort ?? TEST_PORTS.sip}`,
    '-sf', call.scenario.startsWith('/') ? call.scenario : join(SCENARIOS, call.scenario),
    '-s', call.dialled ?? '3278150000',
    '-i', call.localIp ?? '127.0.0.1',
    '-p', String(port),
    '-mp', String(TEST_PORTS.sippBase + SIPP_SLOTS + slot * 4),
    ...(call.repeat ? ['-m', String(call.repeat.calls), '-r', String(call.repeat.rate), '-l', String(call.repeat.limit)] : ['-m', '1']),
    '-timeout', `${call.timeoutSeconds ?? 30}s`,
    '-timeout_error',
    '-nostdin',
    '-trace_err',
    ...Object.entries(keys).flatMap(([k, v]) => ['-key', k, v]),
  ];
  const sipp = start('sipp', args, { cwd: join(REPO_ROOT, 'reports') });
  running.add(sipp);
  const timer = setTimeout(() => sipp.child.kill('SIGKILL'), ((call.timeoutSeconds ?? 30) + 10) * 1000);
  const code = await sipp.exited;
  clearTimeout(timer);
  running.delete(sipp);
  return { code, output: sipp.output(), endedAt: Date.now() };
}

/** Asserts SIPp's scenario passed, showing the end of its output when it did not. */
export function expectSippPassed(call: { code: number | null; output: string }): void {
  if (call.code !== 0) throw new Error(`SIPp scenario failed with exit code ${call.code}:\n${call.output.slice(-3000)}`);
}

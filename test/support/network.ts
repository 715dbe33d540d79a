import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AsteriskInstance } from './asterisk';
import { REPO_ROOT } from './repo-root';
import { testEnvironment, testInstanceName, TEST_PORTS } from './test-config';

const ASTERISK_ROOT = process.env.ASTERISK_ROOT ?? join(process.env.ALLOPARENTS_CACHE ?? '/var/cache/alloparents', 'asterisk-root');

/** Phones of the simulated network (test/e2e/network/extensions.conf). */
export const PHONES = {
  person: '+32470001001',
  busy: '+32470001002',
  ringsForever: '+32470001003',
  voicemail: '+32470001004',
  silentAfterHello: '+32470001005',
  rejects: '+32470001006',
  /** A person behind a network that signals only 183 Session Progress with early media (its own ringback), never 180. */
  personAfterEarlyMedia: '+32470001007',
  /** A person who answers 5 s after it starts ringing (the tests' ring timer is 6 s), says hello and presses 1. */
  personAnsweringLate: '+32470001008',
  /** A person who answers, presses 1 and records what the service says to heard-<call id>.wav (SimulatedNetwork.heard). */
  personWhoListens: '+32470001009',
  hotline: '116000',
  unreachableHotline: '116999',
} as const;

export interface NetworkEntry {
  atMs: number;
  /** refused-503: the network answered "503 Service Unavailable" (see trunkFails). */
  what: 'dialled' | 'hangup' | 'pressed-1' | 'refused-503';
  number: string;
  /** The caller ID the network received with the call. */
  callerId: string;
}

/**
 * The files the network's Asterisk takes word for word from the service's: kept once, in
 * asterisk-config/service. test/e2e/network holds only what differs (its dialplan, SIP, modules,
 * directories, logs and hold music).
 */
export const SHARED_WITH_SERVICE = ['acl.conf', 'amd.conf', 'ccss.conf', 'cdr.conf', 'cel.conf', 'features.conf', 'indications.conf', 'pjproject.conf', 'rtp.conf', 'udptl.conf', 'websocket_client.conf'];

/**
 * The network's complete configuration, the shared files then its own, in a directory of the
 * instance's name (made afresh each time: one per instance, never left to pile up).
 */
export function networkTemplateDir(name = testInstanceName('network')): string {
  const own = join(REPO_ROOT, 'test/e2e/network');
  const twice = readdirSync(own).filter((file) => SHARED_WITH_SERVICE.includes(file));
  if (twice.length > 0) throw new Error(`test/e2e/network: ${twice.join(', ')} would hide the service's copy (SHARED_WITH_SERVICE)`);
  const dir = join(tmpdir(), `alloparents-${name}-template`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of SHARED_WITH_SERVICE) copyFileSync(join(REPO_ROOT, 'asterisk-config/service', file), join(dir, file));
  cpSync(own, dir, { recursive: true });
  return dir;
}

/** A second Asterisk instance on the trunk address, acting as the parents' phones and the hotline. */
export class SimulatedNetwork {
  readonly asterisk: AsteriskInstance;
  private readonly logFile: string;
  private offset = 0;

  /** templateDir: the network's configuration (networkTemplateDir(); the benchmarks use a copy without maxload). */
  constructor(name = testInstanceName('network'), templateDir = networkTemplateDir(name)) {
    this.asterisk = new AsteriskInstance(
      name,
      testEnvironment({
        SIP_PORT: String(TEST_PORTS.network),
        SIP_TRUNK_URI: `sip:127.0.0.1:${TEST_PORTS.sip}`,
        RTP_PORT_START: String(TEST_PORTS.networkRtpStart),
        RTP_PORT_END: String(TEST_PORTS.networkRtpStart + 799),
        // The network has no ARI: keep its (unused) HTTP settings away from the service's.
        ARI_URL: `http://127.0.0.1:${TEST_PORTS.networkAri}`,
      }),
      templateDir,
    );
    this.logFile = join(ASTERISK_ROOT, 'srv/alloparents', name, 'dialled.log');
  }

  async start(): Promise<void> {
    await this.asterisk.start();
    // What an earlier run's phone heard is of no use to this one.
    for (const file of this.heard()) rmSync(file, { force: true });
    // The log outlives the instance: start reading from its current end.
    this.offset = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').length : 0;
  }

  stop(): Promise<void> {
    return this.asterisk.stop();
  }

  /** Makes the trunk answer 503 to the parents' numbers, to every number, or to none (the phones again). */
  async trunkFails(which: 'parents' | 'all' | 'none'): Promise<void> {
    const { code, output } = await this.asterisk.cli(`dialplan set global TRUNK_FAILS ${which}`);
    if (code !== 0) throw new Error(`could not switch the simulated trunk: ${output}`);
  }

  /** What the phone that listens (PHONES.personWhoListens) recorded, one WAV file per call, oldest first. */
  heard(): string[] {
    const dir = dirname(this.logFile);
    return readdirSync(dir)
      .filter((file) => /^heard-.*\.wav$/.test(file))
      .map((file) => join(dir, file))
      .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  }

  /** Entries logged since the last call of this method (each test reads only its own). */
  takeLog(): NetworkEntry[] {
    if (!existsSync(this.logFile)) return [];
    const text = readFileSync(this.logFile, 'utf8');
    const fresh = text.slice(this.offset);
    this.offset = text.length;
    return fresh
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [at, what, number = '', callerId = ''] = line.split(' ');
        return { atMs: Number(at), what: what as NetworkEntry['what'], number, callerId };
      });
  }
}

// The call-capacity benchmark: run with `npm run bench:calls` (bench/calls.sh prepares a fresh
// database). Not a test: it prints figures, recorded in docs/performance.md.
//
// On one machine, in one run, the same finder's call handled two ways, with the same simulated
// telephone network (test/e2e/network) and the same SIPp finders:
//   ours      the service's Asterisk and the app (the full flow: look-up, cascade, the parent's 1);
//   FollowMe  an Asterisk instance whose dialplan hands the call to Asterisk's own FollowMe()
//             (bench/calls/asterisk/followme/): the same list of numbers, the same press-1.
// Each finder: answer, the language key, the 11 digits and '#' as RFC 4733 events, audio (A-law
// silence) all along like a phone, then talk once bridged, then BYE. The number of calls held at
// once goes up step by step until a step has a failure.
//
// Options (after `npm run bench:calls --`):
//   --steps 10,20,40,…  calls held at once, step by step (default 10,20,40,60,80,100,120,140,160,200)
//   --talk SECONDS      talk once bridged (default 20)
//   --rate CALLS        new calls per second while a step ramps up (default 5)
//   --only ours|followme
//   --soak [MINUTES]    instead of the steps: hold --calls calls (default 50) for MINUTES (30), ours only
//   --calls N           calls held at once during the soak
import { existsSync, mkdirSync, readFileSync, rmSync, cpSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { AsteriskInstance } from '../test/support/asterisk';
import { finderScenario, typeNumber } from '../test/support/finder-scenario';
import { NetworkEntry, networkTemplateDir, PHONES } from '../test/support/network';
import { sleep, waitFor } from '../test/support/processes';
import { REPO_ROOT } from '../test/support/repo-root';
import { endLeftoverCalls, sippCall } from '../test/support/sipp';
import { TEST_PORTS, testInstanceName } from '../test/support/test-config';
import { World } from '../test/support/world';

const ASTERISK_ROOT = process.env.ASTERISK_ROOT ?? '/var/cache/alloparents/asterisk-root';
const REPORTS = join(REPO_ROOT, 'reports/bench-calls');
const CASCADE = [PHONES.person, PHONES.busy, PHONES.voicemail];
/**
 * Between the last key and the talk: the first number rings 1 s, answers, and presses 1 about 5 s
 * later (test/e2e/network/extensions.conf); the finder's script cannot see the bridge, so it
 * allows this long before its talk time starts (the table shows the real "1 → bridged").
 */
const BRIDGE_ALLOWANCE_MS = 8_000;

// --- options ------------------------------------------------------------------------------------

interface Options {
  steps: number[];
  talkSeconds: number;
  rate: number;
  sides: Side[];
  soakMinutes?: number;
  soakCalls: number;
}
type Side = 'ours' | 'followme';
const SIDE_NAME: Record<Side, string> = { ours: 'ours', followme: 'FollowMe' };

function parseOptions(argv: string[]): Options {
  const options: Options = { steps: [10, 20, 40, 60, 80, 100, 120, 140, 160, 200], talkSeconds: 20, rate: 5, sides: ['ours', 'followme'], soakCalls: 50 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const positive = (v: string) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${arg}: not a positive number: ${v}`);
      return n;
    };
    if (arg === '--steps') options.steps = value().split(',').map((s) => Math.round(positive(s)));
    else if (arg === '--talk') options.talkSeconds = positive(value());
    else if (arg === '--rate') options.rate = positive(value());
    else if (arg === '--only') {
      const side = value();
      if (side !== 'ours' && side !== 'followme') throw new Error('--only takes ours or followme');
      options.sides = [side];
    } else if (arg === '--soak') {
      options.soakMinutes = argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? positive(value()) : 30;
    } else if (arg === '--calls') options.soakCalls = Math.round(positive(value()));
    else throw new Error(`unknown option ${arg} (see the top of bench/calls.ts)`);
  }
  // Each call holds four of the service's RTP ports (1000 in the range) and one of SIPp's 300 slots.
  const tooBig = [...options.steps, options.soakCalls].find((n) => n > 240);
  if (tooBig) throw new Error(`at most 240 calls at once (the RTP port range and SIPp's ports): ${tooBig}`);
  return options;
}

// --- small helpers ------------------------------------------------------------------------------

const log = (line: string) => {
  process.stdout.write(`${line}\n`);
  appendFileSync(join(REPORTS, 'summary.txt'), `${line}\n`);
};
const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const digitsOf = (number: string) => number.replace(/\D/g, '');
const sameNumber = (a: string, b: string) => a !== '' && b !== '' && digitsOf(a).slice(-9) === digitsOf(b).slice(-9);

function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
const ms = (v: number | undefined) => (v === undefined ? '—' : `${v.toFixed(0)} ms`);
const p50p99 = (values: number[]) => `${ms(percentile(values, 50))} / ${ms(percentile(values, 99))}`;

let callerSerial = Math.floor(Math.random() * 9_000_000);
/** A Belgian mobile number per simulated finder, never twice in a run. */
const nextCaller = () => `3247${String(1_000_000 + (callerSerial++ % 8_999_999)).padStart(7, '0')}`;

// --- the Asterisk configurations -----------------------------------------------------------------

/** The network without maxload, the service with CEL, and the FollowMe instance (service + overlay). */
function prepareTemplates(): { network: string; service: string; followme: string } {
  const root = join(REPORTS, 'templates');
  rmSync(root, { recursive: true, force: true });
  const network = join(root, 'network');
  cpSync(networkTemplateDir(), network, { recursive: true });
  // The public network does not refuse calls because this machine is busy (see bench/portal.ts).
  const networkConf = join(network, 'asterisk.conf');
  writeFileSync(networkConf, readFileSync(networkConf, 'utf8').replace(/^maxload\s*=.*$/m, '; maxload: none (bench/calls.ts)'));
  // "pressed-1" is logged as the person starts sending the 1 (the tests' copy logs it once sent,
  // ~0.3 s later, after the service has already bridged): "1 → bridged" counts from the key.
  const phones = join(network, 'extensions.conf');
  const dialplan = readFileSync(phones, 'utf8');
  const pressed = ' same => n,SendDTMF(1)\n same => n,Gosub(log,s,1(pressed-1))\n';
  if (!dialplan.includes(pressed)) throw new Error('test/e2e/network/extensions.conf: the person no longer presses 1 as bench/calls.ts expects');
  writeFileSync(phones, dialplan.replace(pressed, ' same => n,Gosub(log,s,1(pressed-1))\n same => n,SendDTMF(1)\n'));

  const overlay = join(REPO_ROOT, 'bench/calls/asterisk');
  const service = join(root, 'service');
  cpSync(join(REPO_ROOT, 'asterisk-config/service'), service, { recursive: true });
  for (const file of ['cel.conf', 'cel_custom.conf']) cpSync(join(overlay, file), join(service, file));
  appendFileSync(join(service, 'modules.conf'), '\n; bench:calls: channel events to a file (bench/calls/asterisk/cel_custom.conf).\nload = res_cdrel_custom.so\nload = cel_custom.so\n');

  const followme = join(root, 'followme');
  cpSync(service, followme, { recursive: true });
  for (const file of ['extensions.conf', 'followme.conf']) cpSync(join(overlay, 'followme', file), join(followme, file));
  appendFileSync(join(followme, 'modules.conf'), 'load = app_followme.so\n');
  return { network, service, followme };
}

/** Lines appended to a file since the last call (files that outlive an instance are read from where they were). */
class Tail {
  private offset: number;
  constructor(private readonly file: string) {
    this.offset = existsSync(file) ? readFileSync(file).length : 0;
  }

  take(): string[] {
    if (!existsSync(this.file)) return [];
    const buffer = readFileSync(this.file);
    const fresh = buffer.subarray(this.offset).toString('utf8');
    this.offset = buffer.length;
    return fresh.split('\n').filter(Boolean);
  }
}

interface CelEvent {
  atMs: number;
  type: string;
  caller: string;
  app: string;
  channel: string;
}

function celTail(instance: string): { take: () => CelEvent[] } {
  const tail = new Tail(join(ASTERISK_ROOT, 'srv/alloparents', instance, 'log/bench-cel.csv'));
  return {
    take: () =>
      tail.take().map((line) => {
        const [time, type, caller, app, channel] = line.split(',');
        return { atMs: celTime(time), type, caller, app, channel };
      }),
  };
}

/** CEL's eventtime: seconds.microseconds (cel.conf without dateformat), or a date. */
function celTime(text: string): number {
  return /^\d+\.\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text);
}

async function channelCount(instance: AsteriskInstance): Promise<number> {
  const { output } = await instance.cli('core show channels count');
  const match = output.match(/(\d+) active channels?/);
  if (!match) throw new Error(`unexpected 'core show channels count': ${output}`);
  return Number(match[1]);
}

// --- CPU and memory, from /proc ------------------------------------------------------------------

function procStat(pid: number): { cpuTicks: number; rssKiB: number; anonKiB: number } | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0);
    return { cpuTicks: Number(fields[11]) + Number(fields[12]), rssKiB: kib('VmRSS'), anonKiB: kib('RssAnon') };
  } catch {
    return undefined; // the process is gone
  }
}

interface Usage {
  /** Average over the sampled time, in % of one core. */
  cpuPercent: number;
  /** Largest memory seen, MiB: RSS for the app and Asterisk, private (anonymous) memory summed over PostgreSQL's backends. */
  peakMiB: number;
  samplesMiB: number[];
}

/** Samples the CPU time and memory of a group of processes (whose pids may change, like PostgreSQL's backends). */
/**
 * The app's own view of ARI during a step, from its /metrics: the time of each ARI request
 * (percentiles from the histogram's buckets: an upper bound) and the most requests waiting for a
 * free connection of the pool or in flight at once (scraped every second).
 */
class AriWatch {
  private before = new Map<number, number>();
  private peakQueued = 0;
  private peakInFlight = 0;
  private timer: NodeJS.Timeout | undefined;

  private static async scrape(): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${TEST_PORTS.operators}/metrics`);
    return response.text();
  }

  private static buckets(text: string): Map<number, number> {
    const counts = new Map<number, number>();
    for (const m of text.matchAll(/^alloparents_ari_request_duration_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm)) counts.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
    return counts;
  }

  private static gauge(text: string, name: string): number {
    const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  }

  async start(): Promise<this> {
    this.before = AriWatch.buckets(await AriWatch.scrape());
    this.timer = setInterval(() => {
      void AriWatch.scrape().then((text) => {
        this.peakQueued = Math.max(this.peakQueued, AriWatch.gauge(text, 'alloparents_ari_requests_queued'));
        this.peakInFlight = Math.max(this.peakInFlight, AriWatch.gauge(text, 'alloparents_ari_requests_in_flight'));
      }, () => undefined);
    }, 1000);
    return this;
  }

  async stop(): Promise<AriFigures> {
    clearInterval(this.timer);
    const after = AriWatch.buckets(await AriWatch.scrape());
    const bounds = [...after.keys()].sort((a, b) => a - b);
    const delta = bounds.map((le) => (after.get(le) ?? 0) - (this.before.get(le) ?? 0));
    const total = delta[delta.length - 1] ?? 0;
    const quantile = (q: number) => {
      const i = delta.findIndex((c) => c >= q * total);
      return i < 0 || total === 0 ? undefined : bounds[i];
    };
    return { requests: total, p50: quantile(0.5), p99: quantile(0.99), peakQueued: this.peakQueued, peakInFlight: this.peakInFlight };
  }
}

interface AriFigures {
  requests: number;
  /** Upper bounds of the histogram's buckets, in seconds. */
  p50?: number;
  p99?: number;
  peakQueued: number;
  peakInFlight: number;
}

class Sampler {
  private readonly lastTicks = new Map<number, number>();
  private ticks = 0;
  private readonly startedAt = Date.now();
  private readonly samples: number[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: () => Promise<number[]>, private readonly memory: 'rss' | 'anon', private readonly everyMs = 1000) {}

  async start(): Promise<this> {
    await this.sample();
    this.timer = setInterval(() => void this.sample(), this.everyMs);
    return this;
  }

  private async sample(): Promise<void> {
    let memoryKiB = 0;
    const first = this.samples.length === 0;
    for (const pid of await this.pids().catch(() => [])) {
      const stat = procStat(pid);
      if (!stat) continue;
      const previous = this.lastTicks.get(pid);
      // A pid first seen during the run (a new backend) counts from its start.
      this.ticks += previous === undefined ? (first ? 0 : stat.cpuTicks) : stat.cpuTicks - previous;
      this.lastTicks.set(pid, stat.cpuTicks);
      memoryKiB += this.memory === 'rss' ? stat.rssKiB : stat.anonKiB;
    }
    this.samples.push(memoryKiB / 1024);
  }

  async stop(): Promise<Usage> {
    clearInterval(this.timer);
    await this.sample();
    const seconds = (Date.now() - this.startedAt) / 1000;
    return { cpuPercent: (this.ticks / 100 / seconds) * 100, peakMiB: Math.max(...this.samples), samplesMiB: this.samples };
  }
}

// --- one call, one step --------------------------------------------------------------------------

interface PlannedCall {
  caller: string;
  nationalNumber: string;
  cascadeId?: string;
  scenario: string;
}

interface CallResult extends PlannedCall {
  startedAt: number;
  endedAt: number;
  sippCode: number | null;
  sippOutput: string;
}

interface CallFigures {
  /** Number complete (the app's log for ours, FollowMe's start for the baseline) → the network saw the first leg's INVITE. */
  toFirstLeg?: number;
  /** Of which between the app's number complete and its originate (ours only). */
  inApp?: number;
  /** The network's "pressed 1" → the finder's channel entered the bridge (CEL). */
  pressToBridge?: number;
  /** Talk time the finder had once bridged. */
  talk?: number;
  failure?: string;
  /** The app's log lines of the call (ours), kept with a failed call. */
  appLog?: string;
}

interface StepResult {
  side: Side;
  calls: number;
  peakAtOnce: number;
  failures: string[];
  figures: CallFigures[];
  durationSeconds: number;
  setupRate: number;
  leftoverChannels: number;
  usage: { app?: Usage; asterisk: Usage; postgres?: Usage };
  /** The app's ARI requests during the step (ours). */
  ari?: AriFigures;
  loadBefore: string;
  loadAfter: string;
}

/** Most calls in progress at the same moment (from each SIPp's start to its end). */
function peakOverlap(calls: { startedAt: number; endedAt: number }[]): number {
  const edges = calls.flatMap((c) => [[c.startedAt, 1], [c.endedAt, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, delta] of edges) peak = Math.max(peak, (now += delta));
  return peak;
}

interface AppLogLine {
  time: number;
  msg?: string;
  raw: string;
  callId?: string;
  result?: string;
}

function parseAppLog(text: string): AppLogLine[] {
  const lines: AppLogLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { time: number | string; msg?: string; callId?: string; result?: string };
      lines.push({ ...entry, raw: line, time: typeof entry.time === 'number' ? entry.time : Date.parse(entry.time) });
    } catch {
      // not a log line
    }
  }
  return lines;
}

class Bench {
  private readonly world: World;
  private followme: AsteriskInstance | undefined;
  private appLogOffset = 0;

  constructor(private readonly options: Options, private readonly templates: ReturnType<typeof prepareTemplates>) {
    this.world = new World(
      {
        // Every simulated finder has its own number and its own child; the limits that would stop
        // one caller asking for many numbers are set out of the way.
        ABUSE_MAX_NUMBERS_PER_HOUR: '1000',
        // The parents see the finder's number (as FollowMe shows it): the network's log then
        // tells each finder's leg apart.
        LEG_CALLER_ID: 'finder',
        LOG_LEVEL: 'info',
        ...(process.env.BENCH_ARI_HTTP_CONNECTIONS ? { ARI_HTTP_CONNECTIONS: process.env.BENCH_ARI_HTTP_CONNECTIONS } : {}),
      },
      { productionTimers: true, serviceTemplate: templates.service, networkTemplate: templates.network },
    );
  }

  async startNetwork(): Promise<void> {
    await this.world.start({ appProcess: true });
  }

  private instance(side: Side): AsteriskInstance {
    return side === 'ours' ? this.world.asterisk : this.followme!;
  }

  /** From ours to FollowMe: the app and the service's Asterisk stop, the FollowMe instance takes the same SIP port. */
  async switchToFollowMe(): Promise<void> {
    await this.world.killAppProcess();
    await this.world.asterisk.stop();
    this.followme = new AsteriskInstance(testInstanceName('followme'), this.world.env, this.templates.followme);
    await this.followme.start();
  }

  async stop(): Promise<void> {
    await endLeftoverCalls();
    await this.followme?.stop().catch(() => undefined);
    await this.world.stop();
  }

  private async asteriskPid(side: Side): Promise<number[]> {
    const file = join(ASTERISK_ROOT, 'srv/alloparents', this.instance(side).name, 'run/asterisk.pid');
    return [Number(readFileSync(file, 'utf8').trim())];
  }

  private async postgresPids(): Promise<number[]> {
    const rows: { pid: number }[] = await this.world.db.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`);
    return rows.map((r) => r.pid);
  }

  async plan(side: Side, count: number, talkMs: (i: number) => number, label: string): Promise<PlannedCall[]> {
    const calls: PlannedCall[] = [];
    for (let i = 0; i < count; i++) {
      const caller = nextCaller();
      let nationalNumber: string;
      let cascadeId: string | undefined;
      if (side === 'ours') {
        const child = await this.world.enrol([...CASCADE]);
        nationalNumber = child.nationalNumber;
        cascadeId = String(child.cascadeId);
      } else {
        nationalNumber = this.world.nationalNumber();
      }
      const scenario = finderScenario(`bench-calls-${label}-${i + 1}`, {
        audio: true,
        steps: [...typeNumber(nationalNumber), { pause: BRIDGE_ALLOWANCE_MS + talkMs(i) }, { hangUp: true }],
      });
      calls.push({ caller, nationalNumber, cascadeId, scenario });
    }
    return calls;
  }

  /** Places the calls at `rate` per second, or keeps `inFlight` going until `until` (the soak). */
  async place(planned: PlannedCall[], rate: number, maxScriptMs: number, onEach?: (result: CallResult) => void): Promise<CallResult[]> {
    const started: Promise<CallResult>[] = [];
    const t0 = Date.now();
    for (let i = 0; i < planned.length; i++) {
      const due = t0 + (i * 1000) / rate;
      if (due > Date.now()) await sleep(due - Date.now());
      const call = planned[i];
      const startedAt = Date.now();
      started.push(
        sippCall({ scenario: call.scenario, caller: call.caller, timeoutSeconds: Math.ceil(maxScriptMs / 1000) + 30 }).then((sipp) => {
          const result = { ...call, startedAt, endedAt: sipp.endedAt, sippCode: sipp.code, sippOutput: sipp.output };
          onEach?.(result);
          return result;
        }),
      );
    }
    return Promise.all(started);
  }

  /** What each call did, from the network's log, CEL and (ours) the app's log and call records. */
  async judge(side: Side, results: CallResult[], network: NetworkEntry[], cel: CelEvent[]): Promise<CallFigures[]> {
    const appText = side === 'ours' ? this.world.appOutput().slice(this.appLogOffset) : '';
    const appLines = side === 'ours' ? parseAppLog(appText) : [];
    if (side === 'ours') writeFileSync(join(REPORTS, `app-${side}-${results.length}.log`), appText);
    if (side === 'ours') this.appLogOffset = this.world.appOutput().length;
    const records = new Map<string, { id: string; outcome: string | null; connected_position: string | null }>();
    if (side === 'ours') {
      const ids = results.map((r) => r.cascadeId!);
      // The app closes each record as the call ends.
      await waitFor('every call record to be closed', async () => {
        const rows: { id: string; cascade_id: string; outcome: string | null; connected_position: string | null }[] = await this.world.db.query(
          `SELECT id, cascade_id, outcome, connected_position FROM call_records WHERE cascade_id::text = ANY($1)`,
          [ids],
        );
        for (const row of rows) records.set(String(row.cascade_id), row);
        return rows.length === ids.length && rows.every((r) => r.outcome !== null);
      }, 30_000, 500).catch(() => undefined);
    }
    return results.map((call) => {
      const mine = network.filter((e) => sameNumber(e.callerId, call.caller));
      const dialled = mine.find((e) => e.what === 'dialled' && e.number === PHONES.person);
      const pressed = mine.find((e) => e.what === 'pressed-1');
      const myCel = cel.filter((e) => sameNumber(e.caller, call.caller));
      const bridged = pressed ? myCel.find((e) => e.type === 'BRIDGE_ENTER' && e.atMs >= pressed.atMs - 5) : undefined;
      const figures: CallFigures = {};
      let numberAt: number | undefined;
      if (side === 'ours') {
        const record = records.get(call.cascadeId!);
        const lines = record ? appLines.filter((l) => l.callId === record.id) : [];
        numberAt = lines.find((l) => l.msg === 'national number entry' && l.result === 'valid')?.time;
        const originateAt = lines.find((l) => l.msg === 'dialling leg')?.time;
        if (numberAt !== undefined && originateAt !== undefined) figures.inApp = originateAt - numberAt;
        figures.appLog = lines.map((l) => l.raw).join('\n');
        if (!record) figures.failure = 'no call record';
        else if (record.outcome !== 'connected-parent' || String(record.connected_position) !== '1') {
          // The app's own account comes first: what each leg gave (unreachable: no ringing within
          // LEG_PROGRESS_TIMEOUT_SECONDS) says more than what the network saw.
          const legs = lines.filter((l) => l.msg === 'leg ended').map((l) => l.result).join(', ');
          figures.failure = `outcome ${record.outcome}, connected position ${record.connected_position ?? 'none'}; legs: ${legs || 'none'}`;
        }
      } else {
        numberAt = myCel.find((e) => e.type === 'APP_START' && /followme/i.test(e.app))?.atMs;
      }
      if (numberAt !== undefined && dialled) figures.toFirstLeg = dialled.atMs - numberAt;
      if (pressed && bridged) figures.pressToBridge = bridged.atMs - pressed.atMs;
      if (bridged) figures.talk = call.endedAt - bridged.atMs;
      const failure =
        call.sippCode !== 0 ? `SIPp exit ${call.sippCode}: ${call.sippOutput.trim().split('\n').slice(-2).join(' ').slice(0, 200)}` :
        side === 'ours' && figures.failure ? figures.failure :
        !dialled ? 'the first number was never dialled' :
        !pressed ? 'the parent never pressed 1' :
        !bridged ? 'never bridged after the parent pressed 1' :
        figures.failure;
      return { ...figures, failure };
    });
  }

  async step(side: Side, count: number): Promise<StepResult> {
    const { rate, talkSeconds } = this.options;
    const rampMs = ((count - 1) * 1000) / rate;
    // Every call hangs up at about the same time, so all `count` are held at once for the talk time.
    const talkMs = (i: number) => talkSeconds * 1000 + Math.round(rampMs - (i * 1000) / rate);
    const planned = await this.plan(side, count, talkMs, `${side}-${count}`);
    const network = this.world.network;
    network.takeLog();
    const cel = celTail(this.instance(side).name);
    cel.take();
    if (side === 'ours') this.appLogOffset = this.world.appOutput().length;
    const loadBefore = loadAverage();
    const samplers = {
      app: side === 'ours' ? await new Sampler(async () => [this.world.appProcessId()!], 'rss').start() : undefined,
      asterisk: await new Sampler(() => this.asteriskPid(side), 'rss').start(),
      postgres: side === 'ours' ? await new Sampler(() => this.postgresPids(), 'anon').start() : undefined,
    };
    const ariWatch = side === 'ours' ? await new AriWatch().start() : undefined;
    const t0 = Date.now();
    const results = await this.place(planned, rate, 6_000 + BRIDGE_ALLOWANCE_MS + talkMs(0));
    const durationSeconds = (Date.now() - t0) / 1000;
    const usage = { app: await samplers.app?.stop(), asterisk: await samplers.asterisk.stop(), postgres: await samplers.postgres?.stop() };
    const ari = await ariWatch?.stop();
    const loadAfter = loadAverage();
    // Asterisk lets go of the channels once each BYE is through.
    const instance = this.instance(side);
    const leftoverChannels = await waitFor('the channels to be gone', async () => ((await channelCount(instance)) === 0 ? 0 : undefined), 30_000, 500).catch(() => channelCount(instance));
    await sleep(500); // the network's hangup lines and CEL's last lines are written
    const figures = await this.judge(side, results, network.takeLog(), cel.take());
    const failures = figures.flatMap((f, i) => (f.failure ? [`call ${i + 1}: ${f.failure}`] : []));
    if (leftoverChannels > 0) failures.push(`${leftoverChannels} channels left after the step`);
    keepFailedCalls(`${side}-${count}`, results, figures);
    return {
      side,
      calls: count,
      peakAtOnce: peakOverlap(results),
      failures,
      figures,
      durationSeconds,
      setupRate: count > 1 ? (count - 1) / Math.max(0.001, (Math.max(...results.map((r) => r.startedAt)) - t0) / 1000) : rate,
      leftoverChannels,
      usage,
      ari,
      loadBefore,
      loadAfter,
    };
  }

  /** Ours, `calls` at once for `minutes`: a new finder as soon as one hangs up. */
  async soak(minutes: number, calls: number): Promise<void> {
    const talkMs = this.options.talkSeconds * 1000;
    const until = Date.now() + minutes * 60_000;
    const warmUpUntil = Date.now() + Math.min(5, minutes / 6) * 60_000;
    this.world.network.takeLog();
    const cel = celTail(this.world.asterisk.name);
    cel.take();
    this.appLogOffset = this.world.appOutput().length;
    log(`soak: ${calls} calls at once for ${minutes} min (talk ${this.options.talkSeconds} s, ramp ${this.options.rate}/s), ours only; load average before: ${loadAverage()}`);
    const rss: { at: number; mib: number }[] = [];
    const pid = this.world.appProcessId()!;
    // The JavaScript heap in use, from the app's /metrics: its lowest points (after each
    // collection) rise with a leak, whereas RSS also holds what V8 keeps between collections.
    const heap: { at: number; mib: number }[] = [];
    const rssTimer = setInterval(() => {
      const stat = procStat(pid);
      if (stat) rss.push({ at: Date.now(), mib: stat.rssKiB / 1024 });
      void fetch(`http://127.0.0.1:${TEST_PORTS.operators}/metrics`)
        .then((response) => response.text())
        .then((text) => {
          const m = /^alloparents_nodejs_heap_size_used_bytes (\S+)$/m.exec(text);
          if (m) heap.push({ at: Date.now(), mib: Number(m[1]) / 1024 / 1024 });
        })
        .catch(() => undefined);
    }, 10_000);
    const asterisk = await new Sampler(() => this.asteriskPid('ours'), 'rss', 10_000).start();
    const app = await new Sampler(async () => [pid], 'rss', 10_000).start();
    const postgres = await new Sampler(() => this.postgresPids(), 'anon', 10_000).start();
    const all: CallResult[] = [];
    const lanes = Array.from({ length: calls }, async (_, lane) => {
      await sleep((lane * 1000) / this.options.rate);
      while (Date.now() < until) {
        const [planned] = await this.plan('ours', 1, () => talkMs, `soak-${lane + 1}`);
        const [result] = await this.place([planned], 1, 6_000 + BRIDGE_ALLOWANCE_MS + talkMs);
        all.push(result);
      }
    });
    await Promise.all(lanes);
    clearInterval(rssTimer);
    const usage = { app: await app.stop(), asterisk: await asterisk.stop(), postgres: await postgres.stop() };
    const leftover = await waitFor('the channels to be gone', async () => ((await channelCount(this.world.asterisk)) === 0 ? 0 : undefined), 30_000, 500).catch(() => channelCount(this.world.asterisk));
    const networkLeftover = await channelCount(this.world.network.asterisk);
    await sleep(500);
    const figures = await this.judge('ours', all, this.world.network.takeLog(), cel.take());
    keepFailedCalls('soak', all, figures);
    const failures = figures.filter((f) => f.failure);
    const afterWarmUp = rss.filter((s) => s.at >= warmUpUntil);
    const base = afterWarmUp.slice(0, 6).map((s) => s.mib);
    const end = afterWarmUp.slice(-6).map((s) => s.mib);
    const avg = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
    const rssGrowth = base.length && end.length ? (avg(end) / avg(base) - 1) * 100 : NaN;
    // The heap's floor in each 5-minute window after the warm-up, first against last.
    const windows: number[] = [];
    for (let from = warmUpUntil; from < until; from += 5 * 60_000) {
      const inWindow = heap.filter((h) => h.at >= from && h.at < from + 5 * 60_000).map((h) => h.mib);
      if (inWindow.length > 0) windows.push(Math.min(...inWindow));
    }
    const growth = windows.length >= 2 ? (windows[windows.length - 1] / windows[0] - 1) * 100 : NaN;
    log(`soak results (${figures.length} calls):`);
    log(`  failed calls: ${failures.length} (target 0) — ${failures.length === 0 ? 'met' : 'missed'}`);
    for (const f of failures.slice(0, 20)) log(`    ${f.failure}`);
    log(`  channels left at the end: service ${leftover}, network ${networkLeftover} (target 0) — ${leftover === 0 ? 'met' : 'missed'}`);
    const percent = (v: number) => (Number.isNaN(v) ? 'not enough samples' : `${v >= 0 ? '+' : ''}${v.toFixed(1)} %`);
    log(`  app heap in use, lowest in each 5 min after the warm-up (${((warmUpUntil - (until - minutes * 60_000)) / 60_000).toFixed(1)} min), MiB: ${windows.map((w) => w.toFixed(1)).join(', ')}: ${percent(growth)} first to last (target < 10 %) — ${growth < 10 ? 'met' : 'missed'}`);
    log(`  app RSS after warm-up: ${avg(base).toFixed(1)} MiB at first, ${avg(end).toFixed(1)} MiB at the end: ${percent(rssGrowth)} (for information: V8 keeps freed heap between collections)`);
    log(`  RSS samples every 10 s (MiB): ${rss.map((s) => s.mib.toFixed(0)).join(' ')}`);
    log(`  CPU (% of one core) app ${usage.app.cpuPercent.toFixed(0)}, Asterisk ${usage.asterisk.cpuPercent.toFixed(0)}, PostgreSQL ${usage.postgres.cpuPercent.toFixed(0)}`);
    log(`  number complete → first leg INVITE p50/p99 ${p50p99(figures.flatMap((f) => (f.toFirstLeg === undefined ? [] : [f.toFirstLeg])))}; parent's 1 → bridged p50/p99 ${p50p99(figures.flatMap((f) => (f.pressToBridge === undefined ? [] : [f.pressToBridge])))}`);
    log(`  load average after: ${loadAverage()}`);
    if (failures.length > 0 || leftover > 0 || !(growth < 10)) process.exitCode = 1;
  }
}

/** Each failed call's SIPp output and the times seen, in the reports directory. */
function keepFailedCalls(label: string, results: CallResult[], figures: CallFigures[]): void {
  for (const [i, r] of results.entries()) {
    if (!figures[i].failure) continue;
    const times = `caller ${r.caller}, SIPp from ${new Date(r.startedAt).toISOString()} to ${new Date(r.endedAt).toISOString()}, exit ${r.sippCode}: ${figures[i].failure}`;
    writeFileSync(join(REPORTS, `failed-${label}-${i + 1}.txt`), `${times}\n\n${r.sippOutput}\n\nThe app's log of the call:\n${figures[i].appLog ?? '—'}\n`);
  }
}

// --- the report ----------------------------------------------------------------------------------

const values = (step: StepResult | undefined, pick: (f: CallFigures) => number | undefined) => (step ? step.figures.flatMap((f) => { const v = pick(f); return v === undefined ? [] : [v]; }) : []);
const usageText = (u: Usage | undefined) => (u ? `${u.cpuPercent.toFixed(0)} % CPU, ${u.peakMiB.toFixed(0)} MiB` : '—');

const secondsText = (v: number | undefined) => (v === undefined ? '—' : v === Infinity ? '> 3 s' : `${Math.round(v * 1000)} ms`);

function describeStep(s: StepResult): string {
  return `${SIDE_NAME[s.side].padEnd(8)} ${String(s.calls).padStart(4)} calls (peak ${s.peakAtOnce} at once, ${s.setupRate.toFixed(1)} new/s, ${s.durationSeconds.toFixed(0)} s): ` +
    `${s.failures.length} failed; number → 1st INVITE p50/p99 ${p50p99(values(s, (f) => f.toFirstLeg))}` +
    `${s.side === 'ours' ? `, in the app ${p50p99(values(s, (f) => f.inApp))}` : ''}; 1 → bridged ${p50p99(values(s, (f) => f.pressToBridge))}; ` +
    `${s.ari ? `ARI ${s.ari.requests} requests p50/p99 ≤ ${secondsText(s.ari.p50)} / ${secondsText(s.ari.p99)}, at most ${s.ari.peakQueued} queued and ${s.ari.peakInFlight} in flight; ` : ''}` +
    `app ${usageText(s.usage.app)}, Asterisk ${usageText(s.usage.asterisk)}, PostgreSQL ${usageText(s.usage.postgres)}; load ${s.loadBefore} → ${s.loadAfter}`;
}

function printTable(options: Options, steps: StepResult[], loadBefore: string): void {
  const best = (side: Side) => {
    let last: StepResult | undefined;
    for (const s of steps.filter((x) => x.side === side)) {
      if (s.failures.length > 0) break;
      last = s;
    }
    return last;
  };
  const firstFailure = (side: Side) => steps.find((s) => s.side === side && s.failures.length > 0);
  const ours = best('ours');
  const fm = best('followme');
  const held = (s: StepResult | undefined) => (s ? s.calls : 0);
  const ranBoth = options.sides.length === 2;
  const ratio = ranBoth && held(fm) > 0 ? held(ours) / held(fm) : undefined;
  // Neither side failed: the steps stopped before either limit, the ratio says nothing yet.
  const noLimit = ranBoth && !firstFailure('ours') && !firstFailure('followme');
  const bound = noLimit ? ' (neither side reached its limit)' : ranBoth && !firstFailure('followme') ? ' (at most: FollowMe did not reach its limit)' : ranBoth && !firstFailure('ours') ? ' (at least: ours did not reach its limit)' : '';
  const rows: [string, string, string, string][] = [];
  const row = (measure: string, a: string, b: string, c = '') => rows.push([measure, a, b, c]);
  row('most calls held at once, 0 failures', ours ? `${ours.calls} (peak ${ours.peakAtOnce})` : '0', fm ? `${fm.calls} (peak ${fm.peakAtOnce})` : options.sides.includes('followme') ? '0' : 'not run', ratio === undefined ? '' : `ours/FollowMe ${ratio.toFixed(2)}${bound}`);
  row('first step with a failure', firstFailure('ours') ? `${firstFailure('ours')!.calls} (${firstFailure('ours')!.failures.length} failed)` : 'none', firstFailure('followme') ? `${firstFailure('followme')!.calls} (${firstFailure('followme')!.failures.length} failed)` : 'none');
  row('calls per second (new calls, ramp)', ours ? ours.setupRate.toFixed(1) : '—', fm ? fm.setupRate.toFixed(1) : '—', `ramp set to ${options.rate}/s`);
  row('calls completed per second (at that step)', ours ? (ours.calls / ours.durationSeconds).toFixed(2) : '—', fm ? (fm.calls / fm.durationSeconds).toFixed(2) : '—');
  row('number complete → 1st leg INVITE p50 / p99', p50p99(values(ours, (f) => f.toFirstLeg)), p50p99(values(fm, (f) => f.toFirstLeg)));
  const inApp = values(ours, (f) => f.inApp);
  const total = values(ours, (f) => f.toFirstLeg);
  const share = (p: number) => (percentile(inApp, p) !== undefined && percentile(total, p) ? ` (${((percentile(inApp, p)! / percentile(total, p)!) * 100).toFixed(0)} %)` : '');
  row('  of which in the app p50 / p99', `${ms(percentile(inApp, 50))}${share(50)} / ${ms(percentile(inApp, 99))}${share(99)}`, '—');
  row("parent's 1 → bridged p50 / p99", p50p99(values(ours, (f) => f.pressToBridge)), p50p99(values(fm, (f) => f.pressToBridge)));
  const talk = (s: StepResult | undefined) => { const v = values(s, (f) => f.talk); return v.length ? `${(percentile(v, 50)! / 1000).toFixed(1)} s (min ${(Math.min(...v) / 1000).toFixed(1)} s)` : '—'; };
  row('talk once bridged p50 (min)', talk(ours), talk(fm), `set to ≥ ${options.talkSeconds} s`);
  row('app: CPU, peak RSS', usageText(ours?.usage.app), '—');
  row('Asterisk (service / FollowMe): CPU, peak RSS', usageText(ours?.usage.asterisk), usageText(fm?.usage.asterisk));
  row('PostgreSQL backends: CPU, peak private memory', usageText(ours?.usage.postgres), '—');
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c].length), ['measure', 'ours', 'FollowMe', ''][c].length));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  log('');
  log(line(['measure', 'ours', 'FollowMe', '']));
  log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) log(line(r));
  log('');
  const target = (what: string, met: boolean | undefined, detail: string) => log(`target: ${what}: ${met === undefined ? 'not measured' : met ? 'met' : 'missed'} (${detail})`);
  target('ours/FollowMe ≥ 1.0', ratio === undefined ? undefined : ratio >= 1, ratio === undefined ? 'both sides needed' : `${ratio.toFixed(2)}${bound}`);
  target('≥ 100 calls at once with 0 failures', held(ours) >= 100, `${held(ours)}`);
  const at100 = steps.find((s) => s.side === 'ours' && s.calls >= 100 && s.failures.length === 0);
  const p99App = percentile(values(at100, (f) => f.inApp), 99);
  target('the app adds ≤ 50 ms p99 before the first leg at 100 calls', at100 ? p99App !== undefined && p99App <= 50 : false, at100 ? `${ms(p99App)} at ${at100.calls} calls` : 'no step of ≥ 100 calls without failure');
  log(`load average before the run: ${loadBefore}; after: ${loadAverage()}`);
}

// --- main ----------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!existsSync(join(ASTERISK_ROOT, 'usr/sbin/asterisk'))) throw new Error(`no Asterisk chroot at ${ASTERISK_ROOT}: run 'npm run provision' first`);
  mkdirSync(REPORTS, { recursive: true });
  writeFileSync(join(REPORTS, 'summary.txt'), '');
  const cpus = os.cpus();
  const loadBefore = loadAverage();
  log(`machine: ${cpus.length} cores (${cpus[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}, ${os.type()} ${os.release()}`);
  log(`load average before the run (1, 5, 15 min): ${loadBefore}`);
  log(options.soakMinutes !== undefined
    ? `soak of ${options.soakMinutes} min at ${options.soakCalls} calls at once`
    : `steps (calls held at once): ${options.steps.join(', ')}; ${options.rate} new calls/s; talk ${options.talkSeconds} s once bridged (longer for the calls placed first, so all of a step are held at once); sides: ${options.sides.map((s) => SIDE_NAME[s]).join(', ')}`);
  log(`(reports, failed calls' SIPp output, the Asterisk configurations: ${REPORTS})`);

  const bench = new Bench(options, prepareTemplates());
  // Ctrl-C: the app, SIPp and the instances stop with the run (bench/calls.sh also stops the instances by name).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void bench.stop().finally(() => process.exit(130)));
  const steps: StepResult[] = [];
  try {
    await bench.startNetwork();
    if (options.soakMinutes !== undefined) {
      await bench.soak(options.soakMinutes, options.soakCalls);
      return;
    }
    for (const side of options.sides) {
      if (side === 'followme') await bench.switchToFollowMe();
      for (const count of options.steps) {
        const result = await bench.step(side, count);
        steps.push(result);
        log(describeStep(result));
        for (const failure of result.failures.slice(0, 10)) log(`   FAILED ${failure}`);
        if (result.failures.length > 0) break;
        await sleep(3000); // the machine settles between steps
      }
    }
    printTable(options, steps, loadBefore);
  } finally {
    await bench.stop();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);

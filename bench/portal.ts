// The portal benchmark: run with `npm run bench:portal` (bench/portal.sh prepares a fresh
// database and pins this process to core 1). Not a test: it prints figures, recorded in
// docs/performance.md.
//   1. the authenticated "my cascade" read (GET /api/v1/children/:id/cascade) at full speed, the
//      built app pinned to core 0, autocannon on core 1; against its ceiling, measured the same
//      way in the same run: a bare Fastify route (bench/portal-bare.ts, its own process pinned to
//      the same core) running the same two statements with pg and answering the same JSON. The
//      app and the bare route take turns (app, bare, bare, app, …), each after a warm-up;
//   2. the finder's call (real Asterisk, SIPp, the simulated network) with the portal idle, then
//      with the portal under a steady 200 requests/s.
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { CURRENT_TERMS_VERSION } from '../apps/server/src/portal/domain/parent-children';
import { randomCode } from '../test/support/cards-data';
import { randomNationalNumber } from '../test/support/national-numbers';
import { finderScenario, typeNumber } from '../test/support/finder-scenario';
import { run, sleep, waitFor } from '../test/support/processes';
import { ResultRow, load, log, machine, median, percentile, positiveInteger, printTable, ratioWithRounds } from './report';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: Record<string, unknown>) => AutocannonInstance;

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p97_5: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  duration: number;
}
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void): void;
  stop(): void;
}

const ROOT = join(__dirname, '..'); // dist/
const REPO = join(__dirname, '../..');
const SECONDS = positiveInteger('BENCH_SECONDS', process.env.BENCH_SECONDS, 20);
const WARMUP_SECONDS = positiveInteger('BENCH_WARMUP_SECONDS', process.env.BENCH_WARMUP_SECONDS, 5);
const CALLS = positiveInteger('BENCH_CALLS', process.env.BENCH_CALLS, 10);
const CONNECTIONS = positiveInteger('BENCH_CONNECTIONS', process.env.BENCH_CONNECTIONS, 10);
/** Turns of the app and the bare route in part 1 (each BENCH_SECONDS). */
const ROUNDS = positiveInteger('BENCH_ROUNDS', process.env.BENCH_ROUNDS, 2);
const PARTS = (process.env.BENCH_PARTS ?? '1,2').split(',');
const PORTAL_RATE = 200;

/** Ports apart from the tests' (SIP 15060, ARI 18088, HTTP 13000, network 15080, SIPp 16000+) and a developer's stack. */
const PORTS = { http: 23000, operators: 23464, bare: 23001, sip: 25060, ari: 28088, network: 25080, sippBase: 26000 } as const;
const ASTERISK_ROOT = process.env.ASTERISK_ROOT ?? '/var/cache/alloparents/asterisk-root';
const PERSON = '+32470001001'; // the simulated network's phone that answers and presses 1 (test/e2e/network)

const children: ChildProcess[] = [];
const asterisks: string[] = [];

function env(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(PORTS.http),
    METRICS_PORT: String(PORTS.operators),
    PORTAL_PUBLIC_URL: `http://127.0.0.1:${PORTS.http}`,
    ARI_URL: `http://127.0.0.1:${PORTS.ari}`,
    SIP_BIND_ADDRESS: '127.0.0.1',
    SIP_PORT: String(PORTS.sip),
    SIP_TRUNK_URI: `sip:127.0.0.1:${PORTS.network}`,
    RTP_PORT_START: '30000',
    RTP_PORT_END: '30999',
    SERVICE_NUMBER: '3278150000',
    SERVICE_NUMBERS: '3278150000:fr',
    HOTLINE_NUMBER: '116000',
    ...overrides,
  };
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

// --- Asterisk instances (scripts/asterisk.sh, as test/support/asterisk.ts does) -------------------

async function startAsterisk(name: string, templateDir: string, overrides: Record<string, string>, logFile: string): Promise<void> {
  const out = openSync(logFile, 'w');
  // On both cores: the telephony is not the process under test, the app is.
  const child = spawn('taskset', ['-c', '0,1', 'bash', join(REPO, 'scripts/asterisk.sh'), 'run', name, templateDir], { env: env(overrides), stdio: ['ignore', out, out] });
  closeSync(out);
  children.push(child);
  asterisks.push(name);
  await waitFor(`Asterisk '${name}' fully booted`, async () => {
    if (child.exitCode !== null) throw new Error(`Asterisk '${name}' exited (log: ${logFile}):\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    return (await asteriskCli(name, 'core waitfullybooted')).code === 0;
  }, 30_000, 300);
}

function asteriskCli(name: string, command: string) {
  return run('bash', [join(REPO, 'scripts/asterisk.sh'), 'cli', name, command], { env: env({}) }, 10_000);
}

// --- the app -----------------------------------------------------------------------------------

let appPid: number | undefined;

async function startApp(logFile: string): Promise<void> {
  const out = openSync(logFile, 'w');
  // taskset execs node: the child's pid is the app's (for its CPU time, /proc/PID/stat).
  // BENCH_PROFILE=1: V8's sampling profiler (--prof; the log is written as it goes, read it with node --prof-process).
  const profile = process.env.BENCH_PROFILE === '1' ? ['--prof', `--logfile=${join(ROOT, 'reports/bench-portal/v8.log')}`, '--no-logfile-per-isolate'] : [];
  const child = spawn('taskset', ['-c', '0', 'node', ...profile, join(ROOT, 'apps/server/src/main.js')], { env: env({}), stdio: ['ignore', out, out] });
  closeSync(out);
  children.push(child);
  appPid = child.pid;
  await waitFor('the app to answer /health', async () => {
    if (child.exitCode !== null) throw new Error(`the app exited (log: ${logFile}):\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    const response = await fetch(`http://127.0.0.1:${PORTS.http}/health`);
    return (await response.json()) as { status: string; ari: string };
  }, 30_000, 250);
}

let barePid: number | undefined;

/** The bare route (bench/portal-bare.ts) on the app's core, the same way. */
async function startBare(logFile: string): Promise<void> {
  const out = openSync(logFile, 'w');
  const child = spawn('taskset', ['-c', '0', 'node', join(ROOT, 'bench/portal-bare.js')], { env: env({ BENCH_BARE_PORT: String(PORTS.bare) }), stdio: ['ignore', out, out] });
  closeSync(out);
  children.push(child);
  barePid = child.pid;
  await waitFor('the bare route to answer /health', async () => {
    if (child.exitCode !== null) throw new Error(`the bare route exited (log: ${logFile}):\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    return (await fetch(`http://127.0.0.1:${PORTS.bare}/health`)).ok;
  }, 30_000, 250);
}

/** A process's CPU time so far (user + system), in seconds. */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (USER_HZ = 100 on Linux)
}

async function stopEverything(): Promise<void> {
  for (const name of asterisks.splice(0)) await asteriskCli(name, 'core stop now').catch(() => undefined);
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited(child);
    clearTimeout(timer);
  }
}

// --- the parent's side, through the API -----------------------------------------------------------

/** A browser-like client: keeps its cookies, echoes the CSRF cookie in X-CSRF-Token. */
class Browser {
  readonly cookies = new Map<string, string>();

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const all: Record<string, string> = { ...headers };
    if (this.cookies.size > 0) all.cookie = this.cookieHeader();
    if (this.cookies.has('ap_csrf')) all['x-csrf-token'] = this.cookies.get('ap_csrf')!;
    if (body !== undefined) all['content-type'] = 'application/json';
    const response = await fetch(`http://127.0.0.1:${PORTS.http}${path}`, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      this.cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return { status: response.status, body: parsed };
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** Card through the authority API, account, e-mail verification (link from the app's log), sign-in, link, cascade, activation. */
async function parentWithActiveCascade(appLog: string): Promise<{ browser: Browser; childId: string; nationalNumber: string }> {
  const nationalNumber = randomNationalNumber();
  const contactCode = randomCode();
  const issuedOn = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
  const ingest = await fetch(`http://127.0.0.1:${PORTS.http}/api/v1/authority/cards`, {
    method: 'POST',
    headers: { authorization: `Bearer ${process.env.BENCH_AUTHORITY_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ cards: [{ nationalNumber, contactCode, issuedOn, firstName: 'Lina', lastName: 'Peeters' }] }),
  });
  const report = (await ingest.json()) as { accepted?: unknown[] };
  if (ingest.status !== 200 || report.accepted?.length !== 1) throw new Error(`the card was not ingested: ${ingest.status} ${JSON.stringify(report)}`);

  const browser = new Browser();
  const email = `bench-${Date.now()}@example.org`;
  const password = 'bench portal passphrase 2026';
  await browser.request('GET', '/api/v1/auth/csrf');
  await browser.request('POST', '/api/v1/auth/register', { email, password });
  const token = await waitFor('the verification link in the app log', async () => readFileSync(appLog, 'utf8').match(/verify-email#token=([A-Za-z0-9_-]+)/)?.[1], 10_000);
  await browser.request('POST', '/api/v1/auth/verify-email', { token });
  await browser.request('POST', '/api/v1/auth/sign-in', { email, password });
  const child = await browser.request('POST', '/api/v1/children/links', { nationalNumber, contactCode });
  const childId = child.body.id as string;
  await browser.request('PUT', `/api/v1/children/${childId}/cascade`, {
    language: 'fr',
    numbers: [
      { number: PERSON, country: 'BE', label: 'Mum, mobile' },
      { number: '+32470001002', country: 'BE', label: 'Dad, mobile' },
      { number: '+32470001004', country: 'BE', label: 'Grandma' },
    ],
  });
  const activated = await browser.request('POST', `/api/v1/children/${childId}/cascade/activation`, { termsVersion: CURRENT_TERMS_VERSION });
  if (activated.body.status !== 'active' || activated.body.numbers.length !== 3) throw new Error(`unexpected cascade: ${JSON.stringify(activated.body)}`);
  return { browser, childId, nationalNumber };
}

// --- load ----------------------------------------------------------------------------------------

interface LoadFigures {
  rate: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  requests: number;
  bad: number;
  autocannon: AutocannonResult;
  /** The server's CPU, in cores (1 = one core busy all along). */
  serverCpu: number;
}

/** autocannon on the read; latency percentiles from every 2xx response (autocannon itself reports p97.5, not p95). */
function loadRead(url: string, cookie: string, options: { seconds?: number; overallRate?: number; pid?: number }): { instance: AutocannonInstance; done: Promise<LoadFigures> } {
  const times: number[] = [];
  let bad = 0;
  const pid = options.pid ?? appPid;
  const cpu0 = cpuSeconds(pid);
  const started = Date.now();
  const instance = autocannon({
    url,
    headers: { cookie },
    connections: CONNECTIONS,
    duration: options.seconds ?? 3600,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) times.push(ms);
    else bad += 1;
  });
  const done = Promise.resolve(instance).then((result) => {
    const elapsed = (Date.now() - started) / 1000;
    times.sort((a, b) => a - b);
    return {
      rate: times.length / elapsed,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      p99: percentile(times, 99),
      max: times[times.length - 1],
      requests: times.length,
      bad: bad + result.errors + result.timeouts,
      autocannon: result,
      serverCpu: (cpuSeconds(pid) - cpu0) / elapsed,
    };
  });
  return { instance, done };
}

const describeLoad = (f: LoadFigures) =>
  `${Math.round(f.rate)} requests/s (${f.requests} in ${f.autocannon.duration} s), latency p50 ${f.p50.toFixed(2)} ms, p95 ${f.p95.toFixed(2)} ms, p99 ${f.p99.toFixed(2)} ms, max ${f.max.toFixed(1)} ms; ` +
  `errors ${f.autocannon.errors}, timeouts ${f.autocannon.timeouts}, non-2xx ${f.autocannon.non2xx}; server CPU ${(f.serverCpu * 100).toFixed(0)}% of one core`;

// --- calls ---------------------------------------------------------------------------------------

async function metric(name: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`http://127.0.0.1:${PORTS.operators}/metrics`)).text();
  const value = (suffix: string) => Number(text.match(new RegExp(`^${name}_${suffix} (\\S+)$`, 'm'))?.[1] ?? NaN);
  return { sum: value('sum'), count: value('count') };
}

interface CallFigures {
  firstRing: number[];
  connection: number[];
  failures: string[];
}

let sippPort = 0;

/** Sequential calls: per call, the histograms' sum grows by exactly that call's value. */
async function calls(db: Client, nationalNumber: string, count: number): Promise<CallFigures> {
  const figures: CallFigures = { firstRing: [], connection: [], failures: [] };
  const scenario = finderScenario('bench-portal-leg1-accepts', { steps: [...typeNumber(nationalNumber), { pause: 14_000 }, { hangUp: true }] });
  mkdirSync(join(ROOT, 'reports'), { recursive: true });
  for (let i = 0; i < count; i += 1) {
    const ring0 = await metric('alloparents_first_leg_ringing_seconds');
    const connect0 = await metric('alloparents_time_to_connection_seconds');
    const since = new Date();
    const port = PORTS.sippBase + (sippPort++ % 400) * 2;
    const caller = `3247${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const loadAtCall = os.loadavg()[0];
    const sipp = await run('sipp', [
      `127.0.0.1:${PORTS.sip}`, '-sf', scenario, '-s', '3278150000', '-i', '127.0.0.1', '-p', String(port), '-mp', String(port + 1000),
      '-m', '1', '-timeout', '40s', '-timeout_error', '-nostdin', '-trace_err', '-key', 'caller', caller,
    ], { cwd: join(ROOT, 'reports') }, 50_000);
    const record = await waitFor('the call record to be closed', async () => {
      const { rows } = await db.query(`SELECT outcome, connected_position FROM call_records WHERE started_at >= $1 ORDER BY started_at DESC LIMIT 1`, [since]);
      return rows[0]?.outcome ? (rows[0] as { outcome: string; connected_position: number | null }) : undefined;
    }, sipp.code === 0 ? 20_000 : 3_000).catch(() => ({ outcome: 'no call record (the call did not reach the app)', connected_position: null }));
    const ring1 = await metric('alloparents_first_leg_ringing_seconds');
    const connect1 = await metric('alloparents_time_to_connection_seconds');
    if (sipp.code !== 0 || record.outcome !== 'connected-parent' || ring1.count - ring0.count !== 1 || connect1.count - connect0.count !== 1) {
      figures.failures.push(
        `call ${i + 1}: SIPp exit ${sipp.code}, outcome ${record.outcome}, ringing observed ${ring1.count - ring0.count}, connection observed ${connect1.count - connect0.count}; ` +
          `load average ${loadAtCall.toFixed(2)} (SIPp's errors, the app's and Asterisk's logs: dist/reports/)`,
      );
      continue;
    }
    figures.firstRing.push((ring1.sum - ring0.sum) * 1000);
    figures.connection.push((connect1.sum - connect0.sum) * 1000);
  }
  return figures;
}

function distribution(values: number[]): string {
  if (values.length === 0) return 'no value';
  const s = [...values].sort((a, b) => a - b);
  return `min ${s[0].toFixed(0)}, p50 ${percentile(s, 50).toFixed(0)}, p90 ${percentile(s, 90).toFixed(0)}, max ${s[s.length - 1].toFixed(0)} ms`;
}

// --- main ----------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  const { rows: [{ server_version: pgVersion }] } = await db.query(`SHOW server_version`);
  const loadBefore = load();
  log(`machine: ${machine([`PostgreSQL ${pgVersion}`])}`);
  log(`load average before the run (1, 5, 15 min): ${loadBefore}`);
  log(`app and bare route pinned to core 0 (taskset -c 0; the app's LOG_LEVEL=${process.env.LOG_LEVEL ?? 'info'}), autocannon on core 1, ${CONNECTIONS} connections`);

  const reports = join(ROOT, 'reports/bench-portal');
  mkdirSync(reports, { recursive: true });
  const appLog = join(reports, 'app.log');
  const withCalls = PARTS.includes('2');
  if (withCalls) {
    if (!existsSync(join(ASTERISK_ROOT, 'usr/sbin/asterisk'))) throw new Error(`no Asterisk chroot at ${ASTERISK_ROOT}: run 'npm run provision' first`);
    // The simulated network stands in for the public telephone network, which does not refuse
    // calls because this machine is busy: its copy here drops the tests' `maxload = 8`.
    const networkTemplate = join(reports, 'network-template');
    rmSync(networkTemplate, { recursive: true, force: true });
    cpSync(join(REPO, 'test/e2e/network'), networkTemplate, { recursive: true });
    const networkConf = join(networkTemplate, 'asterisk.conf');
    writeFileSync(networkConf, readFileSync(networkConf, 'utf8').replace(/^maxload\s*=.*$/m, '; maxload: none (bench/portal.ts)'));
    await Promise.all([
      startAsterisk('bench-service', join(REPO, 'asterisk-config/service'), {}, join(reports, 'asterisk-service.log')),
      startAsterisk('bench-network', networkTemplate, {
        SIP_PORT: String(PORTS.network),
        SIP_TRUNK_URI: `sip:127.0.0.1:${PORTS.sip}`,
        RTP_PORT_START: '31000',
        RTP_PORT_END: '31999',
        ARI_URL: `http://127.0.0.1:${PORTS.ari + 1}`,
      }, join(reports, 'asterisk-network.log')),
    ]);
  }
  await startApp(appLog);
  if (withCalls) await waitFor('/health to report ari up', async () => ((await (await fetch(`http://127.0.0.1:${PORTS.http}/health`)).json()) as { status: string }).status === 'ok', 30_000, 250);
  const health = await (await fetch(`http://127.0.0.1:${PORTS.http}/health`)).json();
  log(`app up, /health: ${JSON.stringify(health)}`);

  const { browser, childId, nationalNumber } = await parentWithActiveCascade(appLog);
  const url = `http://127.0.0.1:${PORTS.http}/api/v1/children/${childId}/cascade`;
  const cookie = `ap_session=${browser.cookies.get('ap_session')}`;
  const check = await fetch(url, { headers: { cookie } });
  if (check.status !== 200) throw new Error(`the read answered ${check.status}`);
  const appBody = await check.text();
  log(`parent signed in, child linked, cascade of 3 numbers active; the read: GET /api/v1/children/:id/cascade (${appBody.length} bytes of JSON)`);

  const results: ResultRow[] = [];
  if (PARTS.includes('1')) {
    // The ceiling answers the same JSON, byte for byte, or there is nothing to compare.
    await startBare(join(reports, 'bare.log'));
    const bareUrl = `http://127.0.0.1:${PORTS.bare}/api/v1/children/${childId}/cascade`;
    const bareCheck = await fetch(bareUrl, { headers: { cookie } });
    const bareBody = await bareCheck.text();
    if (bareCheck.status !== 200 || bareBody !== appBody) throw new Error(`the bare route does not answer the app's JSON (status ${bareCheck.status}):\napp:  ${appBody}\nbare: ${bareBody}`);
    const servers = { app: { url, pid: appPid }, bare: { url: bareUrl, pid: barePid } };
    const read = (server: keyof typeof servers, seconds: number) => loadRead(servers[server].url, cookie, { seconds, pid: servers[server].pid }).done;
    log(`\n1. "my cascade" read, full speed: the app against a bare Fastify route (same two statements with pg, same JSON), ${ROUNDS} rounds of ${SECONDS} s each, after ${WARMUP_SECONDS} s of warm-up each; load average before: ${load()}`);
    await read('app', WARMUP_SECONDS);
    await read('bare', WARMUP_SECONDS);
    const rounds: { app: LoadFigures; bare: LoadFigures }[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      // app, bare, then bare, app: a drift in the machine's load falls on both alike.
      const turn: Partial<Record<keyof typeof servers, LoadFigures>> = {};
      for (const server of round % 2 === 1 ? (['app', 'bare'] as const) : (['bare', 'app'] as const)) turn[server] = await read(server, SECONDS);
      rounds.push({ app: turn.app!, bare: turn.bare! });
      log(`   round ${round} (load ${load()}):`);
      log(`     app   ${describeLoad(turn.app!)}`);
      log(`     bare  ${describeLoad(turn.bare!)}`);
      log(`     app / bare: ${(turn.app!.rate / turn.bare!.rate).toFixed(2)} of the requests/s, ${(turn.app!.p95 / turn.bare!.p95).toFixed(2)} × the p95`);
    }
    const rateRatios = rounds.map((r) => r.app.rate / r.bare.rate);
    const errors = rounds.reduce((n, r) => n + r.app.bad + r.app.autocannon.non2xx + r.bare.bad + r.bare.autocannon.non2xx, 0);
    const med = (pick: (f: LoadFigures) => number, side: 'app' | 'bare') => median(rounds.map((r) => pick(r[side])));
    results.push(
      {
        measure: `"my cascade" read, ${CONNECTIONS} connections, one core`,
        figure: `${Math.round(med((f) => f.rate, 'app'))} requests/s`,
        ceiling: `bare Fastify route, same statements and JSON: ${Math.round(med((f) => f.rate, 'bare'))} requests/s`,
        ratio: ratioWithRounds(rateRatios),
        target: '≥ 0.5, no error',
        verdict: median(rateRatios) >= 0.5 && errors === 0 ? 'met' : 'missed',
      },
      {
        measure: 'its latency p95 (p50)',
        figure: `${med((f) => f.p95, 'app').toFixed(2)} ms (${med((f) => f.p50, 'app').toFixed(2)})`,
        ceiling: `bare route: ${med((f) => f.p95, 'bare').toFixed(2)} ms (${med((f) => f.p50, 'bare').toFixed(2)})`,
        ratio: ratioWithRounds(rounds.map((r) => r.app.p95 / r.bare.p95), ' ×'),
        target: '—',
        verdict: '',
      },
    );
    if (errors > 0) log(`   ${errors} errors or non-2xx answers`);
  }

  if (withCalls) {
    log(`\n2. the finder's call, ${CALLS} sequential calls (leg 1 answers and presses 1), portal idle, then under ${PORTAL_RATE} requests/s; load average before: ${load()}`);
    const idle = await calls(db, nationalNumber, CALLS);
    const loaded = loadRead(url, cookie, { overallRate: PORTAL_RATE });
    await sleep(2000); // the rate is steady before the first call
    log(`   (portal load started; load average: ${load()})`);
    const busy = await calls(db, nationalNumber, CALLS);
    loaded.instance.stop();
    const portal = await loaded.done;
    const row = (label: string, idleValues: number[], busyValues: number[]) => `   ${label.padEnd(36)} | ${distribution(idleValues).padEnd(46)} | ${distribution(busyValues)}`;
    log(`   ${''.padEnd(36)} | ${'portal idle'.padEnd(46)} | portal under ${PORTAL_RATE} requests/s`);
    log(row('last digit -> first leg ringing', idle.firstRing, busy.firstRing));
    log(row('last digit -> finder connected', idle.connection, busy.connection));
    log(`   per call, idle (ringing ms): ${idle.firstRing.map((v) => v.toFixed(0)).join(' ')}`);
    log(`   per call, busy (ringing ms): ${busy.firstRing.map((v) => v.toFixed(0)).join(' ')}`);
    log(`   portal during the calls: ${describeLoad(portal)}`);
    for (const failure of [...idle.failures, ...busy.failures]) log(`   FAILED ${failure}`);
    if (idle.failures.length + busy.failures.length > 0) process.exitCode = 1;
  }
  if (results.length > 0) {
    log(`\nresults (ratios: median of the rounds; machine: ${machine([`PostgreSQL ${pgVersion}`])}; load average before ${loadBefore}, after ${load()})\n`);
    printTable(results);
  }
  log(`\nload average after the run: ${load()}`);
  await db.end();
}

let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await stopEverything();
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(130));
process.on('SIGTERM', () => void shutdown(143));

main()
  .then(() => shutdown(Number(process.exitCode ?? 0)))
  .catch((error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    return shutdown(1);
  });

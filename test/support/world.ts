import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { randomNationalNumber } from './national-numbers';
import { CascadeStatus } from '../../apps/server/src/cascades/domain/cascade-status';
import { PgEnrolmentStore } from '../../apps/server/src/cascades/persistence/pg-enrolment-store';
import { AppConfig } from '../../apps/server/src/config/app-config';
import { Database } from '../../apps/server/src/database/database';
import type { Language } from '../../apps/server/src/languages';
import { createDataSource } from '../../apps/server/src/database/data-source';
import { Pseudonymizer } from '../../apps/server/src/privacy/pseudonymizer';
import { Encryptor } from '../../apps/server/src/privacy/encryptor';
import { CardSealer } from '../../apps/server/src/cards/domain/card-ingest';
import { startApp, waitForHealth } from './app';
import { AsteriskInstance } from './asterisk';
import { SimulatedNetwork } from './network';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { start, Started, waitFor } from './processes';
import { REPO_ROOT } from './repo-root';
import { TEST_PORTS, testConfig, testEnvironment, testInstanceName } from './test-config';

/** Short timers so the end-to-end tests run in seconds; production uses the defaults. */
export const E2E_TIMERS: Record<string, string> = {
  LEG_RING_TIMEOUT_SECONDS: '6',
  LEG_PROGRESS_TIMEOUT_SECONDS: '3',
  CONFIRM_WINDOW_SECONDS: '3',
  HOTLINE_RING_TIMEOUT_SECONDS: '10',
  LANGUAGE_CHOICE_TIMEOUT_SECONDS: '1',
  FIRST_DIGIT_TIMEOUT_SECONDS: '4',
  INTER_DIGIT_TIMEOUT_SECONDS: '2',
  HOLD_MESSAGE_INTERVAL_SECONDS: '5',
  SERVICE_NUMBERS: '3278150000:fr,3278150001:nl',
};

/**
 * A second node (its own Asterisk and app, the same PostgreSQL) beside the world's: the same
 * configuration on ports of its own (the two-node tests).
 */
export const SECOND_NODE: Record<string, string> = {
  ...E2E_TIMERS,
  SIP_PORT: String(TEST_PORTS.sip + 100),
  ARI_URL: `http://127.0.0.1:${TEST_PORTS.ari + 100}`,
  HTTP_PORT: String(TEST_PORTS.http + 100),
  METRICS_PORT: String(TEST_PORTS.operators + 100),
  RTP_PORT_START: String(TEST_PORTS.secondNodeRtpStart),
  RTP_PORT_END: String(TEST_PORTS.secondNodeRtpStart + 499),
};

/**
 * Everything a finder's call meets: the service's Asterisk, the simulated telephone network,
 * PostgreSQL with the migrations applied, and the app.
 */
export class World {
  readonly config: AppConfig;
  readonly env: Record<string, string>;
  readonly asterisk: AsteriskInstance;
  private appProcess: Started | undefined;
  readonly network: SimulatedNetwork;
  db!: DataSource;
  app: NestFastifyApplication | undefined;
  private enrolment!: PgEnrolmentStore;

  /**
   * options (the benchmarks): productionTimers leaves out E2E_TIMERS; serviceTemplate and
   * networkTemplate replace the two instances' configuration directories.
   */
  constructor(overrides: Record<string, string> = {}, options: { productionTimers?: boolean; serviceTemplate?: string; networkTemplate?: string } = {}) {
    const env = { ...(options.productionTimers ? {} : E2E_TIMERS), ...overrides };
    this.env = testEnvironment(env);
    // Its operators' listener on the fixed test port, in this process or as its own: one world at a time.
    this.config = testConfig({ METRICS_PORT: this.env.METRICS_PORT, ...env });
    this.asterisk = new AsteriskInstance(testInstanceName('service'), this.env, options.serviceTemplate);
    this.network = new SimulatedNetwork(undefined, options.networkTemplate);
  }

  /** appProcess: the built app as its own process (startAppProcess) instead of in this one. */
  async start(options: { appProcess?: boolean; appEnv?: Record<string, string> } = {}): Promise<void> {
    this.db = createDataSource(this.config.database.url);
    await this.db.initialize();
    const pseudonymizer = new Pseudonymizer(this.config.pseudonymKey);
    this.enrolment = new PgEnrolmentStore(new Database(this.db), pseudonymizer, new CardSealer(pseudonymizer, new Encryptor(this.config.encryption)));
    await Promise.all([this.asterisk.start(), this.network.start()]);
    if (options.appProcess) await this.startAppProcess(options.appEnv);
    else await this.startApp();
  }

  async startApp(): Promise<void> {
    this.app = await startApp(this.config);
    try {
      await waitForHealth(this.config, { status: 'ok' });
    } catch (error) {
      // Never leave an app behind that keeps reconnecting: it would take the Stasis app from the next suite's.
      await this.stopApp();
      throw error;
    }
  }

  async stopApp(): Promise<void> {
    await this.app?.close();
    this.app = undefined;
  }

  /** The app's operators' listener (/metrics, the API documentation), never its public HTTP_PORT. */
  get operatorsUrl(): string {
    return `http://${this.config.operatorsListener.host}:${this.config.operatorsListener.port}`;
  }

  /** The built app as its own process (dist/), for tests that kill it like a crash would. */
  async startAppProcess(extraEnv: Record<string, string> = {}): Promise<void> {
    this.appProcess = start('node', [join(REPO_ROOT, 'dist/apps/server/src/main.js')], { env: { ...process.env, ...this.env, ...extraEnv } });
    await waitForHealth(this.config, { status: 'ok' });
  }

  /** The app process's pid (startAppProcess), for its CPU time and memory. */
  appProcessId(): number | undefined {
    return this.appProcess?.child.pid;
  }

  /** Everything the app process has written (its JSON logs). */
  appOutput(): string {
    return this.appProcess?.output() ?? '';
  }

  /** The app process's resident memory in kB (Linux /proc), for tests that watch it stay flat. */
  appRssKb(): number {
    const pid = this.appProcess?.child.pid;
    if (pid === undefined) throw new Error('the app is not running as its own process');
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (!match) throw new Error(`no VmRSS for process ${pid}`);
    return Number(match[1]);
  }

  /** Whether the app process is still alive (it did not crash). */
  appProcessAlive(): boolean {
    return this.appProcess !== undefined && this.appProcess.child.exitCode === null && this.appProcess.child.signalCode === null;
  }

  /** SIGKILL: no shutdown hook runs, exactly like a crash. */
  async killAppProcess(): Promise<void> {
    if (!this.appProcess) return;
    this.appProcess.child.kill('SIGKILL');
    await this.appProcess.exited;
    this.appProcess = undefined;
  }

  /** Stops everything, Asterisk included even when stopping the app fails: nothing may hold the next suite's ports. */
  async stop(): Promise<void> {
    try {
      await this.killAppProcess();
      await this.stopApp();
    } finally {
      await Promise.all([this.asterisk.stop(), this.network.stop()]);
      await this.db?.destroy();
    }
  }

  /** A fresh, valid national number for each test, so tests never depend on each other. */
  nationalNumber(): string {
    return randomNationalNumber();
  }

  callerNumber(): string {
    return `3247${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  }

  async enrol(numbers: string[], options: { status?: CascadeStatus; issuedOn?: string; language?: Language; firstName?: string } = {}) {
    const nationalNumber = this.nationalNumber();
    const { cascadeId } = await this.enrolment.enrol({
      nationalNumber,
      issuedOn: options.issuedOn ?? new Date().toISOString().slice(0, 10),
      status: options.status ?? 'active',
      language: options.language ?? 'fr',
      numbers: numbers.map((e164) => ({ e164, country: 'BE' })),
      ...(options.firstName ? { child: { firstName: options.firstName, lastName: 'Peeters', contactCode: 'ABCD-EFGH-JKLM' } } : {}),
    });
    return { nationalNumber, cascadeId };
  }

  /** The call record of the latest call, once it has ended. */
  async lastCall(since: Date): Promise<{ id: string; outcome: string; language: string; connected_position: string | null; cascade_id: string | null; legs: { position: string; result: string }[] }> {
    return waitFor('the call record to be closed', async () => {
      const [call] = await this.db.query(
        `SELECT id, outcome, language, connected_position, cascade_id FROM call_records WHERE started_at >= $1 ORDER BY started_at DESC LIMIT 1`,
        [since],
      );
      if (!call?.outcome) return undefined;
      const legs = await this.db.query(`SELECT position, result FROM leg_records WHERE call_id = $1 ORDER BY started_at, ended_at`, [call.id]);
      return { ...call, legs };
    }, 30_000, 200);
  }
}

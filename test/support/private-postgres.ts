import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './processes';
import { TEST_PORT_OFFSET } from './test-config';

const BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
const ROOT = join(__dirname, '../..');

/**
 * A throwaway PostgreSQL cluster of its own (initdb in a temporary directory, its own port), for
 * tests that stop and start the database: the machine's shared cluster serves other tests and
 * must never be stopped. Trust authentication on 127.0.0.1 only; deleted by `destroy`.
 */
export class PrivatePostgres {
  readonly url: string;
  private readonly dir: string;

  /** port: 15432 by default (plus the tests' offset); a standby takes another. */
  constructor(
    readonly database = 'alloparents_faults',
    readonly port = 15432 + TEST_PORT_OFFSET,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'alloparents-pg-'));
    this.url = `postgres://alloparents:unused@127.0.0.1:${this.port}/${database}`;
  }

  /** initdb, start, create the database and apply the migrations (the built CLI, as npm test does). */
  async create(): Promise<void> {
    const { uid, gid } = postgresUser();
    chownSync(this.dir, uid, gid);
    await this.asPostgres(`${BIN}/initdb`, ['-D', this.data, '-U', 'alloparents', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
    await this.start();
    await this.asPostgres(`${BIN}/createdb`, ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'alloparents', this.database]);
    const migrated = await run('node', [join(ROOT, 'dist/apps/server/src/cli/migrate.js')], { env: { ...process.env, DATABASE_URL: this.url } }, 60_000);
    if (migrated.code !== 0) throw new Error(`migrations failed on the private cluster:\n${migrated.output}`);
  }

  /**
   * A streaming standby of `primary` (pg_basebackup -R), started; `synchronous`: the primary then
   * waits for it on every commit (what failover tools set up so that no committed row is lost).
   */
  async createStandbyOf(primary: PrivatePostgres, synchronous: boolean): Promise<void> {
    const { uid, gid } = postgresUser();
    chownSync(this.dir, uid, gid);
    await this.asPostgres(`${BIN}/pg_basebackup`, ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'alloparents', '-X', 'stream', '-c', 'fast', '-R', '-D', this.data]);
    await this.start();
    if (synchronous) {
      await primary.sql(`ALTER SYSTEM SET synchronous_standby_names = '*'`);
      await primary.sql(`SELECT pg_reload_conf()`);
    }
  }

  /** Makes this standby the primary (what a failover tool does), and waits until it accepts writes. */
  async promote(): Promise<void> {
    await this.asPostgres(`${BIN}/pg_ctl`, ['-D', this.data, '-w', '-t', '30', 'promote']);
  }

  /** The server dies at once, as in a crash (no shutdown checkpoint). */
  async kill(): Promise<void> {
    await this.asPostgres(`${BIN}/pg_ctl`, ['-D', this.data, '-m', 'immediate', '-w', '-t', '30', 'stop']);
  }

  /** One statement through psql, as the cluster's owner. */
  async sql(statement: string): Promise<void> {
    await this.asPostgres('/usr/bin/psql', ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'alloparents', '-d', this.database, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', statement]);
  }

  /** Another, empty database in this cluster (no migrations): its URL. */
  async createDatabase(name: string): Promise<string> {
    await this.asPostgres(`${BIN}/createdb`, ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'alloparents', name]);
    return `postgres://alloparents:unused@127.0.0.1:${this.port}/${name}`;
  }

  /** Starts the cluster and waits until it accepts connections. */
  async start(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off`;
    await this.asPostgres(`${BIN}/pg_ctl`, ['-D', this.data, '-l', join(this.dir, 'log'), '-o', options, '-w', '-t', '30', 'start']);
  }

  /** A fast shutdown: every session is ended at once, like a crashed or restarted server. */
  async stop(): Promise<void> {
    await this.asPostgres(`${BIN}/pg_ctl`, ['-D', this.data, '-m', 'fast', '-w', '-t', '30', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.asPostgres(`${BIN}/pg_ctl`, ['-D', this.data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  private async asPostgres(command: string, args: string[]): Promise<void> {
    const result = await run('runuser', ['-u', 'postgres', '--', command, ...args], { cwd: this.dir }, 60_000);
    if (result.code !== 0) throw new Error(`${command.split('/').pop()} ${args.at(-1)} failed (${result.code}):\n${result.output}`);
  }
}

function postgresUser(): { uid: number; gid: number } {
  return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
}

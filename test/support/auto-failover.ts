import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { run, start, Started, waitFor } from './processes';
import { TEST_PORTS, testInstanceName } from './test-config';

const BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL primary and standby kept by pg_auto_failover (Debian's postgresql-15-auto-failover):
 * a monitor and one keeper per node, run by the test in a temporary directory on their own ports
 * (TEST_PORTS.pgAutoFailover for the monitor, the next two for the nodes). The directory is named
 * after the tests' instance prefix, so that npm test can end what an interrupted run left. The monitor's
 * health checks are shortened so that a dead primary is failed over in seconds rather than the
 * production defaults' ~30 s (node_considered_unhealthy_timeout 20 s, then the demote timeout).
 */
export class AutoFailoverCluster {
  readonly monitorPort = TEST_PORTS.pgAutoFailover;
  readonly nodePorts = [TEST_PORTS.pgAutoFailover + 1, TEST_PORTS.pgAutoFailover + 2] as const;
  private readonly dir = mkdtempSync(join(tmpdir(), `alloparents-${testInstanceName('paf')}-`));
  private readonly keepers = new Map<string, Started>();

  constructor(readonly database = 'alloparents_failover') {}

  /** The URL the app is given: both nodes, the second first (finding the primary must not depend on the order). */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.nodePorts[1]},127.0.0.1:${this.nodePorts[0]}/${this.database}`;
  }

  nodeUrl(port: number, database = this.database): string {
    return `postgres://postgres@127.0.0.1:${port}/${database}`;
  }

  /** The monitor, then the first node (the primary), then the second (its synchronous standby). */
  async create(): Promise<void> {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(this.dir, uid, gid);
    await this.autoctl(['create', 'monitor', '--pgdata', this.data('monitor'), '--pgport', String(this.monitorPort), '--auth', 'trust', '--no-ssl', '--hostname', '127.0.0.1']);
    this.keep('monitor', ['run', '--pgdata', this.data('monitor')]);
    const monitor = `postgres://postgres@127.0.0.1:${this.monitorPort}/pg_auto_failover`;
    await waitFor('the pg_auto_failover monitor', async () => (await this.sql(monitor, 'SELECT 1')) !== undefined, 30_000, 200);
    for (const [setting, ms] of [
      ['health_check_period', 500],
      ['health_check_timeout', 500],
      ['health_check_max_retries', 1],
      ['health_check_retry_delay', 200],
      ['node_considered_unhealthy_timeout', 2000],
      ['primary_demote_timeout', 2000],
    ] as const) {
      if (!(await this.sql(monitor, `ALTER SYSTEM SET pgautofailover.${setting} = ${ms}`))) throw new Error(`could not set pgautofailover.${setting} on the monitor`);
    }
    await this.sql(monitor, 'SELECT pg_reload_conf()');
    const monitorUri = `postgres://autoctl_node@127.0.0.1:${this.monitorPort}/pg_auto_failover?sslmode=disable`;
    for (const [index, port] of this.nodePorts.entries()) {
      const name = `node${index + 1}`;
      this.keep(name, ['create', 'postgres', '--pgdata', this.data(name), '--pgport', String(port), '--dbname', this.database, '--auth', 'trust', '--no-ssl', '--hostname', '127.0.0.1', '--monitor', monitorUri, '--run']);
      // Alone, the first node is 'single'; once the second has caught up, they are primary and secondary.
      const role = index === 0 ? 'single' : 'secondary';
      const caughtUp = async () => {
        // The standby's base backup waits for a checkpoint of the primary, spread over minutes by
        // default: an explicit CHECKPOINT completes it at once.
        if (index > 0) await this.sql(this.nodeUrl(this.nodePorts[0], 'postgres'), 'CHECKPOINT');
        return (await this.state(port)) === role;
      };
      await waitFor(`${name} to be ${role}`, caughtUp, 90_000, 500).catch((error: Error) => {
        throw new Error(`${error.message}\n${this.keepers.get(name)?.output().slice(-3000)}`);
      });
    }
    await waitFor('node1 to be the primary', async () => (await this.state(this.nodePorts[0])) === 'primary', 30_000, 300);
  }

  /** Applies the migrations through the two-host URL (the built CLI, as npm test does). */
  async migrate(): Promise<void> {
    const migrated = await run('node', [join(__dirname, '../../dist/apps/server/src/cli/migrate.js')], { env: { ...process.env, DATABASE_URL: this.url } }, 60_000);
    if (migrated.code !== 0) throw new Error(`migrations failed:\n${migrated.output}`);
  }

  /** The node's role as the monitor assigned and the node reported it ('primary', 'secondary', 'wait_primary', ...). */
  async state(port: number): Promise<string | undefined> {
    const rows = await this.sql(`postgres://postgres@127.0.0.1:${this.monitorPort}/pg_auto_failover`, `SELECT reportedstate::text AS state FROM pgautofailover.node WHERE nodeport = ${port} AND reportedstate = goalstate`);
    return rows?.[0]?.state as string | undefined;
  }

  /** Whether the node is out of recovery (promoted), writable or not yet. */
  async isPromoted(port: number): Promise<boolean> {
    const rows = await this.sql(this.nodeUrl(port, 'postgres'), 'SELECT NOT pg_is_in_recovery() AS promoted');
    return rows?.[0]?.promoted === true;
  }

  /** The node dies at once, its keeper with it (a crashed machine): SIGKILL to both. */
  kill(port: number): void {
    const index = this.nodePorts.indexOf(port as (typeof this.nodePorts)[number]);
    const name = `node${index + 1}`;
    const keeper = this.keepers.get(name);
    if (keeper?.child.pid) process.kill(-keeper.child.pid, 'SIGKILL');
    const postmaster = Number(readFileSync(join(this.data(name), 'postmaster.pid'), 'utf8').split('\n')[0]);
    try {
      process.kill(postmaster, 'SIGKILL');
    } catch {
      // already gone with its keeper's process group
    }
  }

  async destroy(): Promise<void> {
    for (const keeper of this.keepers.values()) {
      if (keeper.child.pid && keeper.child.exitCode === null) {
        try {
          process.kill(-keeper.child.pid, 'SIGKILL');
        } catch {
          // already ended
        }
      }
    }
    // Postgres servers the keepers started: stopped by their data directories' postmaster.pid.
    for (const name of ['monitor', 'node1', 'node2']) {
      await run('runuser', ['-u', 'postgres', '--', `${BIN}/pg_ctl`, '-D', this.data(name), '-m', 'immediate', '-w', 'stop'], {}, 30_000);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private data(name: string): string {
    return join(this.dir, name);
  }

  /** pg_autoctl as the postgres user, with its configuration and state kept in the temporary directory. */
  private environment(): NodeJS.ProcessEnv {
    return { PATH: `${BIN}:/usr/bin:/bin`, HOME: this.dir, XDG_CONFIG_HOME: join(this.dir, 'config'), XDG_DATA_HOME: join(this.dir, 'share'), XDG_RUNTIME_DIR: join(this.dir, 'run') };
  }

  private async autoctl(args: string[]): Promise<void> {
    const result = await run('runuser', ['-u', 'postgres', '--', 'env', ...Object.entries(this.environment()).map(([k, v]) => `${k}=${v}`), 'pg_autoctl', ...args], { cwd: this.dir }, 90_000);
    if (result.code !== 0) throw new Error(`pg_autoctl ${args.slice(0, 2).join(' ')} failed (${result.code}):\n${result.output}`);
  }

  /** A long-running pg_autoctl in its own process group (killed as a whole). */
  private keep(name: string, args: string[]): void {
    const env = Object.entries(this.environment()).map(([k, v]) => `${k}=${v}`);
    this.keepers.set(name, start('runuser', ['-u', 'postgres', '--', 'env', ...env, 'pg_autoctl', ...args], { cwd: this.dir, detached: true }));
  }

  private async sql(url: string, statement: string): Promise<Record<string, unknown>[] | undefined> {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.query(statement)).rows;
    } catch {
      return undefined;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

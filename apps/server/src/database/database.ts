import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Client, type ClientBase, type Pool, type PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { clientFor } from './primary-locator';

/** A statement's rows and how many rows it affected (INSERT, UPDATE, DELETE) or returned. */
export interface Rows<T> {
  rows: T[];
  count: number;
}

/** What every store runs its statements on: the pool (Database) or one connection (Connection). */
export interface Queryable {
  /** One statement, parameters bound ($1, $2…). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Rows<T>>;
  /**
   * One statement as a named prepared statement: PostgreSQL parses and plans it once per
   * connection instead of at every call (the hot reads: planning costs more than running them,
   * see docs/performance.md). One name per text, across the whole app.
   */
  prepared<T = Record<string, unknown>>(name: string, text: string, params?: unknown[]): Promise<Rows<T>>;
}

/** An advisory lock's key: a number of our own ('allocard'…), or a text hashed by PostgreSQL. */
export type LockKey = bigint | string;

const lockArgument = (key: LockKey): { sql: string; value: string } =>
  typeof key === 'bigint' ? { sql: '$1::bigint', value: key.toString() } : { sql: 'hashtextextended($1, 0)', value: key };

const asRows = <T>(result: { rows: unknown[]; rowCount: number | null }): Rows<T> => ({ rows: result.rows as T[], count: result.rowCount ?? result.rows.length });

/** SQLSTATE of a failed statement (undefined when the failure is not PostgreSQL's answer). */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A unique constraint refused the statement (that constraint, when named). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  return sqlState(error) === '23505' && (constraint === undefined || (error as { constraint?: string }).constraint === constraint);
}

/** PostgreSQL aborted the statement to break a deadlock: nothing of it stays, it may simply run again. */
export const isDeadlock = (error: unknown): boolean => sqlState(error) === '40P01';

/**
 * One connection, held for work that needs the same session throughout: a transaction, temporary
 * tables, COPY, a session advisory lock, a session setting.
 */
export class Connection implements Queryable {
  constructor(private readonly client: ClientBase) {}

  async query<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<Rows<T>> {
    return asRows<T>(await this.client.query(text, params));
  }

  async prepared<T = Record<string, unknown>>(name: string, text: string, params: unknown[] = []): Promise<Rows<T>> {
    return asRows<T>(await this.client.query({ name, text, values: params }));
  }

  /** Runs `work` in a transaction on this connection: COMMIT on success, ROLLBACK on any error. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.client.query('BEGIN');
    try {
      const result = await work();
      await this.client.query('COMMIT');
      return result;
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** Waits for the advisory lock `key`, held until the end of the current transaction. */
  async lockForTransaction(key: LockKey): Promise<void> {
    const { sql, value } = lockArgument(key);
    await this.client.query(`SELECT pg_advisory_xact_lock(${sql})`, [value]);
  }

  /**
   * Runs `work` while this session holds the advisory lock `key`; resolves to `undefined` at once
   * when another session holds it.
   */
  async whileLocked<T>(key: LockKey, work: () => Promise<T>): Promise<T | undefined> {
    const { sql, value } = lockArgument(key);
    const { rows } = await this.client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${sql}) AS locked`, [value]);
    if (!rows[0].locked) return undefined;
    try {
      return await work();
    } finally {
      await this.client.query(`SELECT pg_advisory_unlock(${sql})`, [value]);
    }
  }

  /** COPY … FROM STDIN of `chunks` (already encoded in the statement's format), streamed. */
  async copyIn(sql: string, chunks: Iterable<Buffer>): Promise<void> {
    await pipeline(Readable.from(chunks), this.client.query(copyFrom(sql)));
  }
}

/** A connection of its own, outside the pool (a command's long job): `end()` closes it. */
export class DedicatedConnection extends Connection {
  private constructor(private readonly own: Client) {
    super(own);
  }

  static async open(url: string, applicationName: string): Promise<DedicatedConnection> {
    const client = clientFor(url, { application_name: applicationName });
    await client.connect();
    return new DedicatedConnection(client);
  }

  end(): Promise<void> {
    return this.own.end();
  }
}

/**
 * The one way the app talks to PostgreSQL: every store and job goes through it. It runs on the
 * pg pool of the TypeORM data source (database.module.ts: the connection settings, the start-up
 * that does not wait for PostgreSQL, the migrations), with pg's own calls: no ORM between a
 * statement and the database.
 */
export class Database implements Queryable {
  constructor(private readonly source: DataSource) {}

  /** The pool, once the data source has connected; until then every call fails (the call flow then takes the hotline). */
  private get pool(): Pool {
    const pool = this.source.isInitialized ? ((this.source.driver as PostgresDriver).master as Pool | undefined) : undefined;
    if (!pool) throw new Error('PostgreSQL is not connected');
    return pool;
  }

  async query<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<Rows<T>> {
    return asRows<T>(await this.pool.query(text, params));
  }

  async prepared<T = Record<string, unknown>>(name: string, text: string, params: unknown[] = []): Promise<Rows<T>> {
    return asRows<T>(await this.pool.query({ name, text, values: params }));
  }

  /** Lends one pooled connection to `work`, and takes it back (a connection that failed meanwhile is closed, not reused). */
  async connection<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
    const client: PoolClient = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      return await work(new Connection(client));
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  /** Runs `work` in a transaction on one pooled connection: COMMIT on success, ROLLBACK on any error. */
  transaction<T>(work: (tx: Connection) => Promise<T>): Promise<T> {
    return this.connection((connection) => connection.transaction(() => work(connection)));
  }

  /**
   * Runs `work` on one pooled connection holding the session advisory lock `key`, so that only one
   * instance does it at a time; resolves to `undefined` at once when another session holds it.
   */
  exclusively<T>(key: LockKey, work: (connection: Connection) => Promise<T>): Promise<T | undefined> {
    return this.connection((connection) => connection.whileLocked(key, () => work(connection)));
  }
}

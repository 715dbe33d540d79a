import type { Pool } from 'pg';
import { DataSource, QueryRunner } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** Rows and affected count, whatever the statement (TypeORM's raw result shape differs for UPDATE/DELETE). */
export async function sql<T = Record<string, unknown>>(runner: QueryRunner, text: string, params: unknown[] = []): Promise<{ rows: T[]; count: number }> {
  const result = await runner.query(text, params, true);
  const rows = (Array.isArray(result.records) ? result.records : []) as T[];
  return { rows, count: result.affected ?? rows.length };
}

/** One pooled connection for `work`; in a transaction when asked (COMMIT on success, ROLLBACK on error). */
export async function withRunner<T>(db: DataSource, work: (runner: QueryRunner) => Promise<T>, transaction = false): Promise<T> {
  const runner = db.createQueryRunner();
  try {
    if (!transaction) return await work(runner);
    await runner.startTransaction();
    try {
      const result = await work(runner);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  } finally {
    await runner.release();
  }
}

/** A single statement on its own connection. */
export function query<T = Record<string, unknown>>(db: DataSource, text: string, params: unknown[] = []): Promise<{ rows: T[]; count: number }> {
  return withRunner(db, (runner) => sql<T>(runner, text, params));
}

/**
 * A single statement as a named prepared statement, straight on TypeORM's pg pool: PostgreSQL
 * parses and plans it once per connection instead of at every call (the portal's per-request
 * reads: planning cost several times the execution, see docs/performance.md). One name per text.
 */
export async function preparedQuery<T = Record<string, unknown>>(db: DataSource, name: string, text: string, params: unknown[] = []): Promise<{ rows: T[]; count: number }> {
  const pool = (db.driver as PostgresDriver).master as Pool;
  const result = await pool.query({ name, text, values: params });
  return { rows: result.rows as T[], count: result.rowCount ?? result.rows.length };
}

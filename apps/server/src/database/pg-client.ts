import type { ClientBase } from 'pg';
import { DataSource } from 'typeorm';

/**
 * Lends one pooled pg client from TypeORM's pool, for work TypeORM cannot express (COPY,
 * temporary tables, session advisory locks) or that must hold one connection throughout.
 */
export async function withPgClient<T>(db: DataSource, work: (client: ClientBase) => Promise<T>): Promise<T> {
  const runner = db.createQueryRunner();
  try {
    const client = (await runner.connect()) as ClientBase;
    return await work(client);
  } finally {
    await runner.release();
  }
}

/**
 * Runs `work` on one pooled client while holding the session advisory lock `key`, so that only one
 * instance does it at a time; resolves to `undefined` at once when another session holds the lock.
 */
export async function withSessionLock<T>(db: DataSource, key: bigint, work: (client: ClientBase) => Promise<T>): Promise<T | undefined> {
  return withPgClient(db, async (client) => {
    const [{ locked }] = (await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock($1) AS locked`, [key.toString()])).rows;
    if (!locked) return undefined;
    try {
      return await work(client);
    } finally {
      await client.query(`SELECT pg_advisory_unlock($1)`, [key.toString()]);
    }
  });
}

/** Runs `work` in a transaction on `client`: COMMIT on success, ROLLBACK on any error. */
export async function inTransaction<T>(client: ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

import type { ClientBase } from 'pg';
import { Connection, isUniqueViolation } from './database';

/** A pg client that records the statements it is sent; `fail` makes the matching one reject. */
function fakeClient(options: { locked?: boolean; fail?: RegExp } = {}) {
  const sent: { text: string; values?: unknown[] }[] = [];
  const client = {
    query: async (textOrConfig: string | { text: string; values?: unknown[] }, values?: unknown[]) => {
      const statement = typeof textOrConfig === 'string' ? { text: textOrConfig, values } : textOrConfig;
      sent.push(statement);
      if (options.fail?.test(statement.text)) throw Object.assign(new Error('refused'), { code: '23505', constraint: 'uq_x' });
      if (/pg_try_advisory_lock/.test(statement.text)) return { rows: [{ locked: options.locked ?? true }], rowCount: 1 };
      return { rows: [], rowCount: 0 };
    },
  };
  return { connection: new Connection(client as unknown as ClientBase), sent: () => sent.map((s) => s.text) };
}

describe('a connection to PostgreSQL', () => {
  it('given work that succeeds, when run in a transaction, then it is committed', async () => {
    const { connection, sent } = fakeClient();
    await expect(connection.transaction(async () => (await connection.query('INSERT 1')).count)).resolves.toBe(0);
    expect(sent()).toEqual(['BEGIN', 'INSERT 1', 'COMMIT']);
  });

  it('given work that fails, when run in a transaction, then it is rolled back and the error goes on', async () => {
    const { connection, sent } = fakeClient({ fail: /INSERT/ });
    await expect(connection.transaction(() => connection.query('INSERT 1'))).rejects.toThrow('refused');
    expect(sent()).toEqual(['BEGIN', 'INSERT 1', 'ROLLBACK']);
  });

  it('given a lock another session holds, when work asks for it, then the work does not run', async () => {
    const { connection, sent } = fakeClient({ locked: false });
    const work = jest.fn();
    await expect(connection.whileLocked(7n, work)).resolves.toBeUndefined();
    expect(work).not.toHaveBeenCalled();
    expect(sent()).toEqual(['SELECT pg_try_advisory_lock($1::bigint) AS locked']);
  });

  it('given a free lock, when the work fails, then the lock is released all the same', async () => {
    const { connection, sent } = fakeClient({ fail: /DELETE/ });
    await expect(connection.whileLocked('job', () => connection.query('DELETE'))).rejects.toThrow('refused');
    expect(sent()).toEqual(['SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', 'DELETE', 'SELECT pg_advisory_unlock(hashtextextended($1, 0))']);
  });

  it('tells a unique constraint refusal by its constraint', async () => {
    const { connection } = fakeClient({ fail: /INSERT/ });
    const error = await connection.query('INSERT 1').catch((e: unknown) => e);
    expect([isUniqueViolation(error), isUniqueViolation(error, 'uq_x'), isUniqueViolation(error, 'uq_y'), isUniqueViolation(new Error('x'))]).toEqual([true, true, false, false]);
  });
});

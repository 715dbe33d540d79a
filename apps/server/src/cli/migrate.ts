// Usage: node migrate.js [--revert]   applies (or reverts the last) migrations on DATABASE_URL.
import { loadConfig } from '../config/app-config';
import { createDataSource } from '../database/data-source';
import { runCli } from './run-cli';

runCli(async () => {
  const config = loadConfig();
  const dataSource = createDataSource(config.database.url);
  try {
    await dataSource.initialize();
  } catch (error) {
    throw new Error(`cannot reach PostgreSQL with DATABASE_URL (${(error as Error).message}): run 'npm run provision'`);
  }
  try {
    if (process.argv.includes('--revert')) {
      await dataSource.undoLastMigration({ transaction: 'each' });
      process.stderr.write('reverted the last migration\n');
    } else {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      process.stderr.write(applied.length ? `applied ${applied.map((m) => m.name).join(', ')}\n` : 'database schema up to date\n');
    }
  } finally {
    await dataSource.destroy();
  }
});

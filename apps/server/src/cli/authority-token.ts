// Usage: npm run authority:token -- create NAME | revoke NAME-OR-ID | list
// Bearer tokens for the issuing authority's calls to POST /api/v1/authority/cards. A new token is
// printed once on stdout; only its hash is stored.
import { AuthorityTokens, TOKEN_NAME_PATTERN } from '../cards/domain/authority-tokens';
import { PgAuthorityTokenStore } from '../cards/persistence/pg-authority-token-store';
import { loadConfig } from '../config/app-config';
import { Database } from '../database/database';
import { createDataSource } from '../database/data-source';
import { runCli } from './run-cli';

const USAGE = 'usage: npm run authority:token -- create NAME | revoke NAME-OR-ID | list';

runCli(async () => {
  const [command, argument] = process.argv.slice(2);
  if (!['create', 'revoke', 'list'].includes(command ?? '') || (command !== 'list' && !argument)) throw new Error(USAGE);
  if (command === 'create' && !TOKEN_NAME_PATTERN.test(argument)) throw new Error('a token name is 1 to 64 letters, digits, dots, dashes or underscores');
  const db = createDataSource(loadConfig().database.url);
  try {
    await db.initialize();
  } catch (error) {
    throw new Error(`cannot reach PostgreSQL with DATABASE_URL (${(error as Error).message})`);
  }
  try {
    const tokens = new AuthorityTokens(new PgAuthorityTokenStore(new Database(db)));
    if (command === 'create') {
      const { id, token } = await tokens.issue(argument);
      process.stderr.write(`created token '${argument}' (id ${id}); it is shown once, store it in the authority's system:\n`);
      process.stdout.write(`${token}\n`);
    } else if (command === 'revoke') {
      const revoked = await tokens.revoke(argument);
      if (revoked === 0) throw new Error(`no live token named or with id '${argument}'`);
      process.stderr.write(`revoked ${revoked} token(s)\n`);
    } else {
      for (const t of await tokens.list()) {
        process.stdout.write(`${t.id}  ${t.name.padEnd(24)}  created ${t.createdAt.toISOString()}  last used ${t.lastUsedAt?.toISOString() ?? 'never'}  ${t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : 'live'}\n`);
      }
    }
  } finally {
    await db.destroy();
  }
});

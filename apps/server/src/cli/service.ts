// Usage: npm run service -- suspend|resume|status [--by NAME]   (docs/operations.md, docs/scaling.md)
// The service switch for every node at once: suspended, finders hear that the service is not
// operational and are put through to the hotline. Kept in PostgreSQL; each node's app mirrors it
// into its own Asterisk within a second. Each change is audited with --by (default: the system user).
import { userInfo } from 'node:os';
import { loadConfig } from '../config/app-config';
import { Database } from '../database/database';
import { createDataSource } from '../database/data-source';
import { ServiceModeError } from '../service-mode/domain/service-mode';
import { PgServiceSwitchStore } from '../service-mode/persistence/pg-service-switch-store';
import { ServiceSwitch } from '../service-mode/service-switch';
import { runCli } from './run-cli';

const USAGE = 'usage: npm run service -- suspend | resume | status  [--by NAME]';
const out = (text: string) => process.stdout.write(`${text}\n`);

runCli(async () => {
  const argv = process.argv.slice(2);
  let by = userInfo().username;
  const words: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--by') {
      if (argv[i + 1] === undefined) throw new ServiceModeError(`--by needs a value: ${USAGE}`);
      by = argv[(i += 1)];
    } else if (argv[i].startsWith('--')) {
      throw new ServiceModeError(`unknown option ${argv[i]}: ${USAGE}`);
    } else {
      words.push(argv[i]);
    }
  }
  const [command, ...rest] = words;
  if (!command || rest.length > 0 || !['suspend', 'resume', 'status'].includes(command)) throw new ServiceModeError(USAGE);
  const config = loadConfig();
  const source = createDataSource(config.database.url);
  try {
    await source.initialize();
  } catch (error) {
    throw new Error(`cannot reach PostgreSQL with DATABASE_URL (${(error as Error).message})`);
  }
  try {
    const service = new ServiceSwitch(new PgServiceSwitchStore(new Database(source)));
    if (command === 'status') {
      const state = await service.status();
      out(`service ${state.mode} (set by ${state.changedBy} at ${state.changedAt.toISOString()})`);
      return;
    }
    const mode = command === 'suspend' ? 'suspended' : 'normal';
    const done = await service.change(mode, by);
    if (!done.changed) out(`the service was already ${mode}: nothing changed`);
    else if (mode === 'suspended') out('service suspended on every node: finders hear that the service is not operational and are put through to the hotline');
    else out('service resumed on every node: finders are handled normally');
  } finally {
    await source.destroy();
  }
});

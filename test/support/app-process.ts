import { join } from 'node:path';
import { freePort } from './ports';
import { start, Started, waitFor } from './processes';
import { REPO_ROOT } from './repo-root';
import { testEnvironment } from './test-config';
import { World } from './world';

/**
 * Within a describe: the app runs as its own process (which a test may kill, as a crash would),
 * then in-process again for the tests after it.
 */
export function withAppAsOwnProcess(world: World): void {
  beforeAll(async () => {
    await world.stopApp();
    await world.startAppProcess();
  });
  afterAll(async () => {
    await world.killAppProcess();
    await world.startApp();
  });
}

/** The built app as its own process on ports of its own, beside others (portal tests: no Asterisk needed). */
export interface PortalProcess {
  readonly port: number;
  /** Everything this run of the process has written (its JSON logs), since its last (re)start. */
  output(): string;
  /** SIGKILL, as a crash, then the same command again on the same ports; resolves when it answers. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts dist/apps/server/src/main.js with the test environment plus `overrides`, on a free
 * HTTP_PORT and METRICS_PORT, and waits until its portal answers (generous: the machine is shared).
 */
export async function startPortalProcess(overrides: Record<string, string> = {}): Promise<PortalProcess> {
  const port = await freePort();
  const env = { ...process.env, ...testEnvironment({ HTTP_PORT: String(port), METRICS_PORT: String(await freePort()), ...overrides }) };
  let current: Started;
  const launch = async () => {
    current = start('node', [join(REPO_ROOT, 'dist/apps/server/src/main.js')], { env });
    await waitFor(`the app process on port ${port}`, async () => {
      if (current.child.exitCode !== null) throw new Error(`the app process ended:\n${current.output()}`);
      return (await fetch(`http://127.0.0.1:${port}/api/v1/auth/csrf`)).status === 200;
    }, 90_000, 250);
  };
  const kill = async () => {
    if (current.child.exitCode === null && current.child.signalCode === null) {
      current.child.kill('SIGKILL');
      await current.exited;
    }
  };
  await launch();
  return {
    port,
    output: () => current.output(),
    restart: async () => {
      await kill();
      await launch();
    },
    stop: kill,
  };
}

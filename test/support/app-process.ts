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

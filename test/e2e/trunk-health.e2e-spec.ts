import { health, waitForHealth } from '../support/app';
import { World } from '../support/world';

jest.setTimeout(90_000);

/** Asterisk pings the trunk every second here (production: SIP_TRUNK_QUALIFY_SECONDS, 30). */
const QUALIFY_SECONDS = 1;

describe('GET /health reports the trunk as Asterisk\'s qualify sees it (real Asterisk, simulated network as the trunk)', () => {
  const world = new World({ SIP_TRUNK_QUALIFY_SECONDS: String(QUALIFY_SECONDS) });

  beforeAll(async () => {
    await world.start();
  });

  afterAll(async () => {
    await world.stop();
  });

  it('given the network answers the pings, then the trunk is reachable; when the network stops, then it is unreachable and /health still answers 200; when it is back, reachable again; and nothing was dialled', async () => {
    world.network.takeLog();
    await waitForHealth(world.config, { status: 'ok', trunk: 'reachable' }, 20_000);
    const metrics = async () => (await fetch(`${world.operatorsUrl}/metrics`)).text();
    expect(await metrics()).toMatch(/^alloparents_trunk_reachable 1$/m);

    expect(world.network.takeLog()).toEqual([]);
    await world.network.stop();
    await waitForHealth(world.config, { trunk: 'unreachable' }, 20_000);
    const down = await health(world.config);
    expect(down.status).toBe(200);
    expect(down.body).toEqual({ status: 'ok', ari: 'up', database: 'up', trunk: 'unreachable' });
    expect(await metrics()).toMatch(/^alloparents_trunk_reachable 0$/m);

    await world.network.start();
    await waitForHealth(world.config, { status: 'ok', trunk: 'reachable' }, 20_000);
    // Pings only: no call reached the network (its dialplan logs every one).
    expect(world.network.takeLog()).toEqual([]);
  });
});

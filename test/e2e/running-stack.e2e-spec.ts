import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Metrics } from '../../apps/server/src/metrics/metrics';
import { startApp, health, waitForHealth } from '../support/app';
import { AsteriskInstance } from '../support/asterisk';
import { expectSippPassed, sippCall } from '../support/sipp';
import { testConfig, testEnvironment, testInstanceName } from '../support/test-config';

jest.setTimeout(90_000);

describe('the running stack: real Asterisk, real PostgreSQL, the app over ARI', () => {
  const config = testConfig();
  const asterisk = new AsteriskInstance(testInstanceName('stack'), testEnvironment());
  let app: NestFastifyApplication;

  beforeAll(async () => {
    await asterisk.start();
    app = await startApp(config);
    await waitForHealth(config, { ari: 'up', database: 'up' });
  });

  afterAll(async () => {
    await app?.close();
    await asterisk.stop();
  });

  it('given Asterisk and PostgreSQL are up (and no pings of the trunk), then GET /health answers 200 with both up and the trunk unqualified', async () => {
    const { status, body } = await health(config);
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ok', ari: 'up', database: 'up', trunk: 'unqualified' });
  });

  it('given the app is connected, when a finder calls the service number, then the call reaches the app in Stasis and the app answers it (and, the caller ID being withheld, hangs up)', async () => {
    const metrics = app.get(Metrics);
    const before = (await metrics.callsStarted.get()).values[0]?.value ?? 0;
    const call = await sippCall({ scenario: 'uac-expect-answer-then-bye.xml', caller: 'anonymous', timeoutSeconds: 20 });
    expectSippPassed(call);
    expect((await metrics.callsStarted.get()).values[0]?.value).toBe(before + 1);
  });

  it('when Asterisk goes away, then /health answers 503 naming ARI, and when it is back the app re-registers by itself', async () => {
    await asterisk.stop();
    const down = await waitForHealth(config, { ari: 'down' }, 15_000);
    expect(down).toMatchObject({ status: 'error', down: ['ari'] });
    expect((await health(config)).status).toBe(503);

    await asterisk.start();
    await waitForHealth(config, { status: 'ok', ari: 'up' }, 30_000);
    const call = await sippCall({ scenario: 'uac-expect-answer-then-bye.xml', caller: 'anonymous', timeoutSeconds: 20 });
    expectSippPassed(call);
  });
});

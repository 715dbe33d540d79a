import { join } from 'node:path';
import { AsteriskInstance } from '../support/asterisk';
import { waitForHealth } from '../support/app';
import { finderScenario } from '../support/finder-scenario';
import { PHONES } from '../support/network';
import { start, Started, waitFor } from '../support/processes';
import { REPO_ROOT } from '../support/repo-root';
import { runService } from '../support/service-command';
import { endLeftoverCalls, expectSippPassed, sippCall } from '../support/sipp';
import { TEST_PORTS, testConfig, testEnvironment, testInstanceName } from '../support/test-config';
import { SECOND_NODE, World } from '../support/world';

jest.setTimeout(120_000);

describe('the service switch shared through PostgreSQL (real Asterisk, the app, SIPp finder)', () => {
  const world = new World();
  const asteriskMode = async () => /ALLOPARENTS_MODE=(\w+)/.exec((await world.asterisk.cli('dialplan show globals')).output)?.[1];
  const storedSwitch = async () => (await world.db.query(`SELECT mode, changed_by FROM service_switch`))[0] as { mode: string; changed_by: string };

  beforeAll(() => world.start());
  afterAll(async () => {
    await world.db?.query(`UPDATE service_switch SET mode = 'normal', changed_by = 'test'`);
    await world.stop();
  });
  beforeEach(() => world.network.takeLog());
  afterEach(() => endLeftoverCalls());

  it('given `npm run service -- suspend`, then the node\'s Asterisk is suspended by the app and a finder hears so and reaches the hotline; `resume` undoes it', async () => {
    expect((await runService(['suspend', '--by', 'e2e-operator'])).code).toBe(0);
    try {
      await waitFor('the app to mirror the suspension into Asterisk', async () => (await asteriskMode()) === 'suspended', 10_000);
      const since = new Date();
      const scenario = finderScenario('uac-service-cli-suspended-expect-hotline', { steps: [{ pause: 10_000 }, { hangUp: true }] });
      const call = await sippCall({ scenario, caller: world.callerNumber() });
      expectSippPassed(call);
      expect((await world.lastCall(since)).outcome).toBe('connected-hotline');
      expect(world.network.takeLog().filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.hotline]);
    } finally {
      expect((await runService(['resume', '--by', 'e2e-operator'])).code).toBe(0);
    }
    await waitFor('the app to mirror the resumption', async () => (await asteriskMode()) === 'normal', 10_000);
  });

  it('given an operator suspends in the Asterisk CLI, then PostgreSQL holds it (by asterisk-cli@ this node) and `status` says so; `normal` in the CLI resumes it there too', async () => {
    await world.asterisk.cli('dialplan set global ALLOPARENTS_MODE suspended');
    try {
      await waitFor('the CLI change stored', async () => (await storedSwitch()).mode === 'suspended', 10_000);
      expect((await storedSwitch()).changed_by).toMatch(/^asterisk-cli@/);
      expect((await runService(['status'])).stdout).toMatch(/^service suspended \(set by asterisk-cli@/);
    } finally {
      await world.asterisk.cli('dialplan set global ALLOPARENTS_MODE normal');
    }
    await waitFor('the CLI resumption stored', async () => (await storedSwitch()).mode === 'normal', 10_000);
  });

  describe('with a second node (its own Asterisk and app, the same PostgreSQL)', () => {
    // Node B: the same configuration on ports of its own (node A is the world's).
    const nodeB = SECOND_NODE;
    const envB = testEnvironment(nodeB);
    const asteriskB = new AsteriskInstance(testInstanceName('service-b'), envB);
    let appB: Started | undefined;
    const modeOf = async (asterisk: AsteriskInstance) => /ALLOPARENTS_MODE=(\w+)/.exec((await asterisk.cli('dialplan show globals')).output)?.[1];

    beforeAll(async () => {
      await asteriskB.start();
      appB = start('node', [join(REPO_ROOT, 'dist/apps/server/src/main.js')], { env: { ...process.env, ...envB } });
      await waitForHealth(testConfig(nodeB), { status: 'ok' });
    });
    afterAll(async () => {
      appB?.child.kill('SIGTERM');
      await appB?.exited;
      await asteriskB.stop();
    });

    it('given an operator suspends in node A\'s Asterisk CLI, then node B\'s Asterisk follows and finders on both nodes hear the suspended message and reach the hotline', async () => {
      await world.asterisk.cli('dialplan set global ALLOPARENTS_MODE suspended');
      const started = Date.now();
      try {
        await waitFor('node B suspended', async () => (await modeOf(asteriskB)) === 'suspended', 10_000);
        process.stdout.write(`service switch: a suspension typed in node A's CLI reached node B's Asterisk in ${Date.now() - started} ms\n`);
        for (const sipPort of [TEST_PORTS.sip, TEST_PORTS.sip + 100]) {
          const since = new Date();
          const scenario = finderScenario('uac-suspended-any-node-expect-hotline', { steps: [{ pause: 10_000 }, { hangUp: true }] });
          const call = await sippCall({ scenario, caller: world.callerNumber(), sipPort });
          expectSippPassed(call);
          expect((await world.lastCall(since)).outcome).toBe('connected-hotline');
          expect(world.network.takeLog().filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.hotline]);
        }
      } finally {
        await world.asterisk.cli('dialplan set global ALLOPARENTS_MODE normal');
      }
      await waitFor('node B resumed', async () => (await modeOf(asteriskB)) === 'normal', 10_000);
    });
  });

  it('given the service suspended while the app is down, when the app starts, then its Asterisk holds the suspension by the time the app answers', async () => {
    await world.stopApp();
    try {
      expect((await runService(['suspend', '--by', 'e2e-operator'])).code).toBe(0);
      expect(await asteriskMode()).toBe('normal');
    } finally {
      await world.startApp();
    }
    try {
      expect(await asteriskMode()).toBe('suspended');
    } finally {
      expect((await runService(['resume', '--by', 'e2e-operator'])).code).toBe(0);
    }
    await waitFor('the resumption mirrored', async () => (await asteriskMode()) === 'normal', 10_000);
  });
});

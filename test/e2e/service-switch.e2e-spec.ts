import { finderScenario } from '../support/finder-scenario';
import { PHONES } from '../support/network';
import { waitFor } from '../support/processes';
import { runService } from '../support/service-command';
import { endLeftoverCalls, expectSippPassed, sippCall } from '../support/sipp';
import { World } from '../support/world';

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

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { finderScenario, typeNumber } from '../support/finder-scenario';
import { PHONES } from '../support/network';
import { endLeftoverCalls, expectSippPassed, sippCall } from '../support/sipp';
import { World } from '../support/world';

jest.setTimeout(120_000);

const ASTERISK_ROOT = process.env.ASTERISK_ROOT ?? join(process.env.ALLOPARENTS_CACHE ?? '/var/cache/alloparents', 'asterisk-root');

/** Every log the service wrote: the app's (its own process), Asterisk's console and its log files. */
function serviceLogs(world: World): string {
  const logDir = join(ASTERISK_ROOT, 'srv/alloparents', world.asterisk.name, 'log');
  const files = ['messages.log', 'security.log'].map((f) => join(logDir, f)).filter((f) => existsSync(f));
  return [world.appOutput(), world.asterisk.output(), ...files.map((f) => readFileSync(f, 'utf8'))].join('\n');
}

describe('personal data never reaches the service\'s logs (real Asterisk, the app as its own process, SIPp finders)', () => {
  const world = new World();

  beforeAll(() => world.start({ appProcess: true }));
  afterAll(() => world.stop());
  afterEach(() => endLeftoverCalls());

  it('given a finder put through to a parent after a busy number, and another who types a number with no cascade, then neither national number nor any phone or caller number is in the app\'s or Asterisk\'s logs, while the calls are', async () => {
    const { nationalNumber } = await world.enrol([PHONES.busy, PHONES.person]);
    const unknown = world.nationalNumber();
    const callers = [world.callerNumber(), world.callerNumber()];
    const since = new Date();
    const connected = finderScenario('uac-privacy-connected', { steps: [...typeNumber(nationalNumber), { pause: 16_000 }, { hangUp: true }] });
    expectSippPassed(await sippCall({ scenario: connected, caller: callers[0] }));
    const record = await world.lastCall(since);
    expect(record).toMatchObject({ outcome: 'connected-parent', connected_position: '2' });
    const hotline = finderScenario('uac-privacy-unknown', { steps: [...typeNumber(unknown), { pause: 7_000 }, { hangUp: true }] });
    expectSippPassed(await sippCall({ scenario: hotline, caller: callers[1] }));

    const logs = serviceLogs(world);
    // The logs are there and name the calls by their ids.
    expect(logs).toContain(record.id);
    const secrets = [nationalNumber, unknown, ...callers, ...[PHONES.busy, PHONES.person].map((n) => n.replace(/^\+/, ''))];
    expect(secrets.filter((secret) => logs.includes(secret))).toEqual([]);
    // Nor in the national form a trunk may use (0 and the number without the country code).
    expect([PHONES.busy, PHONES.person].map((n) => `0${n.slice(3)}`).filter((national) => logs.includes(national))).toEqual([]);
  });
});

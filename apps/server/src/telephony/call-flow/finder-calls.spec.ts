import { CallRecords } from '../../calls/call-records';
import { makeNationalNumber } from '../../cascades/domain/national-number';
import { FinderLookupResult } from '../../cascades/domain/finder-lookup';
import { defaultCallFlowConfig } from '../../config/app-config';
import { FakeClock, flush } from '../../../../../test/support/fake-clock';
import { ari, FakeStasisAdapter } from '../runtime/stasis-adapter.fake';
import { StasisRouter } from '../runtime/stasis-router';
import { FinderCalls } from './finder-calls';
import { CallEvent } from './types';

const NATIONAL_NUMBER = makeNationalNumber('170730', '033', true);
const FINDER = 'finder-ch';
const found = (...numbers: string[]): FinderLookupResult => ({ kind: 'found', cascadeId: 'k', language: 'fr', childFirstName: null, legs: numbers.map((number, i) => ({ position: i + 1, number })) });

/** The finder's kind on a router fed by a fake ARI event stream; `events` is what its calls' machines were sent. */
function setUp(lookUp: () => Promise<FinderLookupResult> = async () => found('+32470000001', '+32470000002')) {
  const adapter = new FakeStasisAdapter();
  const router = new StasisRouter(adapter);
  router.onModuleInit();
  const base = defaultCallFlowConfig();
  const config = { ...base, service: { ...base.service, numbers: { '3278150000': 'fr' as const, '3278150001': 'nl' as const } } };
  const events: CallEvent[] = [];
  const started: string[] = [];
  const records: CallRecords = { callStarted: async (callId) => void started.push(callId), legEnded: async () => undefined, callEnded: async () => undefined };
  const calls = new FinderCalls({
    config,
    router,
    control: adapter.control,
    lookup: { lookUp },
    records,
    childName: { prepare: async () => null, release: async () => undefined },
    clock: new FakeClock(),
    log: { info: () => undefined, warn: () => undefined },
    observers: [{ transition: ({ event }) => events.push(event) }],
  });
  const control = adapter.control;
  return { adapter, router, calls, control, events, started };
}

/** A finder calls the French number, picks French during the greeting and types the number: leg 1 is dialled. */
async function untilLegOne({ adapter, control }: ReturnType<typeof setUp>): Promise<string> {
  adapter.emit(ari.stasisStart(FINDER, ['finder', '3278150000', 'allowed', 'normal'], { caller: { number: '+32470999000', name: '' } }));
  await flush();
  adapter.emit(ari.dtmf(FINDER, '1'));
  for (const digit of NATIONAL_NUMBER) adapter.emit(ari.dtmf(FINDER, digit));
  await flush();
  await flush();
  return control.legs[0].channelId;
}

const ofType = (events: CallEvent[], type: CallEvent['type']) => events.filter((e) => e.type === type);

describe('the finder\'s calls on the Stasis router (a fake ARI event stream)', () => {
  it('given a channel entering Stasis as a finder, then a call starts in the language of the number dialled, and is recorded', async () => {
    const world = setUp();
    world.adapter.emit(ari.stasisStart(FINDER, ['finder', '3278150001', 'allowed', 'normal'], { caller: { number: '+32 470 99 90 00', name: '' } }));
    await flush();
    expect(world.events[0]).toEqual({ type: 'FinderArrived', callerNumber: '+32470999000', presentationRestricted: false, language: 'nl', suspended: false });
    expect(world.control.calls).toContain(`answer ${FINDER}`);
    expect(world.control.calls.some((c) => c.startsWith(`play ${FINDER} sound:alloparents/nl/greeting`))).toBe(true);
    expect(world.started).toHaveLength(1);
    expect(world.calls.activeCalls).toBe(1);
  });

  it('given the Stasis arguments of a withheld number or a suspended service, then the call is told so', async () => {
    const world = setUp();
    world.adapter.emit(ari.stasisStart('ch-a', ['finder', '3278150000', 'prohib_not_screened', 'suspended']));
    await flush();
    expect(world.events[0]).toMatchObject({ type: 'FinderArrived', callerNumber: null, presentationRestricted: true, language: 'fr', suspended: true });
  });

  it('given the finder\'s keys and the end of the finder\'s own playbacks, then they reach the finder\'s call, and the number typed dials leg 1', async () => {
    const world = setUp();
    const legChannel = await untilLegOne(world);
    expect(ofType(world.events, 'FinderDtmf')).toHaveLength(12);
    expect(world.control.legs.map((l) => [l.kind, l.number])).toEqual([['parent', '+32470000001']]);
    expect(legChannel).toMatch(/-leg-1$/);
    const playbackId = world.control.playbackIds.at(-1)!;
    world.adapter.emit(ari.playbackFinished(playbackId));
    await flush();
    expect(ofType(world.events, 'PlaybackFinished')).toEqual([{ type: 'PlaybackFinished', playbackId }]);
  });

  it('given leg 1 rings, then its ringing reaches the call once however often Asterisk says so', async () => {
    const world = setUp();
    const leg = await untilLegOne(world);
    world.adapter.emit(ari.ringing(leg));
    world.adapter.emit(ari.ringing(leg));
    await flush();
    expect(ofType(world.events, 'LegRinging')).toHaveLength(1);
  });

  it('given a network that signals 183 Session Progress and never 180, then the dial\'s progress counts as ringing, once; the dial\'s start does not', async () => {
    const world = setUp();
    const leg = await untilLegOne(world);
    world.adapter.emit(ari.dial(leg, ''));
    await flush();
    expect(ofType(world.events, 'LegRinging')).toHaveLength(0);
    world.adapter.emit(ari.dial(leg, 'PROGRESS'));
    world.adapter.emit(ari.dial(leg, 'RINGING'));
    world.adapter.emit(ari.ringing(leg));
    await flush();
    expect(ofType(world.events, 'LegRinging')).toEqual([{ type: 'LegRinging', legId: world.control.legs[0].legId }]);
  });

  it('given leg 1 is picked up, then the call hears it once, before Asterisk\'s screening hands the leg over', async () => {
    const world = setUp();
    const leg = await untilLegOne(world);
    const legId = world.control.legs[0].legId;
    world.adapter.emit(ari.channelState(leg, 'Up'));
    world.adapter.emit(ari.dial(leg, 'ANSWER'));
    await flush();
    expect(ofType(world.events, 'LegPickedUp')).toEqual([{ type: 'LegPickedUp', legId }]);
    world.adapter.emit(ari.stasisStart(leg, ['leg', legId, 'HUMAN']));
    await flush();
    expect(ofType(world.events, 'LegAnswered')).toEqual([{ type: 'LegAnswered', legId, machineDetected: false }]);
    expect(ofType(world.events, 'LegPickedUp')).toHaveLength(1);
  });

  it('given leg 1 enters Stasis as a leg with the AMD verdict MACHINE, then the call hears that a machine answered it', async () => {
    const world = setUp();
    const leg = await untilLegOne(world);
    const legId = world.control.legs[0].legId;
    world.adapter.emit(ari.stasisStart(leg, ['leg', legId, 'MACHINE']));
    await flush();
    expect(ofType(world.events, 'LegAnswered')).toEqual([{ type: 'LegAnswered', legId, machineDetected: true }]);
  });

  it('given leg 1 is destroyed busy before an answer, then the call hears busy (its StasisEnd, which an unanswered leg never had, changes nothing)', async () => {
    const world = setUp();
    const leg = await untilLegOne(world);
    const legId = world.control.legs[0].legId;
    world.adapter.emit(ari.stasisEnd(leg));
    world.adapter.emit(ari.destroyed(leg, 17));
    world.adapter.emit(ari.destroyed(leg, 17));
    await flush();
    expect(ofType(world.events, 'LegFailed')).toEqual([{ type: 'LegFailed', legId, reason: 'busy' }]);
    expect(world.control.legs.map((l) => l.number)).toEqual(['+32470000001', '+32470000002']);
  });

  it('given an answered leg leaves Stasis, then the call hears that the parent hung up', async () => {
    const world = setUp();
    const leg = await untilLegOne(world);
    const legId = world.control.legs[0].legId;
    world.adapter.emit(ari.stasisStart(leg, ['leg', legId, 'HUMAN']));
    world.adapter.emit(ari.dtmf(leg, '5'));
    world.adapter.emit(ari.stasisEnd(leg));
    await flush();
    expect(ofType(world.events, 'LegDtmf')).toEqual([{ type: 'LegDtmf', legId, digit: '5' }]);
    expect(ofType(world.events, 'LegHungUp')).toEqual([{ type: 'LegHungUp', legId }]);
  });

  it('given a leg enters Stasis that no call of this process dialled, or with another leg\'s id, then it is hung up', async () => {
    const world = setUp();
    const leg = await untilLegOne(world);
    world.adapter.emit(ari.stasisStart('stray-ch', ['leg', 'gone-call:leg:1', 'HUMAN']));
    world.adapter.emit(ari.stasisStart(leg, ['leg', 'another:leg:2', 'HUMAN']));
    await flush();
    expect(world.control.calls).toEqual(expect.arrayContaining(['hangup stray-ch', `hangup ${leg}`]));
    expect(ofType(world.events, 'LegAnswered')).toEqual([]);
  });

  it('given the finder hangs up, then the call hears it once and its ringing leg is hung up', async () => {
    const world = setUp();
    const leg = await untilLegOne(world);
    world.adapter.emit(ari.stasisEnd(FINDER));
    world.adapter.emit(ari.destroyed(FINDER, 16));
    await flush();
    expect(ofType(world.events, 'FinderHungUp')).toHaveLength(1);
    expect(world.control.calls).toContain(`hangup ${leg}`);
    expect(world.calls.activeCalls).toBe(0);
  });

  it('given the process stops while a finder waits, then the finder goes to the hotline fallback, the ringing leg is hung up, and the call takes no more events', async () => {
    const world = setUp();
    const leg = await untilLegOne(world);
    await world.router.beforeApplicationShutdown();
    expect(world.control.calls.slice(-2)).toEqual([`sendToHotlineFallback ${FINDER}`, `hangup ${leg}`]);
    const before = world.events.length;
    world.adapter.emit(ari.ringing(leg));
    await flush();
    expect(world.events).toHaveLength(before);
  });

  it('given orphans after a reconnection, then a finder goes to the hotline fallback and a leg is hung up', async () => {
    const world = setUp();
    await world.calls.orphaned({ id: 'old-finder', args: ['finder', '3278150000'] });
    await world.calls.orphaned({ id: 'old-leg', args: ['leg', 'old:leg:1', 'HUMAN'] });
    expect(world.control.calls).toEqual(['sendToHotlineFallback old-finder', 'hangup old-leg']);
  });
});

import { CallRecords } from '../../calls/call-records';
import { makeNationalNumber } from '../../cascades/domain/national-number';
import { FinderLookupResult } from '../../cascades/domain/finder-lookup';
import { FakeCallControl } from '../call-control.fake';
import { FakeClock, flush } from '../../../../../test/support/fake-clock';
import { CHILD_NAME_WAIT_MS, CallSession, CallSessionDeps } from './call-session';
import { defaultCallFlowConfig } from '../../config/app-config';
import { flowSettingsFrom } from './flow-settings';

const records: CallRecords = { callStarted: async () => undefined, legEnded: async () => undefined, callEnded: async () => undefined };
const NATIONAL_NUMBER = makeNationalNumber('170730', '033', true);

function session(lookUp: () => Promise<FinderLookupResult>, childName?: CallSessionDeps['childName']) {
  const control = new FakeCallControl();
  const clock = new FakeClock();
  const warnings: string[] = [];
  const s = new CallSession('call-1', 'finder-ch', {
    control,
    lookUp,
    records,
    settings: { ...flowSettingsFrom(defaultCallFlowConfig()), serviceNumber: '3278150000' },
    clock,
    log: { info: () => undefined, warn: (_f, m) => warnings.push(m) },
    deadline: { seconds: 30, refreshMs: 10_000, maxCallSeconds: 3600 },
    childName,
  });
  return { s, control, clock, warnings };
}

/** Drives a call to the end of the number entry: the finder picks French and types the number. */
async function typeNumber(s: CallSession) {
  await s.dispatch({ type: 'FinderArrived', callerNumber: '32470000001', presentationRestricted: false, language: 'fr', suspended: false });
  await s.dispatch({ type: 'FinderDtmf', digit: '1' });
  for (const digit of NATIONAL_NUMBER) await s.dispatch({ type: 'FinderDtmf', digit });
  await flush();
}

/** The look-up of a cascade of one number (leg 1), in French and with no first name unless told. */
const oneLeg =
  (over: Partial<Extract<FinderLookupResult, { kind: 'found' }>> = {}) =>
  async (): Promise<FinderLookupResult> => ({ kind: 'found', cascadeId: 'k', language: 'fr', childFirstName: null, legs: [{ position: 1, number: '+32470000001' }], ...over });
const LEG_1 = 'call-1:leg:1';

/** The latest playback (the putting-through prompt, after typeNumber) ends. */
const playbackEnds = (s: CallSession, control: FakeCallControl) => s.dispatch({ type: 'PlaybackFinished', playbackId: control.playbackIds[control.playbackIds.length - 1] });

/** The parent on leg 1 answers and presses 1. */
async function parentAccepts(s: CallSession) {
  await s.dispatch({ type: 'LegAnswered', legId: LEG_1, machineDetected: false });
  await s.dispatch({ type: 'LegDtmf', legId: LEG_1, digit: '1' });
}

const lastPlayback = (control: FakeCallControl) => {
  const plays = control.calls.filter((c) => c.startsWith('play '));
  return plays[plays.length - 1];
};

describe('the call session runner', () => {
  it('given a finder arrives, then the dead-man switch is armed and pushed forward while the call runs', async () => {
    const { s, control, clock } = session(async () => ({ kind: 'unavailable', reason: 'unknown' }));
    await s.dispatch({ type: 'FinderArrived', callerNumber: '32470000001', presentationRestricted: false, language: 'fr', suspended: false });
    expect(control.calls.filter((c) => c === 'setDeadline finder-ch 30')).toHaveLength(1);
    await clock.advance(10_000);
    expect(control.calls.filter((c) => c === 'setDeadline finder-ch 30')).toHaveLength(2);
  });

  it('given a wait that goes on past the call\'s maximum length, then the dead-man switch is pushed up to that moment and no further', async () => {
    const { s, control, clock } = session(async () => ({ kind: 'unavailable', reason: 'unknown' }));
    await s.dispatch({ type: 'FinderArrived', callerNumber: '32470000001', presentationRestricted: false, language: 'fr', suspended: false });
    // A finder who keeps pressing * stays in the number entry, with the app alive.
    for (let t = 0; t < 3_700_000; t += 10_000) {
      await s.dispatch({ type: 'FinderDtmf', digit: '*' });
      await clock.advance(10_000);
    }
    const pushes = control.calls.filter((c) => c.startsWith('setDeadline finder-ch'));
    // Every third of the 30 s switch, from 0 s to 3570 s after the arrival: the last one fires at 3600 s.
    expect(pushes).toHaveLength(358);
    expect(new Set(pushes)).toEqual(new Set(['setDeadline finder-ch 30']));
  });

  it('given the prompts, then media URIs carry the language in their path', async () => {
    const { s, control } = session(async () => ({ kind: 'unavailable', reason: 'unknown' }));
    await s.dispatch({ type: 'FinderArrived', callerNumber: '32470000001', presentationRestricted: false, language: 'nl', suspended: false });
    expect(lastPlayback(control)).toContain('sound:alloparents/nl/greeting');
  });

  it('given the cascade look-up fails (database down), then the finder is put through to the hotline', async () => {
    const { s, control, clock } = session(async () => {
      throw new Error('connection refused');
    });
    await typeNumber(s);
    await clock.advance(100);
    // The putting-through prompt ends; with the look-up failed the next step is the hotline.
    const playbackId = control.playbackIds[control.playbackIds.length - 1];
    await s.dispatch({ type: 'PlaybackFinished', playbackId });
    await flush();
    expect(control.legs.map((l) => l.kind)).toEqual(['hotline']);
    expect(control.legs[0].number).toBe('116000');
    // Like every leg, it presents the service number (LEG_CALLER_ID=service), never the finder's.
    expect(control.legs[0].callerId).toBe('3278150000');
  });

  it('given Asterisk refuses to dial a parent, then the next leg is dialled', async () => {
    const { s, control } = session(async () => ({ kind: 'found', cascadeId: 'k', language: 'fr', childFirstName: null, legs: [{ position: 1, number: '+32470000001' }, { position: 2, number: '+32470000002' }] }));
    control.failing.add('originate');
    await typeNumber(s);
    const playbackId = control.playbackIds[control.playbackIds.length - 1];
    await s.dispatch({ type: 'PlaybackFinished', playbackId });
    await flush();
    await flush();
    expect(control.legs.map((l) => l.number)).toEqual(['+32470000001', '+32470000002', '116000']);
  });

  it('given the look-up finds a cascade while the putting-through prompt plays, then leg 1 is dialled at once and the hold starts only when the prompt ends', async () => {
    const { s, control } = session(oneLeg());
    await typeNumber(s);
    const promptAt = control.calls.findIndex((c) => c.startsWith('play finder-ch sound:alloparents/fr/putting-through'));
    const dialAt = control.calls.indexOf('originate parent call-1-leg-1');
    expect(promptAt).toBeGreaterThan(-1);
    expect(dialAt).toBeGreaterThan(promptAt);
    expect(control.calls).not.toContain('startHold finder-ch');
    expect(control.calls.slice(promptAt).some((c) => c.startsWith('stopPlayback'))).toBe(false);
    await playbackEnds(s, control);
    expect(control.calls.at(-1)).toBe('startHold finder-ch');
  });

  it('given Asterisk is slow to answer the putting-through prompt\'s request, then leg 1 is dialled without waiting for that answer', async () => {
    const { s, control } = session(oneLeg());
    await s.dispatch({ type: 'FinderArrived', callerNumber: '32470000001', presentationRestricted: false, language: 'fr', suspended: false });
    await s.dispatch({ type: 'FinderDtmf', digit: '1' });
    for (const digit of NATIONAL_NUMBER.slice(0, -1)) await s.dispatch({ type: 'FinderDtmf', digit });
    await flush();
    control.slow.add('play');
    await s.dispatch({ type: 'FinderDtmf', digit: NATIONAL_NUMBER.slice(-1) });
    await flush();
    const prompt = control.calls.find((c) => c.startsWith('play finder-ch sound:alloparents/fr/putting-through'));
    expect(prompt).toBeDefined();
    expect(control.answered).not.toContain(prompt);
    expect(control.answered).toContain('originate parent call-1-leg-1');
    control.answerSlowRequests();
    await flush();
    expect(control.answered).toContain(prompt);
  });

  it('given a finder\'s prompt whose request is not answered yet, then its stop is sent only after it, in the machine\'s order', async () => {
    const { s, control } = session(async () => ({ kind: 'unavailable', reason: 'unknown' }));
    await s.dispatch({ type: 'FinderArrived', callerNumber: '32470000001', presentationRestricted: false, language: 'fr', suspended: false });
    await s.dispatch({ type: 'FinderDtmf', digit: '1' });
    await flush();
    control.slow.add('play');
    // * asks for the number again: a new prompt, held unanswered; the next * stops it.
    await s.dispatch({ type: 'FinderDtmf', digit: '*' });
    await flush();
    const held = control.playbackIds.at(-1)!;
    const heldPlayAt = control.calls.length - 1;
    expect(control.calls[heldPlayAt]).toMatch(/^play finder-ch /);
    await s.dispatch({ type: 'FinderDtmf', digit: '*' });
    await flush();
    expect(control.calls).not.toContain(`stopPlayback ${held}`);
    control.answerSlowRequests();
    await flush();
    expect(control.calls.indexOf(`stopPlayback ${held}`)).toBeGreaterThan(heldPlayAt);
  });

  it('given the finder and a parent are bridged, then the dead-man switch gives way to the call\'s maximum length on both channels, set before the bridge, and is pushed no more', async () => {
    const { s, control, clock } = session(oneLeg());
    await typeNumber(s);
    await playbackEnds(s, control);
    await s.dispatch({ type: 'LegRinging', legId: LEG_1 });
    await parentAccepts(s);
    const limitAt = control.calls.indexOf('limitConnectedCall finder-ch call-1-leg-1 3600');
    expect(limitAt).toBeGreaterThan(-1);
    expect(control.calls.indexOf('bridge finder-ch+call-1-leg-1')).toBeGreaterThan(limitAt);
    expect(s.phase).toBe('connected');
    const pushes = control.calls.filter((c) => c.startsWith('setDeadline')).length;
    await clock.advance(60_000);
    expect(control.calls.filter((c) => c.startsWith('setDeadline')).length).toBe(pushes);
  });

  it('given the bridge fails, then the finder waits for the hotline with the dead-man switch armed again, not the call\'s maximum length', async () => {
    const { s, control, clock } = session(oneLeg());
    control.failing.add('bridge');
    await typeNumber(s);
    await playbackEnds(s, control);
    await parentAccepts(s);
    await flush();
    expect(s.phase).toBe('hotline');
    const clearedAt = control.calls.indexOf('clearConnectedCall finder-ch');
    expect(clearedAt).toBeGreaterThan(control.calls.indexOf('limitConnectedCall finder-ch call-1-leg-1 3600'));
    expect(control.calls.slice(clearedAt)).toContain('setDeadline finder-ch 30');
    const pushes = control.calls.filter((c) => c === 'setDeadline finder-ch 30').length;
    await clock.advance(10_000);
    expect(control.calls.filter((c) => c === 'setDeadline finder-ch 30').length).toBe(pushes + 1);
  });

  it('given the maximum length cannot be set, then the finder is bridged all the same', async () => {
    const { s, control } = session(oneLeg());
    control.failing.add('limitConnectedCall');
    await typeNumber(s);
    await playbackEnds(s, control);
    await parentAccepts(s);
    expect(control.calls).toContain('bridge finder-ch+call-1-leg-1');
    expect(s.phase).toBe('connected');
  });
});

describe('the child\'s first name', () => {
  it('given the card has a first name, then the parent hears it (rendered for this call, in the cascade\'s language) and it is released when the call ends', async () => {
    const prepared: string[] = [];
    const released: string[] = [];
    const voice = {
      prepare: async (callId: string, name: string, language: string) => {
        prepared.push(`${callId} ${name} ${language}`);
        return `sound:alloparents/names/${callId}`;
      },
      release: async (callId: string) => {
        released.push(callId);
      },
    };
    const { s, control } = session(oneLeg({ language: 'de', childFirstName: 'Emma' }), voice);
    await typeNumber(s);
    await playbackEnds(s, control);
    await s.dispatch({ type: 'LegAnswered', legId: LEG_1, machineDetected: false });
    expect(prepared).toEqual(['call-1 Emma de']);
    expect(lastPlayback(control)).toBe('play call-1-leg-1 sound:alloparents/de/parent-intro+sound:alloparents/names/call-1+sound:alloparents/de/parent-options');
    await s.dispatch({ type: 'FinderHungUp' });
    expect(released).toEqual(['call-1']);
  });

  /** A voice whose rendering ends when the test says so (or never). */
  const slowVoice = () => {
    let finish: (uri: string | null) => void = () => undefined;
    const voice = {
      prepare: () => new Promise<string | null>((resolve) => (finish = resolve)),
      release: async () => undefined,
    };
    return { voice, finish: (uri: string | null) => finish(uri) };
  };
  const found = oneLeg({ childFirstName: 'Emma' });

  it('given a parent answers before the name is rendered, then the message waits for the name and includes it', async () => {
    const { voice, finish } = slowVoice();
    const { s, control } = session(found, voice);
    await typeNumber(s);
    await playbackEnds(s, control);
    const answered = s.dispatch({ type: 'LegAnswered', legId: LEG_1, machineDetected: false });
    await flush();
    expect(control.calls.some((c) => c.startsWith('play call-1-leg-1'))).toBe(false);
    finish('sound:alloparents/names/call-1');
    await answered;
    expect(lastPlayback(control)).toBe('play call-1-leg-1 sound:alloparents/fr/parent-intro+sound:alloparents/names/call-1+sound:alloparents/fr/parent-options');
  });

  it(`given the name is still not rendered ${CHILD_NAME_WAIT_MS} ms after the parent answered, then the message goes on without it`, async () => {
    const { voice } = slowVoice();
    const { s, control, clock } = session(found, voice);
    await typeNumber(s);
    await playbackEnds(s, control);
    const answered = s.dispatch({ type: 'LegAnswered', legId: LEG_1, machineDetected: false });
    await flush();
    await clock.advance(CHILD_NAME_WAIT_MS - 1);
    expect(control.calls.some((c) => c.startsWith('play call-1-leg-1'))).toBe(false);
    await clock.advance(1);
    await answered;
    expect(lastPlayback(control)).toBe('play call-1-leg-1 sound:alloparents/fr/parent-intro+sound:alloparents/fr/parent-options');
  });

  it('given the rendering fails, then the parent hears the message without the name at once', async () => {
    const { s, control } = session(found, { prepare: async () => Promise.reject(new Error('espeak-ng missing')), release: async () => undefined });
    await typeNumber(s);
    await playbackEnds(s, control);
    await s.dispatch({ type: 'LegAnswered', legId: LEG_1, machineDetected: false });
    expect(lastPlayback(control)).toBe('play call-1-leg-1 sound:alloparents/fr/parent-intro+sound:alloparents/fr/parent-options');
  });
});

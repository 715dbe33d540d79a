import { join } from 'node:path';
import { loadPromptCatalog } from '../prompts/prompt-catalog';
import {
  ANNOUNCEMENT_PROMPT_IDS,
  AnnouncementCommand,
  AnnouncementEvent,
  AnnouncementPurpose,
  AnnouncementState,
  announcementTransition,
  initialAnnouncement,
} from './announcement-machine';

const settings = { ringTimeoutMs: 15_000, keyWindowMs: 8_000 };

/** Feeds events in order; `$play` / `$timer` stand for the id of the latest playback / timer started. */
function drive(events: (AnnouncementEvent | ((s: AnnouncementState) => AnnouncementEvent))[], purpose: AnnouncementPurpose = { kind: 'test' }) {
  let state = initialAnnouncement('c1', 'nl', purpose);
  const commands: AnnouncementCommand[] = [];
  for (const e of events) {
    const event = typeof e === 'function' ? e(state) : e;
    const t = announcementTransition(state, event, settings);
    state = t.state;
    commands.push(...t.commands);
  }
  const finishes = commands.filter((c) => c.type === 'finish');
  return { state, commands, result: finishes.length ? (finishes[0] as { result: string }).result : undefined, finishes: finishes.length };
}

const start: AnnouncementEvent = { type: 'Start' };
const human: AnnouncementEvent = { type: 'Answered', machineDetected: false };
const played = (s: AnnouncementState): AnnouncementEvent => ({ type: 'PlaybackFinished', playbackId: 'playbackId' in s && s.playbackId ? s.playbackId : 'none' });
const keyWindowEnds = (s: AnnouncementState): AnnouncementEvent => ({ type: 'TimerFired', name: s.phase === 'asking' && s.keyTimer ? s.keyTimer : 'none' });
const ringEnds = (s: AnnouncementState): AnnouncementEvent => ({ type: 'TimerFired', name: s.phase === 'ringing' ? s.ringTimer : 'none' });
const key = (digit: string): AnnouncementEvent => ({ type: 'Dtmf', digit });

describe('the outbound announcement call (pure machine)', () => {
  it.each<[string, (AnnouncementEvent | ((s: AnnouncementState) => AnnouncementEvent))[], string]>([
    ['busy', [start, { type: 'Failed', reason: 'busy' }], 'busy'],
    ['rejected', [start, { type: 'Failed', reason: 'rejected' }], 'declined'],
    ['unreachable', [start, { type: 'Failed', reason: 'unreachable' }], 'unreachable'],
    ['answered by a detected machine', [start, { type: 'Answered', machineDetected: true }], 'voicemail'],
    ['ringing past the ring time', [start, ringEnds], 'no-answer'],
    ['answered, no key in either window', [start, human, played, keyWindowEnds, played, keyWindowEnds], 'voicemail'],
    ['answered, 1 pressed during the question', [start, human, key('1'), played], 'confirmed'],
    ['answered, 1 pressed in the second window', [start, human, played, keyWindowEnds, played, key('1'), played], 'confirmed'],
    ['answered, other keys then nothing', [start, human, key('2'), played, key('9'), keyWindowEnds, played, keyWindowEnds], 'voicemail'],
    ['answered, hung up before any key', [start, human, played, { type: 'HungUp' }], 'hung-up'],
    ['answered, 1 pressed, hung up during the thanks', [start, human, key('1'), { type: 'HungUp' }], 'confirmed'],
    ['the dial command failed', [start, { type: 'CommandFailed', commandType: 'dial' }], 'failed'],
  ])('given a test call %s, then the result is %s and it is reported once', (_, events, result) => {
    const run = drive(events);
    expect(run.result).toBe(result);
    expect(run.finishes).toBe(1);
    expect(run.state.phase).toBe('ended');
  });

  it('given a start, then it dials and arms the ring timer with the configured time', () => {
    expect(drive([start]).commands).toEqual([{ type: 'dial' }, { type: 'startTimer', name: expect.any(String), ms: 15_000 }]);
  });

  it('given a person answers a test call, then the intro and the question play in the cascade\'s language, and the window opens only after them', () => {
    const afterAnswer = drive([start, human]);
    const play = afterAnswer.commands.find((c) => c.type === 'play');
    expect(play).toMatchObject({ media: [{ kind: 'prompt', id: 'test-call-intro', language: 'nl' }, { kind: 'prompt', id: 'test-press-1', language: 'nl' }] });
    expect(afterAnswer.commands).toContainEqual({ type: 'cancelTimer', name: expect.any(String) });
    expect(afterAnswer.commands.filter((c) => c.type === 'startTimer')).toHaveLength(1);
    const afterQuestion = drive([start, human, played]);
    expect(afterQuestion.commands.at(-1)).toEqual({ type: 'startTimer', name: expect.any(String), ms: 8_000 });
  });

  it('given 1 pressed while the question plays, then the question stops and the thanks play before the hang-up', () => {
    const run = drive([start, human, key('1')]);
    expect(run.commands.slice(-2)).toEqual([
      { type: 'stopPlayback', playbackId: expect.any(String) },
      { type: 'play', playbackId: expect.any(String), media: [{ kind: 'prompt', id: 'test-confirmed', language: 'nl' }, { kind: 'prompt', id: 'goodbye', language: 'nl' }] },
    ]);
    expect(run.commands.some((c) => c.type === 'hangup')).toBe(false);
    expect(drive([start, human, key('1'), played]).commands.slice(-2)).toEqual([{ type: 'hangup' }, { type: 'finish', result: 'confirmed' }]);
  });

  it('given a code call answered by a person who presses 1, then the code is read twice, character by character, then goodbye', () => {
    const run = drive([start, human, played, key('1')], { kind: 'code', code: 'AB12CD' });
    expect(run.commands.find((c) => c.type === 'play')).toMatchObject({ media: [{ id: 'code-call-intro' }, { id: 'code-press-1' }] });
    expect(run.commands.at(-1)).toEqual({
      type: 'play',
      playbackId: expect.any(String),
      media: [
        { kind: 'prompt', id: 'code-is', language: 'nl' },
        { kind: 'characters', text: 'AB12CD', language: 'nl' },
        { kind: 'prompt', id: 'code-again', language: 'nl' },
        { kind: 'characters', text: 'AB12CD', language: 'nl' },
        { kind: 'prompt', id: 'goodbye', language: 'nl' },
      ],
    });
  });

  it.each<[string, (AnnouncementEvent | ((s: AnnouncementState) => AnnouncementEvent))[]]>([
    ['a machine answers', [start, { type: 'Answered', machineDetected: true }]],
    ['nobody presses a key', [start, human, played, keyWindowEnds, played, keyWindowEnds]],
    ['a key other than 1 is pressed', [start, human, key('2'), key('#'), played, keyWindowEnds, played, keyWindowEnds]],
    ['the person hangs up during the question', [start, human, { type: 'HungUp' }]],
  ])('given a code call where %s, then the code is never played', (_, events) => {
    const run = drive(events, { kind: 'code', code: 'SECRET99' });
    const plays = run.commands.filter((c): c is Extract<AnnouncementCommand, { type: 'play' }> => c.type === 'play');
    expect(plays.flatMap((p) => p.media).some((m) => m.kind === 'characters')).toBe(false);
    expect(JSON.stringify(run.commands)).not.toContain('SECRET99');
  });

  it('given a stale timer or playback, then nothing happens', () => {
    const run = drive([start, human, { type: 'TimerFired', name: 'old' }, { type: 'PlaybackFinished', playbackId: 'old' }]);
    expect(run.state).toMatchObject({ phase: 'asking', window: 1 });
    expect(run.finishes).toBe(0);
  });

  it('given the call has ended, then late events change nothing', () => {
    const ended = drive([start, { type: 'Failed', reason: 'busy' }]).state;
    for (const event of [human, key('1'), { type: 'HungUp' } as AnnouncementEvent]) {
      expect(announcementTransition(ended, event, settings)).toEqual({ state: ended, commands: [] });
    }
  });

  it('every prompt the announcement plays has a text in all four languages in the catalog', () => {
    const catalog = loadPromptCatalog(join(__dirname, '../../../../../prompts/catalog.json'));
    for (const id of ANNOUNCEMENT_PROMPT_IDS) expect([id, Object.keys(catalog.prompts[id] ?? {}).sort()]).toEqual([id, ['de', 'en', 'fr', 'nl']]);
    for (const lang of ['fr', 'nl', 'de', 'en'] as const) expect(catalog.letters?.[lang]).toHaveLength(26);
  });
});

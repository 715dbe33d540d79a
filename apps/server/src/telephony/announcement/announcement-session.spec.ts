import { FakeCallControl } from '../call-control.fake';
import { FakeClock } from '../../../../../test/support/fake-clock';
import { AnnouncementSession, mediaUris } from './announcement-session';

function setUp(purpose: { kind: 'test' } | { kind: 'code'; code: string } = { kind: 'test' }) {
  const control = new FakeCallControl();
  const clock = new FakeClock();
  const lines: string[] = [];
  const log = { info: (f: object, m: string) => lines.push(`${m} ${JSON.stringify(f)}`), warn: (f: object, m: string) => lines.push(`${m} ${JSON.stringify(f)}`) };
  const session = new AnnouncementSession('call-1', '+32470999111', 'fr', purpose, { control, clock, settings: { ringTimeoutMs: 15_000, keyWindowMs: 8_000 }, callerId: '3278150000', log });
  const latestPlay = () => control.plays[control.plays.length - 1].id;
  return { control, clock, session, lines, latestPlay };
}

describe('the announcement call session (fake CallControl, fake clock)', () => {
  it('given a start, then it originates a notice leg to the number with the service\'s caller ID and an Asterisk timeout a little after the ring time', async () => {
    const { control, session } = setUp();
    await session.dispatch({ type: 'Start' });
    expect(control.legs).toEqual([{ channelId: 'call-1', legId: 'call-1', number: '+32470999111', callerId: '3278150000', kind: 'notice', timeoutSeconds: 17 }]);
  });

  it('given nobody answers, when the ring time passes, then the call is hung up and the result is no-answer', async () => {
    const { control, clock, session } = setUp();
    await session.dispatch({ type: 'Start' });
    await clock.advance(14_999);
    expect(control.calls).not.toContain('hangup call-1');
    await clock.advance(1);
    await expect(session.result).resolves.toBe('no-answer');
    expect(control.calls).toContain('hangup call-1');
    expect(clock.pending).toBe(0);
  });

  it('given a person who answers and never presses a key, then the question is asked twice, and after the second window the result is voicemail', async () => {
    const { control, clock, session, latestPlay } = setUp();
    await session.dispatch({ type: 'Start' });
    await session.dispatch({ type: 'Answered', machineDetected: false });
    await session.dispatch({ type: 'PlaybackFinished', playbackId: latestPlay() });
    await clock.advance(8_000);
    expect(control.plays).toHaveLength(2);
    await session.dispatch({ type: 'PlaybackFinished', playbackId: latestPlay() });
    await clock.advance(8_000);
    await expect(session.result).resolves.toBe('voicemail');
    expect(control.plays[0].media).toEqual(['sound:alloparents/fr/test-call-intro', 'sound:alloparents/fr/test-press-1']);
  });

  it('given a code call where the person presses 1, then the code is played as letter and digit sounds twice, and neither the number nor the code is logged', async () => {
    const { control, session, lines, latestPlay } = setUp({ kind: 'code', code: 'QZ7' });
    await session.dispatch({ type: 'Start' });
    await session.dispatch({ type: 'Answered', machineDetected: false });
    await session.dispatch({ type: 'Dtmf', digit: '1' });
    await session.dispatch({ type: 'PlaybackFinished', playbackId: latestPlay() });
    await expect(session.result).resolves.toBe('confirmed');
    const code = ['sound:alloparents/fr/letters/q', 'sound:alloparents/fr/letters/z', 'sound:alloparents/fr/digits/7'];
    expect(control.plays[1].media).toEqual(['sound:alloparents/fr/code-is', ...code, 'sound:alloparents/fr/code-again', ...code, 'sound:alloparents/fr/goodbye']);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toContain('QZ7');
      expect(line).not.toContain('32470999111');
    }
  });

  it('given the originate is refused by Asterisk, then the result is failed', async () => {
    const { control, session } = setUp();
    control.failing.add('originate');
    await session.dispatch({ type: 'Start' });
    await expect(session.result).resolves.toBe('failed');
  });

  it('reads a code with dashes and lower case as its characters only', () => {
    expect(mediaUris({ kind: 'characters', text: 'a1-b', language: 'nl' })).toEqual(['sound:alloparents/nl/letters/a', 'sound:alloparents/nl/digits/1', 'sound:alloparents/nl/letters/b']);
  });
});

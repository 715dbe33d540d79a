import { defaultCallFlowConfig } from '../../config/app-config';
import { FakeClock, flush } from '../../../../../test/support/fake-clock';
import { ari, FakeStasisAdapter } from '../runtime/stasis-adapter.fake';
import { StasisRouter } from '../runtime/stasis-router';
import { AnnouncementCalls } from './announcement-calls';

function setUp() {
  const adapter = new FakeStasisAdapter();
  const router = new StasisRouter(adapter);
  router.onModuleInit();
  const calls = new AnnouncementCalls({ config: defaultCallFlowConfig(), router, control: adapter.control, clock: new FakeClock(), log: { info: () => undefined, warn: () => undefined } });
  return { adapter, calls, control: adapter.control };
}

describe('the announcement calls on the Stasis router (a fake ARI event stream)', () => {
  it('given a test call answered by a person who presses 1, then the thanks play and the result is confirmed', async () => {
    const { adapter, calls, control } = setUp();
    const result = calls.call({ number: '+32470999111', language: 'nl', purpose: { kind: 'test' } });
    await flush();
    const { channelId, legId: callId } = control.legs[0];
    adapter.emit(ari.stasisStart(channelId, ['notice', callId, 'HUMAN']));
    adapter.emit(ari.dtmf(channelId, '1'));
    await flush();
    adapter.emit(ari.playbackFinished(control.playbackIds.at(-1)!));
    await expect(result).resolves.toBe('confirmed');
    expect(control.plays.at(-1)!.media).toEqual(['sound:alloparents/nl/test-confirmed', 'sound:alloparents/nl/goodbye']);
  });

  it('given the call is destroyed busy before an answer, then the result is busy', async () => {
    const { adapter, calls, control } = setUp();
    const result = calls.call({ number: '+32470999111', language: 'fr', purpose: { kind: 'test' } });
    await flush();
    adapter.emit(ari.stasisEnd(control.legs[0].channelId));
    adapter.emit(ari.destroyed(control.legs[0].channelId, 17));
    await expect(result).resolves.toBe('busy');
  });

  it('given a number outside the allowed destinations, then nothing is dialled and the result is failed', async () => {
    const { calls, control } = setUp();
    await expect(calls.call({ number: '+12015550123', language: 'fr', purpose: { kind: 'test' } })).resolves.toBe('failed');
    expect(control.calls).toEqual([]);
  });

  it('given an announcement call enters Stasis that nobody waits for, then it is hung up', async () => {
    const { adapter, control } = setUp();
    adapter.emit(ari.stasisStart('old-call', ['notice', 'old-call', 'HUMAN']));
    await flush();
    expect(control.calls).toEqual(['hangup old-call']);
  });

  it('given an orphaned announcement call after a reconnection, then it is hung up', async () => {
    const { calls, control } = setUp();
    await calls.orphaned({ id: 'old-call', args: ['notice', 'old-call', 'HUMAN'] });
    expect(control.calls).toEqual(['hangup old-call']);
  });
});

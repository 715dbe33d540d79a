import { AriChannel, AriEventOf } from '../ari/ari-events';
import { AppChannel } from '../ari/ari-rest';
import { FakeCallControl } from '../call-control.fake';
import { StasisAdapter } from './stasis-adapter.port';

/**
 * The unit specs' ARI: a fake event stream (`emit`, `connect`) and what Asterisk would list after
 * a connection (`channels`, `bridgeList`), over the shared FakeCallControl.
 */
export class FakeStasisAdapter implements StasisAdapter {
  readonly control = new FakeCallControl();
  channels: AppChannel[] = [];
  bridgeList: { id: string; channels: string[] }[] | Error = [];
  readonly deletedBridges: string[] = [];
  private readonly listeners: ((event: AriEventOf) => void)[] = [];
  private readonly connectedListeners: (() => void)[] = [];

  onEvent(listener: (event: AriEventOf) => void): void {
    this.listeners.push(listener);
  }

  onConnected(listener: () => void): void {
    this.connectedListeners.push(listener);
  }

  async channelsInApp(): Promise<AppChannel[]> {
    return this.channels;
  }

  async bridges(): Promise<{ id: string; channels: string[] }[]> {
    if (this.bridgeList instanceof Error) throw this.bridgeList;
    return this.bridgeList;
  }

  async deleteBridge(bridgeId: string): Promise<void> {
    this.deletedBridges.push(bridgeId);
  }

  emit(event: AriEventOf): void {
    for (const listener of this.listeners) listener(event);
  }

  connect(): void {
    for (const listener of this.connectedListeners) listener();
  }
}

/** ARI events as Asterisk sends them, shortened to what the router reads. */
export const ari = {
  channel: (id: string, fields: Partial<AriChannel> = {}): AriChannel => ({ id, state: 'Up', caller: { number: '', name: '' }, ...fields }),
  stasisStart: (channelId: string, args: string[], fields: Partial<AriChannel> = {}): AriEventOf => ({ type: 'StasisStart', args, channel: ari.channel(channelId, fields) }),
  stasisEnd: (channelId: string): AriEventOf => ({ type: 'StasisEnd', channel: ari.channel(channelId) }),
  ringing: (channelId: string): AriEventOf => ari.channelState(channelId, 'Ringing'),
  channelState: (channelId: string, state: string): AriEventOf => ({ type: 'ChannelStateChange', channel: ari.channel(channelId, { state }) }),
  /** Asterisk's dial of `channelId` (the peer) reports what the far end signalled: RINGING (180), PROGRESS (183)… */
  dial: (channelId: string, dialstatus: string): AriEventOf => ({ type: 'Dial', dialstatus, peer: ari.channel(channelId) }),
  dtmf: (channelId: string, digit: string): AriEventOf => ({ type: 'ChannelDtmfReceived', digit, channel: ari.channel(channelId) }),
  destroyed: (channelId: string, cause: number): AriEventOf => ({ type: 'ChannelDestroyed', cause, cause_txt: '', channel: ari.channel(channelId) }),
  playbackFinished: (playbackId: string): AriEventOf => ({ type: 'PlaybackFinished', playback: { id: playbackId, state: 'done' } }),
};

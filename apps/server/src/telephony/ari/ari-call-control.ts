import { CallControl, OutboundLeg } from '../call-control.port';
import { AriRest, isGone } from './ari-rest';

/**
 * Bridging a parent who pressed 1 to the finder: worth waiting for longer than any other request
 * (3 s). On a machine so loaded that ARI requests queue for seconds, giving up would drop a
 * parent who has already accepted and send the finder to the hotline; the finder, on hold, hears
 * the hold meanwhile.
 */
export const BRIDGE_DEADLINE_MS = 8_000;

const ignoreGone = (error: unknown) => {
  if (!isGone(error)) throw error;
};

/** CallControl over ARI. Contexts and Stasis arguments match asterisk-config/service/extensions.conf. */
export class AriCallControl implements CallControl {
  constructor(
    private readonly ari: AriRest,
    private readonly app: string,
  ) {}

  async answer(channelId: string): Promise<void> {
    await this.ari.request('POST', `/channels/${enc(channelId)}/answer`);
  }

  async play(channelId: string, playbackId: string, media: string[]): Promise<void> {
    await this.ari.request('POST', `/channels/${enc(channelId)}/play/${enc(playbackId)}`, { media: media.join(',') });
  }

  async stopPlayback(playbackId: string): Promise<void> {
    await this.ari.request('DELETE', `/playbacks/${enc(playbackId)}`).catch(ignoreGone);
  }

  async startHold(channelId: string): Promise<void> {
    await this.ari.request('POST', `/channels/${enc(channelId)}/moh`, { mohClass: 'default' });
  }

  async stopHold(channelId: string): Promise<void> {
    await this.ari.request('DELETE', `/channels/${enc(channelId)}/moh`).catch(ignoreGone);
  }

  async originate(leg: OutboundLeg): Promise<void> {
    await this.ari.request('POST', `/channels/${enc(leg.channelId)}`, {
      endpoint: `PJSIP/${leg.number}@trunk`,
      context: LEG_CONTEXTS[leg.kind],
      extension: 's',
      priority: 1,
      callerId: leg.callerId,
      timeout: leg.timeoutSeconds,
    }, { variables: { ALLOPARENTS_LEG: leg.legId, ALLOPARENTS_APP: this.app } });
  }

  async hangup(channelId: string): Promise<void> {
    await this.ari.request('DELETE', `/channels/${enc(channelId)}`).catch(ignoreGone);
  }

  async bridge(bridgeId: string, channelIds: string[], ready: Promise<unknown> = Promise.resolve()): Promise<void> {
    const deadline = { timeoutMs: BRIDGE_DEADLINE_MS, urgent: true };
    await Promise.all([this.ari.request('POST', `/bridges/${enc(bridgeId)}`, { type: 'mixing' }, undefined, deadline), ready]);
    await this.ari.request('POST', `/bridges/${enc(bridgeId)}/addChannel`, { channel: channelIds.join(',') }, undefined, deadline);
  }

  async setDeadline(channelId: string, seconds: number, options: { urgent?: boolean } = {}): Promise<void> {
    await this.ari.request('POST', `/channels/${enc(channelId)}/variable`, { variable: 'TIMEOUT(absolute)', value: String(seconds) }, undefined, options);
  }

  /** On the urgent connections: the bridge of a parent who pressed 1 waits for it. */
  async limitConnectedCall(finderChannelId: string, legChannelId: string, seconds: number): Promise<void> {
    const urgent = { urgent: true };
    const finder = async () => {
      // The deadline first: until it is the call's, a dead-man switch firing must still mean the hotline.
      await this.setDeadline(finderChannelId, seconds, urgent);
      await this.ari.request('POST', `/channels/${enc(finderChannelId)}/variable`, { variable: 'ALLOPARENTS_CONNECTED', value: 'yes' }, undefined, urgent);
    };
    await Promise.all([finder(), this.setDeadline(legChannelId, seconds, urgent)]);
  }

  async clearConnectedCall(finderChannelId: string): Promise<void> {
    await this.ari.request('POST', `/channels/${enc(finderChannelId)}/variable`, { variable: 'ALLOPARENTS_CONNECTED', value: '' });
  }

  async sendToHotlineFallback(channelId: string): Promise<void> {
    await this.ari.request('POST', `/channels/${enc(channelId)}/continue`, { context: 'alloparents-fallback', extension: 's', priority: 1 });
  }
}

const enc = encodeURIComponent;

const LEG_CONTEXTS: Record<OutboundLeg['kind'], string> = {
  parent: 'alloparents-leg',
  hotline: 'alloparents-hotline-leg',
  notice: 'alloparents-notice',
};

import { CallControl } from '../call-control.port';
import { AriEventOf } from '../ari/ari-events';
import { AppChannel } from '../ari/ari-rest';

/**
 * Port: what the Stasis router needs of ARI. The ARI gateway (ari/ari-gateway.ts) implements it
 * for the whole app; the router's unit specs drive a fake event stream through it.
 */
export interface StasisAdapter {
  /** Every ARI event of our Stasis app, in the order Asterisk sent them. */
  onEvent(listener: (event: AriEventOf) => void): void;
  /** The app is registered with Asterisk again (first connection or a reconnection). */
  onConnected(listener: () => void): void;
  readonly control: CallControl;
  /** The channels in our Stasis app now, with their arguments; none when they cannot be listed (logged). */
  channelsInApp(): Promise<AppChannel[]>;
  /** Asterisk's bridges and their channels; rejects when they cannot be listed. */
  bridges(): Promise<{ id: string; channels: string[] }[]>;
  deleteBridge(bridgeId: string): Promise<void>;
}

/** Injection token of the one StasisAdapter. */
export const STASIS_ADAPTER = Symbol('STASIS_ADAPTER');

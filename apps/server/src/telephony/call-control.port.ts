/**
 * Port: what the call flow asks of the telephony platform. The ARI adapter implements it; unit
 * tests use a fake. Every method resolves when Asterisk has accepted the request; what happens
 * next (a playback ending, a leg ringing) comes back as events.
 */
export interface CallControl {
  answer(channelId: string): Promise<void>;
  /** Plays media URIs in order as one playback with our own id. */
  play(channelId: string, playbackId: string, media: string[]): Promise<void>;
  /** Stopping a playback that already ended is a success. */
  stopPlayback(playbackId: string): Promise<void>;
  startHold(channelId: string): Promise<void>;
  stopHold(channelId: string): Promise<void>;
  /** Dials a number through the trunk; the channel enters Stasis when answered (after AMD for parents). */
  originate(leg: OutboundLeg): Promise<void>;
  /** Hanging up a channel that is already gone is a success. */
  hangup(channelId: string): Promise<void>;
  /**
   * Connects the finder and the answered leg; the bridge goes away with its last channel. The
   * bridge is made at once; the channels join it once `ready` has settled (the connected call's
   * limits set meanwhile), so the two wait for Asterisk side by side.
   */
  bridge(bridgeId: string, channelIds: string[], ready?: Promise<unknown>): Promise<void>;
  /**
   * The dead-man switch: Asterisk sends the finder to the hotline by itself after this many
   * seconds unless it is pushed forward again (0 disarms it).
   */
  setDeadline(channelId: string, seconds: number): Promise<void>;
  /**
   * Before a bridge: Asterisk ends the finder's and the leg's channels by itself after this many
   * seconds (MAX_CALL_MINUTES), whether the app is still there or not. Replaces the finder's
   * dead-man switch: from then on its firing ends the call instead of calling the hotline.
   */
  limitConnectedCall(finderChannelId: string, legChannelId: string, seconds: number): Promise<void>;
  /** The bridge failed and the finder waits again: its timeout is the dead-man switch once more. */
  clearConnectedCall(finderChannelId: string): Promise<void>;
  /** Hands a channel back to the dialplan's hotline fallback (orphans after a restart). */
  sendToHotlineFallback(channelId: string): Promise<void>;
}

export interface OutboundLeg {
  channelId: string;
  /** Our leg id, passed back in the Stasis arguments. */
  legId: string;
  number: string;
  callerId: string;
  /**
   * parent: AMD first, then Stasis; hotline: straight to Stasis; notice (a test of the list, a
   * lost code read out): AMD first, then Stasis with its own arguments.
   */
  kind: 'parent' | 'hotline' | 'notice';
  timeoutSeconds: number;
}

/**
 * How a dialled channel ended before anyone answered (from its Q.850 cause, ari/ari-events.ts):
 * the one list every call kind reads (the finder's legs, the announcement calls).
 */
export type LegFailure = 'busy' | 'rejected' | 'unreachable' | 'failed' | 'no-answer';

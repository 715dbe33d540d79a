import { AriChannel, AriEventOf } from '../ari/ari-events';
import { AppChannel } from '../ari/ari-rest';

/**
 * One kind of call (the finder's, the announcement calls, the parents' line next): what the
 * Stasis router asks of it. A kind registers with the router once; from then on, every channel
 * that enters Stasis with one of its roles (the first Stasis argument) is handed to it, and so is
 * such a channel found orphaned after a reconnection.
 */
export interface CallKind {
  /** For the logs. */
  readonly name: string;
  /** The Stasis roles whose new channels are this kind's: `Stasis(app,<role>,…)`. */
  readonly roles: readonly string[];
  /** A channel entered Stasis with one of the kind's roles: a new call, a channel it dialled that was answered, or a stray to hang up. */
  arrived(channel: AriChannel, args: string[]): void;
  /** After a (re)connection, a channel with one of the kind's roles that no call of this process owns. */
  orphaned(channel: AppChannel): Promise<void>;
  /** The process is stopping (SIGTERM): what the kind does for its calls in progress. */
  shutdown?(): Promise<void>;
}

/** The events of a channel after its StasisStart, as the router hands them to the call that owns the channel. */
export type OwnedChannelEvent = Exclude<AriEventOf, { type: 'PlaybackFinished' | 'StasisStart' }>;

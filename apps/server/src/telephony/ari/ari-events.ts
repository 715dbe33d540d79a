import type { LegFailure } from '../call-control.port';

/**
 * The few ARI event shapes the call flow uses, and their translation into the call flow's
 * words. Everything here is about Asterisk's vocabulary (causes, states, Stasis arguments).
 */
export interface AriChannel {
  id: string;
  state: string;
  caller: { number: string; name: string };
  dialplan?: { context: string; exten: string; app_name?: string; app_data?: string };
}

export type AriEventOf =
  | { type: 'StasisStart'; args: string[]; channel: AriChannel }
  | { type: 'StasisEnd'; channel: AriChannel }
  | { type: 'ChannelStateChange'; channel: AriChannel }
  | { type: 'ChannelDestroyed'; cause: number; cause_txt: string; channel: AriChannel }
  | { type: 'ChannelDtmfReceived'; digit: string; channel: AriChannel }
  /** Asterisk's dial of a channel it originated (`peer`): '' at the start, then what the far end signals. */
  | { type: 'Dial'; dialstatus: string; peer: AriChannel }
  | { type: 'PlaybackFinished'; playback: { id: string; state: string } };

/**
 * The far end signals that it has reached the phone: 180 Ringing, or 183 Session Progress (many
 * mobile networks play their own ringback as early media and never send 180). Either one means
 * the network found the phone; only its answer is still awaited.
 */
export function isAlerting(dialstatus: string): boolean {
  return dialstatus === 'RINGING' || dialstatus === 'PROGRESS';
}

/** Q.850 cause of a leg that ended before it was answered → what the cascade records. */
export function legFailureFromCause(cause: number): LegFailure {
  switch (cause) {
    case 17: // user busy
      return 'busy';
    case 21: // call rejected
      return 'rejected';
    case 18: // no user responding
    case 19: // no answer
      return 'no-answer';
    case 1: // unallocated number
    case 3: // no route
    case 20: // subscriber absent
    case 27: // destination out of order
    case 28: // invalid number format
    case 34: // no circuit
    case 38: // network out of order
    case 41: // temporary failure
    case 42: // congestion
      return 'unreachable';
    default:
      return 'failed';
  }
}

/** CALLERID(pres) values that withhold the number. */
export function isPresentationRestricted(pres: string | undefined): boolean {
  return !!pres && (pres.startsWith('prohib') || pres === 'unavailable');
}

/**
 * A caller number we can call back: not empty, not "anonymous", not a withheld placeholder. The
 * caller writes their own From, so only its digits (and a leading '+') are kept: nothing else
 * reaches a leg's caller ID, a record or a prompt. The dialplan filters it the same way first.
 */
export function usableCallerNumber(number: string | undefined): string | null {
  const trimmed = (number ?? '').trim();
  if (!trimmed || /^(anonymous|unknown|restricted|private|unavailable)$/i.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, '');
  if (!digits) return null;
  return trimmed.startsWith('+') ? `+${digits}` : digits;
}

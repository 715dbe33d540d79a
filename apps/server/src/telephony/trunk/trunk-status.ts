/**
 * The trunk as Asterisk's qualify sees it (SIP OPTIONS pings of the trunk's contact, every
 * SIP_TRUNK_QUALIFY_SECONDS), for /health and the metrics. Never a call: nothing rings.
 *   reachable    the last ping was answered
 *   unreachable  the pings go unanswered (Asterisk then refuses to send calls to the trunk)
 *   unknown      not known yet or not askable: ARI is down, or Asterisk started too recently for a first answer
 *   unqualified  the pings are off (SIP_TRUNK_QUALIFY_SECONDS=0): Asterisk cannot tell
 */
export type TrunkStatus = 'reachable' | 'unreachable' | 'unknown' | 'unqualified';

/** The trunk's PJSIP endpoint (asterisk-config/service/pjsip.conf). */
export const TRUNK_ENDPOINT = 'trunk';

/**
 * Asterisk sends the first ping at a random moment within the first qualify period after its
 * start (spreading the pings), then waits up to qualify_timeout (3 s) for the answer: until then,
 * an endpoint not online is not known to be unreachable. These are the seconds added to the period.
 */
export const FIRST_ANSWER_SECONDS = 5;

export interface TrunkObservation {
  qualifySeconds: number;
  /** ARI's endpoint state ('online' only once a contact answered a ping), or null when ARI could not be asked. */
  endpointState: 'online' | 'offline' | 'unknown' | null;
  /** Seconds since Asterisk started, or null when unknown. */
  asteriskUpSeconds: number | null;
}

export function trunkStatus(o: TrunkObservation): TrunkStatus {
  if (o.qualifySeconds === 0) return 'unqualified';
  if (o.endpointState === null) return 'unknown';
  if (o.endpointState === 'online') return 'reachable';
  if (o.asteriskUpSeconds === null || o.asteriskUpSeconds < o.qualifySeconds + FIRST_ANSWER_SECONDS) return 'unknown';
  return 'unreachable';
}

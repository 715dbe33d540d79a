import { AppConfig } from '../config/app-config';

/**
 * How long each channel the service opens may live, in seconds. Asterisk enforces every one of
 * them by itself (the dialplan's TIMEOUT(absolute), Dial's S(), an originate's timeout), so they
 * hold even when the app has died; the app's own timers end a call well before.
 *
 * - Before it is answered, an outbound channel lives no longer than its originate timeout.
 * - Once answered, a parent's leg or an announcement call lives `answeredLegSeconds` or
 *   `answeredNoticeSeconds` (from the answer), the hotline's leg `answeredHotlineSeconds`: set
 *   by the dialplan's leg contexts, before AMD.
 * - Bridged, the finder and the other side live `maxCallSeconds` more (set by the app at the
 *   bridge; the hotline fallback's Dial has S() for the same).
 * - A waiting finder lives as long as the app keeps pushing the dead-man switch forward.
 * - A call on the parents' line lives `parentLineSeconds` (from its arrival).
 */
export interface ChannelLimits {
  answeredLegSeconds: number;
  answeredNoticeSeconds: number;
  answeredHotlineSeconds: number;
  maxCallSeconds: number;
  parentLineSeconds: number;
}

/** The parents' line: a number and a code typed, then a few menus to hear and change the list (each read out), with room for retries. */
export const PARENT_LINE_SECONDS = 900;

/** AMD (amd.conf decides within 5 s), the parent's prompt with the child's name, the options said twice, a number read out. */
export const ANSWERED_LEG_MARGIN_SECONDS = 30;
/** An announcement call reads a twelve-character code out twice after its prompts: more to say. */
export const ANSWERED_NOTICE_MARGIN_SECONDS = 90;
/** The hotline is bridged as soon as it answers: only the app's reaction time. */
export const ANSWERED_HOTLINE_SECONDS = 30;

export function channelLimits(config: Pick<AppConfig, 'callFlow'>): ChannelLimits {
  const { confirmWindowMs, maxCallSeconds } = config.callFlow;
  // Two key windows: the options are said twice.
  const keyWindows = Math.ceil((2 * confirmWindowMs) / 1000);
  return {
    answeredLegSeconds: keyWindows + ANSWERED_LEG_MARGIN_SECONDS,
    answeredNoticeSeconds: keyWindows + ANSWERED_NOTICE_MARGIN_SECONDS,
    answeredHotlineSeconds: ANSWERED_HOTLINE_SECONDS,
    maxCallSeconds,
    parentLineSeconds: PARENT_LINE_SECONDS,
  };
}

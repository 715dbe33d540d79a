import { CallFlowConfig } from '../../config/app-config';
import { LANGUAGES } from '../../languages';
import { FlowSettings } from './types';

/**
 * From a parent's answer to the leg's arrival in the app: AMD decides within its
 * `total_analysis_time` (asterisk-config/service/amd.conf, 5 s), then the dialplan hands the leg
 * over. A leg still not handed over by then is let go as failed.
 */
export const LEG_SCREENING_TIMEOUT_MS = 8_000;

/** The call flow's settings from the validated configuration, the only place their values (and defaults) come from. */
export function flowSettingsFrom(config: CallFlowConfig): FlowSettings {
  const c = config.callFlow;
  return {
    languages: LANGUAGES,
    defaultLanguage: config.service.defaultLanguage,
    languageChoiceTimeoutMs: c.languageChoiceTimeoutMs,
    firstDigitTimeoutMs: c.firstDigitTimeoutMs,
    interDigitTimeoutMs: c.interDigitTimeoutMs,
    maxNumberAttempts: c.maxNumberAttempts,
    lookupTimeoutMs: c.lookupTimeoutMs,
    legRingTimeoutMs: c.legRingTimeoutMs,
    legProgressTimeoutMs: c.legProgressTimeoutMs,
    legScreeningTimeoutMs: LEG_SCREENING_TIMEOUT_MS,
    confirmWindowMs: c.confirmWindowMs,
    holdMessageIntervalMs: c.holdMessageIntervalMs,
    hotlineRingTimeoutMs: c.hotlineRingTimeoutMs,
    withheldCallerPolicy: c.withheldCallerPolicy,
    callerIdForLegs: c.legCallerId,
    serviceNumber: config.service.number,
    hotlineNumber: config.service.hotlineNumber,
    allowedDestinations: config.limits.destinations,
  };
}

import { CallFlowConfig } from '../../config/app-config';
import { LANGUAGES } from '../../languages';
import { FlowSettings } from './types';

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

import { AppConfig } from '../../config/app-config';
import { defaultFlowSettings, FlowSettings } from './types';

/** The call flow's settings from the validated configuration. */
export function flowSettingsFrom(config: AppConfig): FlowSettings {
  const c = config.callFlow;
  return {
    ...defaultFlowSettings,
    defaultLanguage: config.service.defaultLanguage,
    languageChoiceTimeoutMs: c.languageChoiceTimeoutMs,
    firstDigitTimeoutMs: c.firstDigitTimeoutMs,
    interDigitTimeoutMs: c.interDigitTimeoutMs,
    maxNumberAttempts: c.maxNumberAttempts,
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

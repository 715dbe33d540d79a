import type { Language } from '../../languages';
import { AnnouncementPurpose, AnnouncementResult } from './announcement-machine';

/**
 * Port: places one announcement call and resolves with how it went. The ARI adapter
 * (announcement-calls.ts) implements it; portal tests use a scripted fake.
 */
export interface AnnouncementDialler {
  call(request: { number: string; language: Language; purpose: AnnouncementPurpose }): Promise<AnnouncementResult>;
}

/** Injection token; provided by the telephony module, absent in an app without telephony. */
export const ANNOUNCEMENT_DIALLER = Symbol('ANNOUNCEMENT_DIALLER');

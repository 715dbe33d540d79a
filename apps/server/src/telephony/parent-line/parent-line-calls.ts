import { randomUUID } from 'node:crypto';
import { CallFlowConfig } from '../../config/app-config';
import { LANGUAGES } from '../../languages';
import { MAX_CASCADE_NUMBERS } from '../../portal/domain/cascade-numbers';
import { AriChannel, isPresentationRestricted, usableCallerNumber } from '../ari/ari-events';
import { AppChannel } from '../ari/ari-rest';
import { CallControl } from '../call-control.port';
import { CallKind, OwnedChannelEvent } from '../runtime/call-kind';
import { Clock, SessionLog } from '../runtime/clock';
import { StasisRouter } from '../runtime/stasis-router';
import { ParentLineSettings } from './parent-line-machine';
import { ParentLineDesk, ParentLineSession } from './parent-line-session';

/** How long an ended call's ids are remembered, so late ARI events are recognised and dropped. */
const FORGET_AFTER_MS = 60_000;
/** Each request (the code request, opening the list, a change) is one or two statements on PostgreSQL. */
export const CODE_REQUEST_TIMEOUT_MS = 8_000;

export interface ParentLineCallsDeps {
  config: CallFlowConfig;
  router: StasisRouter;
  control: CallControl;
  desk: ParentLineDesk;
  clock: Clock;
  log: SessionLog;
}

export function parentLineSettingsFrom(config: CallFlowConfig): ParentLineSettings {
  const { callFlow } = config;
  return {
    languages: LANGUAGES,
    languageChoiceTimeoutMs: callFlow.languageChoiceTimeoutMs,
    firstDigitTimeoutMs: callFlow.firstDigitTimeoutMs,
    interDigitTimeoutMs: callFlow.interDigitTimeoutMs,
    maxNumberAttempts: callFlow.maxNumberAttempts,
    requestTimeoutMs: CODE_REQUEST_TIMEOUT_MS,
    maxNumbers: MAX_CASCADE_NUMBERS,
  };
}

/**
 * The parents' line as a call kind: a channel entering Stasis as `parents` (the dialplan sends
 * the numbers SERVICE_NUMBERS marks `:parents` there) starts a session; its events become the
 * machine's events. Asterisk bounds the channel by itself (ALLOPARENTS_PARENT_LINE_LIMIT).
 */
export class ParentLineCalls implements CallKind {
  readonly name = 'parents';
  readonly roles = ['parents'] as const;
  private readonly sessions = new Map<string, ParentLineSession>();

  constructor(private readonly deps: ParentLineCallsDeps) {
    deps.router.register(this);
  }

  get activeCalls(): number {
    return [...this.sessions.values()].filter((s) => !s.ended).length;
  }

  arrived(channel: AriChannel, args: string[]): void {
    const { config, router, control, desk, clock, log } = this.deps;
    const [, did = '', pres, mode] = args;
    const callId = randomUUID();
    const session = new ParentLineSession(callId, channel.id, config.service.parentLineNumbers[did] ?? config.service.defaultLanguage, {
      control,
      desk,
      clock,
      log,
      settings: parentLineSettingsFrom(config),
      onPlayback: (playbackId) => router.ownPlayback(playbackId, callId, (id) => void session.dispatch({ type: 'PlaybackFinished', playbackId: id })),
      onEnded: () => setTimeout(() => this.forget(callId), FORGET_AFTER_MS).unref(),
    });
    this.sessions.set(callId, session);
    router.ownChannel(channel.id, callId, (event) => this.channelEvent(session, event));
    log.info({ callId, channelId: channel.id }, 'parents line call entered Stasis');
    const withheld = isPresentationRestricted(pres);
    void session.dispatch({ type: 'Arrived', language: config.service.parentLineNumbers[did] ?? config.service.defaultLanguage, callerNumber: withheld ? null : usableCallerNumber(channel.caller?.number), suspended: mode === 'suspended' });
  }

  /** After a (re)connection: a parents' call no session of this process owns is hung up (it can call again). */
  async orphaned(channel: AppChannel): Promise<void> {
    this.deps.log.warn({ channelId: channel.id }, 'stray parents line call in the Stasis app: hanging up');
    await this.deps.control.hangup(channel.id).catch(() => undefined);
  }

  async shutdown(): Promise<void> {
    const hangups: Promise<unknown>[] = [];
    for (const session of this.sessions.values()) {
      if (session.ended) continue;
      session.detach();
      hangups.push(this.deps.control.hangup(session.channelId).catch(() => undefined));
    }
    await Promise.all(hangups);
  }

  private channelEvent(session: ParentLineSession, event: OwnedChannelEvent): void {
    switch (event.type) {
      case 'ChannelDtmfReceived':
        void session.dispatch({ type: 'Dtmf', digit: event.digit });
        return;
      case 'StasisEnd':
      case 'ChannelDestroyed':
        void session.dispatch({ type: 'HungUp' });
        return;
      default:
        return;
    }
  }

  private forget(callId: string): void {
    this.sessions.delete(callId);
    this.deps.router.forget(callId);
  }
}

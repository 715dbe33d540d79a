import { randomUUID } from 'node:crypto';
import { checkDestination } from '../../cascades/domain/allowed-destinations';
import { CallFlowConfig } from '../../config/app-config';
import type { Language } from '../../languages';
import { AriChannel, legFailureFromCause } from '../ari/ari-events';
import { AppChannel } from '../ari/ari-rest';
import { CallControl } from '../call-control.port';
import { CallKind, OwnedChannelEvent } from '../runtime/call-kind';
import { Clock, SessionLog } from '../runtime/clock';
import { StasisRouter } from '../runtime/stasis-router';
import { AnnouncementDialler } from './announcement-dialler';
import { AnnouncementPurpose, AnnouncementResult } from './announcement-machine';
import { AnnouncementSession } from './announcement-session';

export interface AnnouncementCallsDeps {
  config: CallFlowConfig;
  router: StasisRouter;
  control: CallControl;
  clock: Clock;
  log: SessionLog;
}

/**
 * The announcement calls as a call kind: one session per call (announcement-session.ts), its
 * channel and playbacks claimed before they exist; the call enters Stasis as
 * `notice,<call id>,<AMD status>` once answered.
 */
export class AnnouncementCalls implements AnnouncementDialler, CallKind {
  readonly name = 'announcement';
  readonly roles = ['notice'] as const;
  private readonly sessions = new Map<string, AnnouncementSession>();
  private readonly answered = new Set<string>();

  constructor(private readonly deps: AnnouncementCallsDeps) {
    deps.router.register(this);
  }

  async call(request: { number: string; language: Language; purpose: AnnouncementPurpose }): Promise<AnnouncementResult> {
    const { config, router, control, clock, log } = this.deps;
    const callId = randomUUID();
    // A number saved before the operator narrowed the allowed destinations is never dialled,
    // whoever asks (docs/security.md, "Limits on what the service dials").
    if (!checkDestination(request.number, config.limits.destinations).allowed) {
      log.warn({ callId, purpose: request.purpose.kind }, 'announcement call not placed: the number is outside the allowed destinations');
      return 'failed';
    }
    const session = new AnnouncementSession(callId, request.number, request.language, request.purpose, {
      control,
      clock,
      settings: { ringTimeoutMs: config.callFlow.legRingTimeoutMs, keyWindowMs: config.callFlow.confirmWindowMs },
      callerId: config.service.number,
      log,
      onPlayback: (playbackId) => router.ownPlayback(playbackId, callId, (id) => void session.dispatch({ type: 'PlaybackFinished', playbackId: id })),
    });
    this.sessions.set(callId, session);
    router.ownChannel(session.channelId, callId, (event) => this.channelEvent(session, event));
    void session.dispatch({ type: 'Start' });
    try {
      return await session.result;
    } finally {
      this.sessions.delete(callId);
      this.answered.delete(callId);
      router.forget(callId);
    }
  }

  arrived(channel: AriChannel, args: string[]): void {
    const session = this.sessions.get(args[1]);
    if (!session || session.channelId !== channel.id) {
      // Nobody waits for it any more (the app restarted, or the call already ended).
      void this.deps.control.hangup(channel.id).catch(() => undefined);
      return;
    }
    this.answered.add(session.callId);
    void session.dispatch({ type: 'Answered', machineDetected: args[2] === 'MACHINE' });
  }

  /** After a (re)connection: an announcement call no session of this process owns (a previous process's) is hung up. */
  async orphaned(channel: AppChannel): Promise<void> {
    this.deps.log.warn({ channelId: channel.id }, 'stray announcement call in the Stasis app: hanging up');
    await this.deps.control.hangup(channel.id).catch(() => undefined);
  }

  private channelEvent(session: AnnouncementSession, event: OwnedChannelEvent): void {
    switch (event.type) {
      case 'ChannelDtmfReceived':
        void session.dispatch({ type: 'Dtmf', digit: event.digit });
        return;
      case 'StasisEnd':
      case 'ChannelDestroyed': {
        const answered = this.answered.has(session.callId);
        // Before the answer the call is in the dialplan, not in Stasis: only its destruction counts.
        if (event.type === 'StasisEnd' && !answered) return;
        void session.dispatch(answered ? { type: 'HungUp' } : { type: 'Failed', reason: legFailureFromCause(event.type === 'ChannelDestroyed' ? event.cause : 0) });
        return;
      }
      default:
        return;
    }
  }
}

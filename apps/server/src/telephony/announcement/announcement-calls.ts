import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { checkDestination } from '../../cascades/domain/allowed-destinations';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import type { AriCallControl } from '../ari/ari-call-control';
import { AriEventOf, legFailureFromCause } from '../ari/ari-events';
import { AriGateway } from '../ari/ari-gateway';
import { type AriRest, channelsInAppAfterConnect } from '../ari/ari-rest';
import { systemClock } from '../runtime/clock';
import { AnnouncementDialler } from './announcement-dialler';
import { AnnouncementLang, AnnouncementPurpose, AnnouncementResult } from './announcement-machine';
import { AnnouncementSession } from './announcement-session';

/**
 * The ARI edge of the announcement calls: one session per call, ARI events routed to it by
 * channel (the Stasis arguments `notice,<call id>,<AMD status>`) and by playback id.
 */
@Injectable()
export class AnnouncementCalls implements AnnouncementDialler, OnModuleInit {
  private readonly log = new Logger('AnnouncementCall');
  private readonly sessions = new Map<string, AnnouncementSession>();
  private readonly playbacks = new Map<string, string>();
  private readonly answered = new Set<string>();
  private readonly control: AriCallControl;
  private readonly rest: AriRest;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ari: AriGateway,
  ) {
    this.rest = ari.rest;
    this.control = ari.control;
  }

  onModuleInit(): void {
    this.ari.onEvent((event) => this.route(event as unknown as AriEventOf));
    this.ari.onConnected(() => void this.hangUpStrays());
  }

  async call(request: { number: string; language: AnnouncementLang; purpose: AnnouncementPurpose }): Promise<AnnouncementResult> {
    const callId = randomUUID();
    // A number saved before the operator narrowed the allowed destinations is never dialled,
    // whoever asks (docs/security.md, "Limits on what the service dials").
    if (!checkDestination(request.number, this.config.limits.destinations).allowed) {
      this.log.warn({ callId, purpose: request.purpose.kind }, 'announcement call not placed: the number is outside the allowed destinations');
      return 'failed';
    }
    const session = new AnnouncementSession(callId, request.number, request.language, request.purpose, {
      control: this.control,
      clock: systemClock,
      settings: { ringTimeoutMs: this.config.callFlow.legRingTimeoutMs, keyWindowMs: this.config.callFlow.confirmWindowMs },
      callerId: this.config.service.number,
      log: { info: (f, m) => this.log.log(f, m), warn: (f, m) => this.log.warn(f, m) },
      onPlayback: (playbackId) => this.playbacks.set(playbackId, callId),
    });
    this.sessions.set(callId, session);
    void session.dispatch({ type: 'Start' });
    try {
      return await session.result;
    } finally {
      this.sessions.delete(callId);
      this.answered.delete(callId);
      for (const [id, owner] of this.playbacks) if (owner === callId) this.playbacks.delete(id);
    }
  }

  /**
   * After a (re)connection: announcement calls in our Stasis app that no session owns (left by a
   * previous process) are hung up; the ones still running here carry on.
   */
  private async hangUpStrays(): Promise<void> {
    const channels = await channelsInAppAfterConnect(this.rest, this.config.ari.app, this.log);
    for (const channel of channels) {
      if (channel.args[0] !== 'notice' || this.sessions.has(channel.id)) continue;
      this.log.warn({ channelId: channel.id }, 'stray announcement call in the Stasis app: hanging up');
      await this.control.hangup(channel.id).catch(() => undefined);
    }
  }

  private route(event: AriEventOf): void {
    switch (event.type) {
      case 'StasisStart': {
        if (event.args[0] !== 'notice') return;
        const session = this.sessions.get(event.args[1]);
        if (!session || session.channelId !== event.channel.id) {
          // Nobody waits for it any more (the app restarted, or the call already ended).
          void this.control.hangup(event.channel.id).catch(() => undefined);
          return;
        }
        this.answered.add(session.callId);
        void session.dispatch({ type: 'Answered', machineDetected: event.args[2] === 'MACHINE' });
        return;
      }
      case 'ChannelDtmfReceived':
        void this.sessions.get(event.channel.id)?.dispatch({ type: 'Dtmf', digit: event.digit });
        return;
      case 'PlaybackFinished': {
        const callId = this.playbacks.get(event.playback.id);
        if (callId) void this.sessions.get(callId)?.dispatch({ type: 'PlaybackFinished', playbackId: event.playback.id });
        return;
      }
      case 'StasisEnd':
      case 'ChannelDestroyed': {
        const session = this.sessions.get(event.channel.id);
        if (!session) return;
        const answered = this.answered.has(session.callId);
        // Before the answer the call is in the dialplan, not in Stasis: only its destruction counts.
        if (event.type === 'StasisEnd' && !answered) return;
        void session.dispatch(answered ? { type: 'HungUp' } : { type: 'Failed', reason: legFailureFromCause((event as { cause: number }).cause) });
        return;
      }
      default:
        return;
    }
  }
}

import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CallRecords } from '../calls/call-records';
import { FinderLookupService } from '../cascades/finder-lookup.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Metrics } from '../metrics/metrics';
import { AdoptedBridges } from './adopted-bridges';
import type { AriCallControl } from './ari/ari-call-control';
import { AriChannel, AriEventOf, isPresentationRestricted, legFailureFromCause, usableCallerNumber } from './ari/ari-events';
import { AriGateway } from './ari/ari-gateway';
import { type AriRest, channelsInAppAfterConnect } from './ari/ari-rest';
import { CallSession, CallSessionDeps } from './call-flow/call-session';
import { FinderCallMetrics } from './call-flow/call-metrics';
import { systemClock } from './runtime/clock';
import { ChildNameVoice, EspeakChildNameVoice } from './prompts/child-name-voice';
import { flowSettingsFrom } from './call-flow/flow-settings';
import { CALL_RECORDS, FINDER_LOOKUP } from './telephony.tokens';
import { channelLimits } from './channel-limits';

interface ChannelEntry {
  callId: string;
  role: 'finder' | 'leg';
  legId?: string;
  answered?: boolean;
  ringing?: boolean;
  gone?: boolean;
}

/** How long an ended call's ids are remembered, so late ARI events are recognised and dropped. */
const FORGET_AFTER_MS = 60_000;

/**
 * The ARI edge of the call flow: creates a session per finder, routes every ARI event to the
 * session that owns the channel or playback, and rescues calls left in the app after a restart.
 */
@Injectable()
export class CallRegistry implements OnModuleInit, BeforeApplicationShutdown {
  private readonly log = new Logger('CallFlow');
  private readonly sessions = new Map<string, CallSession>();
  private readonly channels = new Map<string, ChannelEntry>();
  private readonly playbacks = new Map<string, string>();
  private readonly control: AriCallControl;
  private readonly rest: AriRest;
  private readonly childName: ChildNameVoice;
  private readonly adopted = new AdoptedBridges();
  private readonly callMetrics: FinderCallMetrics;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ari: AriGateway,
    metrics: Metrics,
    @Inject(FINDER_LOOKUP) private readonly lookup: FinderLookupService,
    @Inject(CALL_RECORDS) private readonly records: CallRecords,
  ) {
    this.rest = ari.rest;
    this.control = ari.control;
    this.childName = new EspeakChildNameVoice(config.asteriskSoundsDir);
    this.callMetrics = new FinderCallMetrics(metrics);
  }

  onModuleInit(): void {
    this.ari.onEvent((event) => this.route(event as unknown as AriEventOf));
    this.ari.onConnected(() => void this.rescueOrphans());
  }

  /**
   * Graceful shutdown (SIGTERM, a deploy): finders still waiting go to the hotline through the
   * dialplan and their ringing legs are cancelled; connected calls stay bridged in Asterisk.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const handoffs: Promise<unknown>[] = [];
    for (const session of this.sessions.values()) {
      if (session.ended) continue;
      session.detach();
      if (session.connected) continue;
      this.log.warn({ callId: session.callId }, 'shutting down: handing the finder to the hotline');
      handoffs.push(this.control.sendToHotlineFallback(session.finderChannelId).catch(() => undefined));
      for (const [channelId, entry] of this.channels) {
        if (entry.callId === session.callId && entry.role === 'leg' && !entry.gone) handoffs.push(this.control.hangup(channelId).catch(() => undefined));
      }
    }
    await Promise.all(handoffs);
  }

  get activeCalls(): number {
    return [...this.sessions.values()].filter((s) => !s.ended).length;
  }

  private route(event: AriEventOf): void {
    switch (event.type) {
      case 'StasisStart':
        if (event.args[0] === 'finder') return this.finderArrived(event.channel, event.args);
        if (event.args[0] === 'leg') return this.legAnswered(event.channel, event.args);
        return;
      case 'ChannelStateChange': {
        const entry = this.channels.get(event.channel.id);
        if (entry?.role === 'leg' && !entry.ringing && event.channel.state === 'Ringing') {
          entry.ringing = true;
          this.dispatch(entry, { type: 'LegRinging', legId: entry.legId! });
        }
        return;
      }
      case 'ChannelDtmfReceived': {
        const entry = this.channels.get(event.channel.id);
        if (!entry) return;
        this.dispatch(entry, entry.role === 'finder' ? { type: 'FinderDtmf', digit: event.digit } : { type: 'LegDtmf', legId: entry.legId!, digit: event.digit });
        return;
      }
      case 'PlaybackFinished': {
        const callId = this.playbacks.get(event.playback.id);
        if (callId) this.sessions.get(callId)?.dispatch({ type: 'PlaybackFinished', playbackId: event.playback.id });
        return;
      }
      case 'StasisEnd':
      case 'ChannelDestroyed': {
        if (this.adopted.has(event.channel.id)) return this.adoptedChannelGone(event.channel.id);
        const entry = this.channels.get(event.channel.id);
        if (!entry || entry.gone) return;
        // A parent leg leaves no Stasis before it is answered; only its destruction counts then.
        if (event.type === 'StasisEnd' && entry.role === 'leg' && !entry.answered) return;
        entry.gone = true;
        if (entry.role === 'finder') this.dispatch(entry, { type: 'FinderHungUp' });
        else if (entry.answered) this.dispatch(entry, { type: 'LegHungUp', legId: entry.legId! });
        else this.dispatch(entry, { type: 'LegFailed', legId: entry.legId!, reason: legFailureFromCause((event as { cause: number }).cause) });
        return;
      }
    }
  }

  private finderArrived(channel: AriChannel, args: string[]): void {
    const [, did = '', pres, mode] = args;
    const callId = randomUUID();
    this.channels.set(channel.id, { callId, role: 'finder' });
    const session = new CallSession(callId, channel.id, this.sessionDeps(callId));
    this.sessions.set(callId, session);
    this.log.log({ callId, channelId: channel.id }, 'finder call entered Stasis');
    void this.records.callStarted(callId, new Date()).catch((error: unknown) => this.log.warn({ callId, reason: (error as Error).message }, 'could not record the call start'));
    void session.dispatch({
      type: 'FinderArrived',
      callerNumber: usableCallerNumber(channel.caller?.number),
      presentationRestricted: isPresentationRestricted(pres),
      language: this.config.service.numbers[did] ?? this.config.service.defaultLanguage,
      suspended: mode === 'suspended',
    });
  }

  private legAnswered(channel: AriChannel, args: string[]): void {
    const [, legId, amdStatus] = args;
    const entry = this.channels.get(channel.id);
    if (!entry || entry.legId !== legId || entry.gone) {
      // A leg whose call is gone (finder hung up, app restarted): nobody is waiting for it.
      void this.control.hangup(channel.id).catch(() => undefined);
      return;
    }
    entry.answered = true;
    this.dispatch(entry, { type: 'LegAnswered', legId: entry.legId!, machineDetected: amdStatus === 'MACHINE' });
  }

  private dispatch(entry: ChannelEntry, event: Parameters<CallSession['dispatch']>[0]): void {
    const session = this.sessions.get(entry.callId);
    if (session) void session.dispatch(event);
  }

  private sessionDeps(callId: string): CallSessionDeps {
    return {
      control: this.control,
      lookUp: (id, nationalNumber, callerNumber) => this.lookup.lookUp(id, nationalNumber, callerNumber),
      records: this.records,
      settings: flowSettingsFrom(this.config),
      clock: systemClock,
      childName: this.childName,
      log: { info: (f, m) => this.log.log(f, m), warn: (f, m) => this.log.warn(f, m) },
      deadline: {
        seconds: this.config.callFlow.deadmanSeconds,
        refreshMs: (this.config.callFlow.deadmanSeconds * 1000) / 3,
        maxCallSeconds: channelLimits(this.config).maxCallSeconds,
      },
      owns: {
        legChannel: (legId, channelId) => this.channels.set(channelId, { callId, role: 'leg', legId }),
        playback: (playbackId) => this.playbacks.set(playbackId, callId),
      },
      observers: [
        this.callMetrics,
        {
          transition: ({ commands }) => {
            if (commands.some((c) => c.type === 'recordCallEnd')) setTimeout(() => this.forget(callId), FORGET_AFTER_MS).unref();
          },
        },
      ],
    };
  }

  private forget(callId: string): void {
    this.sessions.delete(callId);
    for (const [id, entry] of this.channels) if (entry.callId === callId) this.channels.delete(id);
    for (const [id, owner] of this.playbacks) if (owner === callId) this.playbacks.delete(id);
  }

  /**
   * After a (re)connection: channels still in our Stasis app that no session owns were left by a
   * previous process or a lost connection. Finders go to the hotline; stray legs are hung up.
   */
  private async rescueOrphans(): Promise<void> {
    const channels = await channelsInAppAfterConnect(this.rest, this.config.ari.app, this.log);
    const orphans = channels.filter((channel) => !this.channels.has(channel.id) && !this.adopted.has(channel.id));
    const connected = orphans.length > 0 ? await this.connectedPairs(new Set(orphans.map((c) => c.id))) : new Map<string, string[]>();
    for (const [bridgeId, members] of connected) {
      this.log.warn({ bridgeId }, 'connected call left by a previous process: adopted, kept bridged');
      this.adopted.adopt(bridgeId, members);
    }
    for (const channel of orphans) {
      if (this.adopted.has(channel.id)) continue;
      const [role] = channel.args;
      // Announcement calls to parents have their own owner (announcement/announcement-calls.ts).
      if (role === 'notice') continue;
      this.log.warn({ channelId: channel.id, role }, 'orphaned channel in the Stasis app');
      const rescue = role === 'finder' ? this.control.sendToHotlineFallback(channel.id) : this.control.hangup(channel.id);
      await rescue.catch((error: unknown) => this.log.warn({ channelId: channel.id, reason: (error as Error).message }, 'could not rescue an orphaned channel'));
    }
  }

  /**
   * The bridges in which two or more of these orphans still talk (a finder connected to a parent
   * or the hotline before the previous process went away), by bridge id. A listing that fails
   * reads as none: the orphans are then rescued like any other.
   */
  private async connectedPairs(orphans: Set<string>): Promise<Map<string, string[]>> {
    const bridges = await this.rest.request<{ id: string; channels: string[] }[]>('GET', '/bridges').catch((error: Error) => {
      this.log.warn({ reason: error.message }, 'could not list bridges after connecting');
      return [];
    });
    const pairs = new Map<string, string[]>();
    for (const bridge of bridges) {
      const members = bridge.channels.filter((id) => orphans.has(id));
      if (members.length >= 2) pairs.set(bridge.id, members);
    }
    return pairs;
  }

  /** One side of an adopted connected call hung up: the other is hung up too, and the bridge goes. */
  private adoptedChannelGone(channelId: string): void {
    const gone = this.adopted.channelGone(channelId);
    if (!gone) return;
    this.log.log({ bridgeId: gone.bridgeId }, 'adopted connected call ended');
    for (const other of gone.hangUp) void this.control.hangup(other).catch(() => undefined);
    void this.rest.request('DELETE', `/bridges/${encodeURIComponent(gone.bridgeId)}`).catch(() => undefined);
  }
}

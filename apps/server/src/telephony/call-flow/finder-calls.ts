import { randomUUID } from 'node:crypto';
import { CallRecords } from '../../calls/call-records';
import { FinderLookupService } from '../../cascades/finder-lookup.service';
import { CallFlowConfig } from '../../config/app-config';
import { AriChannel, isAlerting, isPresentationRestricted, legFailureFromCause, usableCallerNumber } from '../ari/ari-events';
import { AppChannel } from '../ari/ari-rest';
import { CallControl } from '../call-control.port';
import { channelLimits } from '../channel-limits';
import { ChildNameVoice } from '../prompts/child-name-voice';
import { CallKind, OwnedChannelEvent } from '../runtime/call-kind';
import { Clock, SessionLog } from '../runtime/clock';
import { StasisRouter } from '../runtime/stasis-router';
import { CallSession, CallSessionDeps, FinderTransitionObserver } from './call-session';
import { flowSettingsFrom } from './flow-settings';
import { CallEvent } from './types';

interface ChannelEntry {
  callId: string;
  role: 'finder' | 'leg';
  legId?: string;
  answered?: boolean;
  ringing?: boolean;
  /** The far end answered (before AMD hands the leg over: `answered`). */
  pickedUp?: boolean;
  gone?: boolean;
}

/** How long an ended call's ids are remembered, so late ARI events are recognised and dropped. */
export const FORGET_AFTER_MS = 60_000;

export interface FinderCallsDeps {
  config: CallFlowConfig;
  router: StasisRouter;
  control: CallControl;
  lookup: Pick<FinderLookupService, 'lookUp'>;
  records: CallRecords;
  childName: ChildNameVoice;
  clock: Clock;
  log: SessionLog;
  /** Shown every transition of every finder's call (the metrics). */
  observers: readonly FinderTransitionObserver[];
}

/**
 * The finder's call as a call kind: a channel entering Stasis as `finder` starts a session
 * (call-session.ts); the channels of its legs and its playbacks are claimed before they exist,
 * and their ARI events become the machine's events (a leg's ringing, its answer as it enters
 * Stasis as `leg` with the AMD verdict, keys, its end and Q.850 cause).
 */
export class FinderCalls implements CallKind {
  readonly name = 'finder';
  readonly roles = ['finder', 'leg'] as const;
  private readonly sessions = new Map<string, CallSession>();
  /** The finders' and legs' channels of the calls in progress (and of those ended within FORGET_AFTER_MS). */
  private readonly channels = new Map<string, ChannelEntry>();

  constructor(private readonly deps: FinderCallsDeps) {
    deps.router.register(this);
  }

  get activeCalls(): number {
    return [...this.sessions.values()].filter((s) => !s.ended).length;
  }

  arrived(channel: AriChannel, args: string[]): void {
    if (args[0] === 'finder') return this.finderArrived(channel, args);
    const [, legId, amdStatus] = args;
    const entry = this.channels.get(channel.id);
    if (!entry || entry.legId !== legId || entry.gone) {
      // A leg whose call is gone (finder hung up, app restarted): nobody is waiting for it.
      void this.deps.control.hangup(channel.id).catch(() => undefined);
      return;
    }
    entry.answered = true;
    this.dispatch(entry.callId, { type: 'LegAnswered', legId: entry.legId!, machineDetected: amdStatus === 'MACHINE' });
  }

  async orphaned(channel: AppChannel): Promise<void> {
    const [role] = channel.args;
    this.deps.log.warn({ channelId: channel.id, role }, 'orphaned channel in the Stasis app');
    await (role === 'finder' ? this.deps.control.sendToHotlineFallback(channel.id) : this.deps.control.hangup(channel.id));
  }

  /**
   * Graceful shutdown (SIGTERM, a deploy): finders still waiting go to the hotline through the
   * dialplan and their ringing legs are cancelled; connected calls stay bridged in Asterisk.
   */
  async shutdown(): Promise<void> {
    const { control, log } = this.deps;
    const handoffs: Promise<unknown>[] = [];
    for (const session of this.sessions.values()) {
      if (session.ended) continue;
      session.detach();
      if (session.connected) continue;
      log.warn({ callId: session.callId }, 'shutting down: handing the finder to the hotline');
      handoffs.push(control.sendToHotlineFallback(session.finderChannelId).catch(() => undefined));
      for (const [channelId, entry] of this.channels) {
        if (entry.callId === session.callId && entry.role === 'leg' && !entry.gone) handoffs.push(control.hangup(channelId).catch(() => undefined));
      }
    }
    await Promise.all(handoffs);
  }

  private finderArrived(channel: AriChannel, args: string[]): void {
    const { config, log, records } = this.deps;
    const [, did = '', pres, mode] = args;
    const callId = randomUUID();
    this.claim(channel.id, { callId, role: 'finder' });
    const session = new CallSession(callId, channel.id, this.sessionDeps(callId));
    this.sessions.set(callId, session);
    log.info({ callId, channelId: channel.id }, 'finder call entered Stasis');
    void records.callStarted(callId, new Date()).catch((error: unknown) => log.warn({ callId, reason: (error as Error).message }, 'could not record the call start'));
    void session.dispatch({
      type: 'FinderArrived',
      callerNumber: usableCallerNumber(channel.caller?.number),
      presentationRestricted: isPresentationRestricted(pres),
      language: config.service.numbers[did] ?? config.service.defaultLanguage,
      suspended: mode === 'suspended',
    });
  }

  private claim(channelId: string, entry: ChannelEntry): void {
    this.channels.set(channelId, entry);
    this.deps.router.ownChannel(channelId, entry.callId, (event) => this.channelEvent(entry, event));
  }

  /** An event of a finder's or a leg's channel, as the machine hears it. */
  private channelEvent(entry: ChannelEntry, event: OwnedChannelEvent): void {
    switch (event.type) {
      case 'ChannelStateChange':
      case 'Dial': {
        if (entry.role !== 'leg') return;
        // 180 Ringing sets the channel's state; 183 Session Progress (early media) shows only in the dial's status.
        const alerting = event.type === 'Dial' ? isAlerting(event.dialstatus) : event.channel.state === 'Ringing';
        const pickedUp = event.type === 'Dial' ? event.dialstatus === 'ANSWER' : event.channel.state === 'Up';
        if (alerting && !entry.ringing) {
          entry.ringing = true;
          this.dispatch(entry.callId, { type: 'LegRinging', legId: entry.legId! });
        }
        if (pickedUp && !entry.pickedUp && !entry.answered) {
          entry.pickedUp = true;
          this.dispatch(entry.callId, { type: 'LegPickedUp', legId: entry.legId! });
        }
        return;
      }
      case 'ChannelDtmfReceived':
        return this.dispatch(entry.callId, entry.role === 'finder' ? { type: 'FinderDtmf', digit: event.digit } : { type: 'LegDtmf', legId: entry.legId!, digit: event.digit });
      case 'StasisEnd':
      case 'ChannelDestroyed':
        if (entry.gone) return;
        // A parent leg leaves no Stasis before it is answered; only its destruction counts then.
        if (event.type === 'StasisEnd' && entry.role === 'leg' && !entry.answered) return;
        entry.gone = true;
        if (entry.role === 'finder') return this.dispatch(entry.callId, { type: 'FinderHungUp' });
        if (entry.answered) return this.dispatch(entry.callId, { type: 'LegHungUp', legId: entry.legId! });
        return this.dispatch(entry.callId, { type: 'LegFailed', legId: entry.legId!, reason: legFailureFromCause(event.type === 'ChannelDestroyed' ? event.cause : 0) });
    }
  }

  private dispatch(callId: string, event: CallEvent): void {
    const session = this.sessions.get(callId);
    if (session) void session.dispatch(event);
  }

  private sessionDeps(callId: string): CallSessionDeps {
    const { config, control, lookup, records, childName, clock, log, router } = this.deps;
    return {
      control,
      lookUp: (id, nationalNumber, callerNumber) => lookup.lookUp(id, nationalNumber, callerNumber),
      records,
      settings: flowSettingsFrom(config),
      clock,
      childName,
      log,
      deadline: {
        seconds: config.callFlow.deadmanSeconds,
        refreshMs: (config.callFlow.deadmanSeconds * 1000) / 3,
        maxCallSeconds: channelLimits(config).maxCallSeconds,
      },
      owns: {
        legChannel: (legId, channelId) => this.claim(channelId, { callId, role: 'leg', legId }),
        playback: (playbackId) => router.ownPlayback(playbackId, callId, (id) => this.dispatch(callId, { type: 'PlaybackFinished', playbackId: id })),
      },
      observers: [
        ...this.deps.observers,
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
    this.deps.router.forget(callId);
    for (const [id, entry] of this.channels) if (entry.callId === callId) this.channels.delete(id);
  }
}

import type { BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AriEventOf } from '../ari/ari-events';
import { CallKind, OwnedChannelEvent } from './call-kind';
import { StasisAdapter } from './stasis-adapter.port';

interface Owner<T> {
  callId: string;
  handle(event: T): void;
}

/** The ARI events the router hands on; any other is nobody's business here. */
const ROUTED: ReadonlySet<string> = new Set<AriEventOf['type']>(['StasisStart', 'StasisEnd', 'ChannelStateChange', 'ChannelDestroyed', 'ChannelDtmfReceived', 'Dial', 'PlaybackFinished']);

/**
 * The one entry of ARI events into the calls. A channel entering Stasis goes to the call kind
 * registered for its role, the first Stasis argument (`finder`, `leg`, `notice`…): a new call,
 * or a channel the kind dialled and that was answered. After that, the events of a channel or a
 * playback that a call owns (it said so before dialling or playing) go to that call; anything
 * else is dropped. Kinds register here; the router knows nothing of what any of them does.
 */
export class StasisRouter implements OnModuleInit, BeforeApplicationShutdown {
  private readonly kinds = new Map<string, CallKind>();
  private readonly channels = new Map<string, Owner<OwnedChannelEvent>>();
  private readonly playbacks = new Map<string, Owner<string>>();

  constructor(private readonly adapter: StasisAdapter) {}

  onModuleInit(): void {
    this.adapter.onEvent((event) => this.route(event));
  }

  /** Graceful shutdown (SIGTERM, a deploy): every kind deals with its calls in progress. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...new Set(this.kinds.values())].map((kind) => kind.shutdown?.()));
  }

  /** A kind takes the new channels of its roles; a role has one kind. */
  register(kind: CallKind): void {
    for (const role of kind.roles) {
      const taken = this.kinds.get(role);
      if (taken && taken !== kind) throw new Error(`the Stasis role '${role}' is already ${taken.name}'s`);
    }
    for (const role of kind.roles) this.kinds.set(role, kind);
  }

  kindFor(role: string | undefined): CallKind | undefined {
    return role === undefined ? undefined : this.kinds.get(role);
  }

  /** From now on the channel's events (but its StasisStart, which goes by role) go to `handle`, until the call is forgotten. */
  ownChannel(channelId: string, callId: string, handle: (event: OwnedChannelEvent) => void): void {
    this.channels.set(channelId, { callId, handle });
  }

  /** From now on the playback's end goes to `handle` (with its id), until the call is forgotten. */
  ownPlayback(playbackId: string, callId: string, handle: (playbackId: string) => void): void {
    this.playbacks.set(playbackId, { callId, handle });
  }

  owns(channelId: string): boolean {
    return this.channels.has(channelId);
  }

  /** The call is over and its late events are no longer worth recognising: its channels and playbacks are nobody's. */
  forget(callId: string): void {
    for (const [id, owner] of this.channels) if (owner.callId === callId) this.channels.delete(id);
    for (const [id, owner] of this.playbacks) if (owner.callId === callId) this.playbacks.delete(id);
  }

  route(event: AriEventOf): void {
    if (!ROUTED.has(event.type)) return;
    if (event.type === 'PlaybackFinished') {
      this.playbacks.get(event.playback.id)?.handle(event.playback.id);
      return;
    }
    if (event.type === 'StasisStart') {
      this.kindFor(event.args[0])?.arrived(event.channel, event.args);
      return;
    }
    // A dial's progress belongs to the channel being dialled.
    this.channels.get(event.type === 'Dial' ? event.peer.id : event.channel.id)?.handle(event);
  }
}

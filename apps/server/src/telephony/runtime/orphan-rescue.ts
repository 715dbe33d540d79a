import type { OnModuleInit } from '@nestjs/common';
import { AppChannel } from '../ari/ari-rest';
import { AdoptedBridges } from './adopted-bridges';
import { SessionLog } from './clock';
import { StasisAdapter } from './stasis-adapter.port';
import { StasisRouter } from './stasis-router';

/**
 * After a (re)connection: channels still in our Stasis app that no call of this process owns
 * were left by a previous process or a lost connection. Connected calls (two or more of them in
 * one bridge) are adopted and stay bridged; every other orphan goes to the kind of its role
 * (a finder to the hotline, a leg or an announcement call hung up); a channel of no known role
 * is hung up.
 */
export class OrphanRescue implements OnModuleInit {
  private readonly adopted = new AdoptedBridges();

  constructor(
    private readonly adapter: StasisAdapter,
    private readonly router: StasisRouter,
    private readonly log: SessionLog,
  ) {}

  onModuleInit(): void {
    this.adapter.onConnected(() => void this.rescue());
  }

  async rescue(): Promise<void> {
    const channels = await this.adapter.channelsInApp();
    const orphans = channels.filter((channel) => !this.router.owns(channel.id));
    if (orphans.length === 0) return;
    for (const [bridgeId, members] of await this.connectedPairs(new Set(orphans.map((c) => c.id)))) this.adopt(bridgeId, members);
    for (const channel of orphans) {
      if (this.adopted.has(channel.id)) continue;
      await this.rescueOne(channel).catch((error: unknown) => this.log.warn({ channelId: channel.id, reason: (error as Error).message }, 'could not rescue an orphaned channel'));
    }
  }

  private rescueOne(channel: AppChannel): Promise<void> {
    const kind = this.router.kindFor(channel.args[0]);
    if (kind) return kind.orphaned(channel);
    this.log.warn({ channelId: channel.id, role: channel.args[0] }, 'orphaned channel in the Stasis app');
    return this.adapter.control.hangup(channel.id);
  }

  /**
   * The bridges in which two or more of these orphans still talk (a finder connected to a parent
   * or the hotline before the previous process went away), by bridge id. A listing that fails
   * reads as none: the orphans are then rescued like any other.
   */
  private async connectedPairs(orphans: Set<string>): Promise<Map<string, string[]>> {
    const bridges = await this.adapter.bridges().catch((error: Error) => {
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

  /** The one thing the lost session would still have done: when either side hangs up, hang up the other. */
  private adopt(bridgeId: string, members: string[]): void {
    this.log.warn({ bridgeId }, 'connected call left by a previous process: adopted, kept bridged');
    this.adopted.adopt(bridgeId, members);
    const owner = `adopted:${bridgeId}`;
    for (const channelId of members) {
      this.router.ownChannel(channelId, owner, (event) => {
        if (event.type === 'StasisEnd' || event.type === 'ChannelDestroyed') this.channelGone(channelId, owner);
      });
    }
  }

  private channelGone(channelId: string, owner: string): void {
    const gone = this.adopted.channelGone(channelId);
    if (!gone) return;
    this.router.forget(owner);
    this.log.info({ bridgeId: gone.bridgeId }, 'adopted connected call ended');
    for (const other of gone.hangUp) void this.adapter.control.hangup(other).catch(() => undefined);
    void this.adapter.deleteBridge(gone.bridgeId).catch(() => undefined);
  }
}

/**
 * Connected calls a previous process left behind (it crashed or restarted): the finder and the
 * parent (or the hotline) still talk in the bridge it made, and Asterisk keeps it without us. This
 * process adopts them rather than tearing them down, and does the one thing the lost session
 * would still have done: when either side hangs up, hang up the other.
 */
export class AdoptedBridges {
  private readonly bridgeOf = new Map<string, string>();
  private readonly members = new Map<string, Set<string>>();

  /** A bridge of ours with two or more channels and no session: a connected call. */
  adopt(bridgeId: string, channelIds: string[]): void {
    const members = this.members.get(bridgeId) ?? new Set<string>();
    for (const id of channelIds) {
      members.add(id);
      this.bridgeOf.set(id, bridgeId);
    }
    this.members.set(bridgeId, members);
  }

  has(channelId: string): boolean {
    return this.bridgeOf.has(channelId);
  }

  /**
   * A channel of an adopted bridge has gone: returns the bridge and the channels to hang up (the
   * others), and forgets them all; null when the channel is not one of them.
   */
  channelGone(channelId: string): { bridgeId: string; hangUp: string[] } | null {
    const bridgeId = this.bridgeOf.get(channelId);
    if (bridgeId === undefined) return null;
    const members = this.members.get(bridgeId) ?? new Set<string>();
    this.members.delete(bridgeId);
    for (const id of members) this.bridgeOf.delete(id);
    return { bridgeId, hangUp: [...members].filter((id) => id !== channelId) };
  }

  get size(): number {
    return this.members.size;
  }
}

import { CallControl, OutboundLeg } from './call-control.port';

/**
 * The unit specs' CallControl: records every request as a short line ("answer ch",
 * "play ch uri+uri", "originate parent ch", "hangup ch"), keeps the legs dialled and the
 * playbacks started, and fails the methods named in `failing` (by their first word).
 */
export class FakeCallControl implements CallControl {
  readonly calls: string[] = [];
  readonly legs: OutboundLeg[] = [];
  readonly plays: { id: string; media: string[] }[] = [];
  readonly failing = new Set<string>();

  get playbackIds(): string[] {
    return this.plays.map((p) => p.id);
  }

  private async record(what: string): Promise<void> {
    this.calls.push(what);
    if (this.failing.has(what.split(' ')[0])) throw new Error(`${what} failed`);
  }

  answer = (ch: string) => this.record(`answer ${ch}`);
  play = (ch: string, id: string, media: string[]) => {
    this.plays.push({ id, media });
    return this.record(`play ${ch} ${media.join('+')}`);
  };
  stopPlayback = (id: string) => this.record(`stopPlayback ${id}`);
  startHold = (ch: string) => this.record(`startHold ${ch}`);
  stopHold = (ch: string) => this.record(`stopHold ${ch}`);
  originate = (leg: OutboundLeg) => {
    this.legs.push(leg);
    return this.record(`originate ${leg.kind} ${leg.channelId}`);
  };
  hangup = (ch: string) => this.record(`hangup ${ch}`);
  bridge = (_id: string, chs: string[]) => this.record(`bridge ${chs.join('+')}`);
  setDeadline = (ch: string, s: number) => this.record(`setDeadline ${ch} ${s}`);
  limitConnectedCall = (finder: string, leg: string, s: number) => this.record(`limitConnectedCall ${finder} ${leg} ${s}`);
  clearConnectedCall = (finder: string) => this.record(`clearConnectedCall ${finder}`);
  sendToHotlineFallback = (ch: string) => this.record(`sendToHotlineFallback ${ch}`);
}

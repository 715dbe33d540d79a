import { CallControl, OutboundLeg } from './call-control.port';

/**
 * The unit specs' CallControl: records every request as a short line ("answer ch",
 * "play ch uri+uri", "originate parent ch", "hangup ch"), keeps the legs dialled and the
 * playbacks started, fails the methods named in `failing` (by their first word), and leaves the
 * requests of the methods named in `slow` unanswered until `answerSlowRequests()`: a request is
 * recorded when it is sent, its answer in `answered`.
 */
export class FakeCallControl implements CallControl {
  readonly calls: string[] = [];
  readonly legs: OutboundLeg[] = [];
  readonly plays: { id: string; media: string[] }[] = [];
  readonly failing = new Set<string>();
  readonly slow = new Set<string>();
  readonly answered: string[] = [];
  private readonly waiting: (() => void)[] = [];

  get playbackIds(): string[] {
    return this.plays.map((p) => p.id);
  }

  private async record(what: string): Promise<void> {
    this.calls.push(what);
    if (this.slow.has(what.split(' ')[0])) await new Promise<void>((answer) => this.waiting.push(answer));
    if (this.failing.has(what.split(' ')[0])) throw new Error(`${what} failed`);
    this.answered.push(what);
  }

  /** Answers every request held by `slow` so far. */
  answerSlowRequests(): void {
    this.slow.clear();
    for (const answer of this.waiting.splice(0)) answer();
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

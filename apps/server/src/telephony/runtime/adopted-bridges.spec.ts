import { AdoptedBridges } from './adopted-bridges';

describe('connected calls adopted from a previous process', () => {
  it('given an adopted finder and parent, when the parent hangs up, then the finder is to be hung up and both are forgotten', () => {
    const adopted = new AdoptedBridges();
    adopted.adopt('call-1-bridge', ['finder-1', 'leg-1']);
    expect(adopted.has('finder-1')).toBe(true);
    expect(adopted.channelGone('leg-1')).toEqual({ bridgeId: 'call-1-bridge', hangUp: ['finder-1'] });
    expect(adopted.has('finder-1')).toBe(false);
    // The finder's own end, reported next, is no longer ours to act on.
    expect(adopted.channelGone('finder-1')).toBeNull();
    expect(adopted.size).toBe(0);
  });

  it('given two adopted calls, when one ends, then the other is untouched', () => {
    const adopted = new AdoptedBridges();
    adopted.adopt('b1', ['f1', 'l1']);
    adopted.adopt('b2', ['f2', 'l2']);
    expect(adopted.channelGone('f1')).toEqual({ bridgeId: 'b1', hangUp: ['l1'] });
    expect(adopted.has('f2') && adopted.has('l2')).toBe(true);
  });

  it('given a channel that was never adopted, then nothing is to be done', () => {
    expect(new AdoptedBridges().channelGone('x')).toBeNull();
  });
});

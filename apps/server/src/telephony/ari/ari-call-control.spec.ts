import { AriCallControl, BRIDGE_DEADLINE_MS } from './ari-call-control';
import type { AriRest } from './ari-rest';

/** The ARI requests sent, in order; each answers when the test says so. */
function recordingAri() {
  const sent: string[] = [];
  const answers: (() => void)[] = [];
  const ari = {
    request: (method: string, path: string, _query?: unknown, _body?: unknown, options?: { timeoutMs?: number; urgent?: boolean }) => {
      sent.push(`${method} ${path}${options?.timeoutMs ? ` (${options.timeoutMs} ms)` : ''}${options?.urgent ? ' urgent' : ''}`);
      return new Promise<void>((resolve) => answers.push(resolve));
    },
  } as unknown as AriRest;
  const answerAll = async () => {
    for (const answer of answers.splice(0)) answer();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { ari, sent, answerAll };
}

describe('bridging over ARI', () => {
  it('makes the bridge at once, and adds the finder and the leg only once the bridge exists and the connected call\'s limits are set', async () => {
    const { ari, sent, answerAll } = recordingAri();
    let limitsSet!: () => void;
    const ready = new Promise<void>((resolve) => (limitsSet = resolve));
    const bridged = new AriCallControl(ari, 'alloparents').bridge('call-1-bridge', ['finder', 'leg'], ready);
    await answerAll();
    expect(sent).toEqual([`POST /bridges/call-1-bridge (${BRIDGE_DEADLINE_MS} ms) urgent`]);
    limitsSet();
    await answerAll();
    expect(sent).toEqual([`POST /bridges/call-1-bridge (${BRIDGE_DEADLINE_MS} ms) urgent`, `POST /bridges/call-1-bridge/addChannel (${BRIDGE_DEADLINE_MS} ms) urgent`]);
    await answerAll();
    await expect(bridged).resolves.toBeUndefined();
  });
});

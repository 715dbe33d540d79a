import { FIRST_QUALIFY_SECONDS, trunkStatus } from './trunk-status';

describe('trunkStatus', () => {
  const up = FIRST_QUALIFY_SECONDS + 60;
  it.each([
    ['pings off: unqualified, whatever ARI says', { qualifySeconds: 0, endpointState: 'online', asteriskUpSeconds: up }, 'unqualified'],
    ['ARI not askable: unknown', { qualifySeconds: 30, endpointState: null, asteriskUpSeconds: null }, 'unknown'],
    ['endpoint online: reachable', { qualifySeconds: 30, endpointState: 'online', asteriskUpSeconds: 1 }, 'reachable'],
    ['endpoint offline long after start: unreachable', { qualifySeconds: 30, endpointState: 'offline', asteriskUpSeconds: up }, 'unreachable'],
    ['endpoint offline right after start (first ping unanswered yet): unknown', { qualifySeconds: 30, endpointState: 'offline', asteriskUpSeconds: FIRST_QUALIFY_SECONDS - 1 }, 'unknown'],
    ['endpoint state never set, long after start: unreachable', { qualifySeconds: 30, endpointState: 'unknown', asteriskUpSeconds: up }, 'unreachable'],
    ['start time not known: unknown', { qualifySeconds: 30, endpointState: 'offline', asteriskUpSeconds: null }, 'unknown'],
  ] as const)('given %s', (_, observation, expected) => {
    expect(trunkStatus(observation)).toBe(expected);
  });
});

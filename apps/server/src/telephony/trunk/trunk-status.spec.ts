import { FIRST_ANSWER_SECONDS, trunkStatus } from './trunk-status';

describe('trunkStatus', () => {
  const up = 30 + FIRST_ANSWER_SECONDS + 60;
  it.each([
    ['pings off: unqualified, whatever ARI says', { qualifySeconds: 0, endpointState: 'online', asteriskUpSeconds: up }, 'unqualified'],
    ['ARI not askable: unknown', { qualifySeconds: 30, endpointState: null, asteriskUpSeconds: null }, 'unknown'],
    ['endpoint online: reachable', { qualifySeconds: 30, endpointState: 'online', asteriskUpSeconds: 1 }, 'reachable'],
    ['endpoint offline long after start: unreachable', { qualifySeconds: 30, endpointState: 'offline', asteriskUpSeconds: up }, 'unreachable'],
    ['endpoint offline within the first period after start (the first ping may not have left): unknown', { qualifySeconds: 30, endpointState: 'offline', asteriskUpSeconds: 30 + FIRST_ANSWER_SECONDS - 1 }, 'unknown'],
    ['endpoint offline just after the first period and its answer time: unreachable', { qualifySeconds: 30, endpointState: 'offline', asteriskUpSeconds: 30 + FIRST_ANSWER_SECONDS }, 'unreachable'],
    ['endpoint state never set, long after start: unreachable', { qualifySeconds: 30, endpointState: 'unknown', asteriskUpSeconds: up }, 'unreachable'],
    ['start time not known: unknown', { qualifySeconds: 30, endpointState: 'offline', asteriskUpSeconds: null }, 'unknown'],
  ] as const)('given %s', (_, observation, expected) => {
    expect(trunkStatus(observation)).toBe(expected);
  });
});

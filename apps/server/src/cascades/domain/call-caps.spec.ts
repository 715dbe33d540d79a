import { CapCounts, exceededCap, openCallMaxAgeMs } from './call-caps';

const caps = { maxCallsPerCascade: 2, maxCallsPerCaller: 1, maxLegsPerCascadePerDay: 50, maxLegsPerDay: 10_000, openCallMaxAgeMs: openCallMaxAgeMs(3600) };
const quiet: CapCounts = { cascadeCalls: 0, callerCalls: 0, cascadeLegsToday: 0, serviceLegsToday: 0 };

describe('the caps on what the service dials', () => {
  it.each([
    ['nothing going on', {}, null],
    ['one other call for the cascade (2 allowed)', { cascadeCalls: 1 }, null],
    ['two other calls for the cascade', { cascadeCalls: 2 }, 'calls-per-cascade'],
    ['another call in progress from the same caller', { callerCalls: 1 }, 'calls-per-caller'],
    ['49 legs dialled for the cascade in 24 hours', { cascadeLegsToday: 49 }, null],
    ['50 legs dialled for the cascade in 24 hours', { cascadeLegsToday: 50 }, 'legs-per-cascade-per-day'],
    ['10,000 legs dialled by the service in 24 hours', { serviceLegsToday: 10_000 }, 'legs-per-day'],
    ['every cap reached at once: the service-wide one is named', { cascadeCalls: 5, callerCalls: 5, cascadeLegsToday: 99, serviceLegsToday: 10_001 }, 'legs-per-day'],
  ])('given %s, then %s', (_, counts, expected) => {
    expect(exceededCap({ ...quiet, ...counts }, caps)).toBe(expected);
  });
});

import { Metrics } from '../../metrics/metrics';
import { Transition } from '../runtime/session-runner';
import { FinderCallMetrics } from './call-metrics';
import { initialState } from './machine';
import { CallEvent, CallState, Command } from './types';

/** A step as the runner shows it; the observer reads only the event, the commands and the time. */
const step = (at: number, event: CallEvent, commands: Command[] = [], callId = 'c1'): Transition<CallState, CallEvent, Command> => ({
  kind: 'finder',
  callId,
  at,
  from: initialState(callId),
  event,
  to: initialState(callId),
  commands,
});

async function value(metric: { get(): Promise<{ values: { value: number; labels: Record<string, unknown> }[] }> }, labels: Record<string, string> = {}): Promise<number> {
  const found = (await metric.get()).values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return found?.value ?? 0;
}

describe('the finder call metrics (an observer of transitions)', () => {
  it('given a call from arrival to a parent, then it counts the call, its legs and both latencies from the number typed', async () => {
    const metrics = new Metrics();
    const observer = new FinderCallMetrics(metrics);
    observer.transition(step(0, { type: 'FinderArrived', callerNumber: '32470000001', presentationRestricted: false, language: 'fr', suspended: false }));
    observer.transition(step(10_000, { type: 'FinderDtmf', digit: '3' }, [{ type: 'lookUpCascade', nationalNumber: 'n', callerNumber: 'c' }]));
    observer.transition(step(10_500, { type: 'LegRinging', legId: 'c1:leg:1' }));
    observer.transition(step(14_000, { type: 'LegRinging', legId: 'c1:leg:2' }));
    observer.transition(step(20_000, { type: 'LegDtmf', legId: 'c1:leg:2', digit: '1' }, [{ type: 'recordLeg', legId: 'c1:leg:2', position: 2, result: 'accepted' }]));
    observer.transition(step(80_000, { type: 'FinderHungUp' }, [{ type: 'recordCallEnd', outcome: 'connected-parent', connectedPosition: 2 }]));

    expect(await value(metrics.callsStarted)).toBe(1);
    expect(await value(metrics.legsEnded, { result: 'accepted' })).toBe(1);
    expect(await value(metrics.callsEnded, { outcome: 'connected-parent' })).toBe(1);
    const firstRing = (await metrics.firstLegDelay.get()).values;
    expect(firstRing.find((v) => v.metricName === 'alloparents_first_leg_ringing_seconds_count')?.value).toBe(1);
    expect(firstRing.find((v) => v.metricName === 'alloparents_first_leg_ringing_seconds_sum')?.value).toBe(0.5);
    const connection = (await metrics.timeToConnection.get()).values;
    expect(connection.find((v) => v.metricName === 'alloparents_time_to_connection_seconds_sum')?.value).toBe(10);
  });

  it('given a cap met by the look-up or a number not allowed, then each counts as a limit refusal under its name', async () => {
    const metrics = new Metrics();
    const observer = new FinderCallMetrics(metrics);
    observer.transition(step(0, { type: 'CascadeLookedUp', result: Object.assign({ kind: 'throttled' as const }, { limit: 'calls-per-cascade' }) }));
    observer.transition(step(0, { type: 'TimerFired', name: 't' }, [{ type: 'recordLeg', legId: 'c1:leg:1', position: 1, result: 'not-allowed' }]));
    expect(await value(metrics.limitRefusals, { limit: 'calls-per-cascade' })).toBe(1);
    expect(await value(metrics.limitRefusals, { limit: 'destination' })).toBe(1);
    expect(await value(metrics.legsEnded, { result: 'not-allowed' })).toBe(1);
  });

  it('given a call that never had a number typed, then no latency is observed', async () => {
    const metrics = new Metrics();
    const observer = new FinderCallMetrics(metrics);
    observer.transition(step(0, { type: 'LegRinging', legId: 'c1:hotline' }));
    observer.transition(step(5_000, { type: 'TimerFired', name: 't' }, [{ type: 'recordLeg', legId: 'c1:hotline', position: 'hotline', result: 'connected' }]));
    expect((await metrics.firstLegDelay.get()).values.find((v) => v.metricName === 'alloparents_first_leg_ringing_seconds_count')?.value).toBe(0);
    expect((await metrics.timeToConnection.get()).values.find((v) => v.metricName === 'alloparents_time_to_connection_seconds_count')?.value).toBe(0);
  });
});

import { AppConfig } from '../config/app-config';
import { Metrics } from '../metrics/metrics';
import { NoticeSweep, SweepOutcome } from './notice-sweep';
import { NoticesScheduler } from './notices.scheduler';

const done: SweepOutcome = {
  ran: true,
  dryRun: false,
  due: { 'cascade-blocked': 2, 'card-expired': 0, 'deletion-soon': 0, 'number-check': 1, 'service-switch': 0 },
  recorded: 3,
  sent: 2,
  failed: 1,
  abandoned: 0,
  turnedOff: 0,
  stuck: 1,
};

function scheduler(run: () => Promise<SweepOutcome>, metrics: Metrics, sweepIntervalMs = 0): NoticesScheduler {
  const s = new NoticesScheduler({ run } as unknown as NoticeSweep, { notices: { sweepIntervalMs } } as AppConfig, metrics);
  Object.assign(s, { log: { log: () => undefined, error: () => undefined } });
  return s;
}

const value = async (metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number | undefined> => {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values as { value: number; labels: Record<string, string> }[] | undefined)?.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
};

describe('NoticesScheduler', () => {
  afterEach(() => jest.useRealTimers());

  it('given a sweep that succeeds, then its outcomes are counted, its time is the last success and the stuck notices are shown', async () => {
    const metrics = new Metrics();
    await scheduler(async () => done, metrics).tick();
    expect(await value(metrics, 'alloparents_notices_mailed_total', { outcome: 'sent' })).toBe(2);
    expect(await value(metrics, 'alloparents_notices_mailed_total', { outcome: 'failed' })).toBe(1);
    expect(await value(metrics, 'alloparents_notices_sweep_last_success_timestamp_seconds')).toBeGreaterThan(0);
    expect(await value(metrics, 'alloparents_notices_stuck')).toBe(1);
  });

  it('given a sweep that fails, then the app goes on and the last success stays 0', async () => {
    const metrics = new Metrics();
    await scheduler(async () => Promise.reject(new Error('connection lost')), metrics).tick();
    expect(await value(metrics, 'alloparents_notices_sweep_last_success_timestamp_seconds')).toBe(0);
  });

  it('given a sweep still running, when the next tick comes, then it does not start another', async () => {
    let release!: () => void;
    let runs = 0;
    const s = scheduler(() => {
      runs += 1;
      return new Promise<SweepOutcome>((resolve) => (release = () => resolve(done)));
    }, new Metrics());
    const first = s.tick();
    const second = s.tick();
    release();
    await Promise.all([first, second]);
    expect(runs).toBe(1);
  });

  it('given NOTICES_SWEEP_MINUTES, then it sweeps every interval; given 0, never', async () => {
    jest.useFakeTimers();
    let runs = 0;
    const every = scheduler(async () => (runs++, done), new Metrics(), 60_000);
    every.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(180_000);
    expect(runs).toBe(3);
    await every.onApplicationShutdown();
    await jest.advanceTimersByTimeAsync(180_000);
    expect(runs).toBe(3);

    const never = scheduler(async () => (runs++, done), new Metrics(), 0);
    never.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(runs).toBe(3);
  });
});

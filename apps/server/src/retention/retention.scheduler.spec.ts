import { AppConfig } from '../config/app-config';
import { Metrics } from '../metrics/metrics';
import { PortalHousekeeping } from './portal-housekeeping';
import { PurgeOutcome, RetentionPurge } from './retention-purge';
import { PurgeCutoffs } from './persistence/pg-retention-store';
import { RetentionScheduler } from './retention.scheduler';

const counts = { cards: 3, children: 2, cascades: 2, parentAccounts: 0, callRecords: 40, auditEvents: 5 };
const done: PurgeOutcome = { ran: true, dryRun: false, counts, cutoffs: {} as PurgeCutoffs, batches: 1, maxBatchMs: 1, batchesOver100Ms: 0, elapsedMs: 2 };

function scheduler(purge: () => Promise<PurgeOutcome>, metrics: Metrics): RetentionScheduler {
  const housekeeping = { run: async () => ({ ran: false, reason: 'another-instance-is-purging' }) } as unknown as PortalHousekeeping;
  const scheduler = new RetentionScheduler({ run: purge } as unknown as RetentionPurge, housekeeping, {} as AppConfig, metrics);
  Object.assign(scheduler, { log: { log: () => undefined, error: () => undefined } });
  return scheduler;
}

const value = async (metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number | undefined> => {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values as { value: number; labels: Record<string, string> }[] | undefined)?.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
};

describe('RetentionScheduler metrics', () => {
  it('given a purge that succeeds, then its time is the last success and its rows are counted by kind', async () => {
    const metrics = new Metrics();
    const before = Date.now() / 1000;
    await scheduler(async () => done, metrics).tick();
    expect(await value(metrics, 'alloparents_retention_purge_last_success_timestamp_seconds')).toBeGreaterThanOrEqual(before);
    expect(await value(metrics, 'alloparents_retention_purged_rows_total', { kind: 'callRecords' })).toBe(40);
    expect(await value(metrics, 'alloparents_retention_purged_rows_total', { kind: 'cards' })).toBe(3);
  });

  it('given a purge that fails or is left to another instance, then the last success stays 0', async () => {
    const metrics = new Metrics();
    await scheduler(async () => Promise.reject(new Error('connection lost')), metrics).tick();
    await scheduler(async () => ({ ran: false, reason: 'another-instance-is-purging' }), metrics).tick();
    expect(await value(metrics, 'alloparents_retention_purge_last_success_timestamp_seconds')).toBe(0);
    expect(await value(metrics, 'alloparents_retention_purged_rows_total', { kind: 'cards' })).toBeUndefined();
  });
});

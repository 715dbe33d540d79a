import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CronJob } from 'cron';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Metrics } from '../metrics/metrics';
import { PortalHousekeeping } from './portal-housekeeping';
import { RetentionPurge } from './retention-purge';

/**
 * Runs the purge, then the portal's housekeeping (portal-housekeeping.ts), on RETENTION_CRON. Every instance schedules it; the advisory lock lets one of
 * them work and the others skip. Failures are logged (counts and messages only) and retried at
 * the next tick: the purge is idempotent.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Retention');
  private job?: CronJob;
  private running = false;

  constructor(
    private readonly purge: RetentionPurge,
    private readonly housekeeping: PortalHousekeeping,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    this.job = CronJob.from({ cronTime: this.config.retention.cron, timeZone: this.config.retention.timeZone, onTick: () => this.tick(), start: true });
  }

  onApplicationShutdown(): void {
    void this.job?.stop();
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const outcome = await this.purge.run({ dryRun: false });
      if (!outcome.ran) this.log.log({ retention: 'skipped', reason: outcome.reason }, 'retention purge skipped');
      else {
        for (const [kind, rows] of Object.entries(outcome.counts)) this.metrics.purgedRows.inc({ kind }, rows);
        this.metrics.purgeLastSuccess.set(Date.now() / 1000);
        this.log.log({ retention: 'done', counts: outcome.counts, batches: outcome.batches, maxBatchMs: Math.round(outcome.maxBatchMs), elapsedMs: outcome.elapsedMs }, 'retention purge done');
      }
    } catch (error) {
      this.log.error({ retention: 'failed', reason: (error as Error).message }, 'retention purge failed; retried at the next run');
    }
    // Independent of the purge: one failing does not hold the other back.
    try {
      const outcome = await this.housekeeping.run({ dryRun: false });
      if (!outcome.ran) this.log.log({ housekeeping: 'skipped', reason: outcome.reason }, 'portal housekeeping skipped');
      else this.log.log({ housekeeping: 'done', counts: outcome.counts, batches: outcome.batches, elapsedMs: outcome.elapsedMs }, 'portal housekeeping done');
    } catch (error) {
      this.log.error({ housekeeping: 'failed', reason: (error as Error).message }, 'portal housekeeping failed; retried at the next run');
    } finally {
      this.running = false;
    }
  }
}

import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Metrics } from '../metrics/metrics';
import { NoticeSweep } from './notice-sweep';

/**
 * Sweeps the notices every NOTICES_SWEEP_MINUTES (0: never; `npm run notices` then does it). Every
 * instance schedules it; the advisory lock lets one of them work. Failures are logged (counts and
 * reasons only) and retried at the next tick.
 */
@Injectable()
export class NoticesScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Notices');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly sweep: NoticeSweep,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.notices.sweepIntervalMs;
    if (every > 0) {
      this.timer = setInterval(() => void this.tick(), every);
      this.timer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.sweepOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweepOnce(): Promise<void> {
    try {
      const outcome = await this.sweep.run({ dryRun: false });
      if (!outcome.ran) this.log.log({ notices: 'skipped', reason: outcome.reason }, 'notices sweep skipped');
      else {
        for (const [outcomeName, count] of [['sent', outcome.sent], ['failed', outcome.failed], ['abandoned', outcome.abandoned], ['turned-off', outcome.turnedOff]] as const) {
          this.metrics.noticesMailed.inc({ outcome: outcomeName }, count);
        }
        this.metrics.noticesSweepLastSuccess.set(Date.now() / 1000);
        this.metrics.noticesStuck.set(outcome.stuck);
        this.log.log({ notices: 'done', due: outcome.due, recorded: outcome.recorded, sent: outcome.sent, failed: outcome.failed, abandoned: outcome.abandoned, turnedOff: outcome.turnedOff, stuck: outcome.stuck }, 'notices sweep done');
      }
    } catch (error) {
      this.log.error({ notices: 'failed', reason: (error as Error).message }, 'notices sweep failed; retried at the next run');
    }
  }
}

import { Controller, Get, Header, Inject, NotFoundException } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Metrics } from './metrics';
import { METRICS_CONTENT_TYPE } from './metrics-listener';

/** /metrics on the main listener, unless it has a listener of its own (METRICS_PORT). */
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('metrics')
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  scrape(): Promise<string> {
    if (this.config.metricsListener) throw new NotFoundException('/metrics is served on METRICS_PORT');
    return this.metrics.registry.metrics();
  }
}

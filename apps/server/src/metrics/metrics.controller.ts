import { Controller, Get, Header } from '@nestjs/common';
import { Metrics } from './metrics';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4';

/** /metrics, answered on the operators' listener only (operators-listener.ts). */
@Controller()
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get('metrics')
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

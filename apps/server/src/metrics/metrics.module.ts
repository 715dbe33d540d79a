import { Global, Module } from '@nestjs/common';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { MetricsListener } from './metrics-listener';

@Global()
@Module({ providers: [Metrics, MetricsListener], controllers: [MetricsController], exports: [Metrics] })
export class MetricsModule {}

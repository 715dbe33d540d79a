import { Global, Module } from '@nestjs/common';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { OperatorsListener } from './operators-listener';

@Global()
@Module({ providers: [Metrics, OperatorsListener], controllers: [MetricsController], exports: [Metrics] })
export class MetricsModule {}

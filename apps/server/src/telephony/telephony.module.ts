import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module';
import { AriGateway } from './ari/ari-gateway';
import { StasisRouter } from './stasis-router';

@Module({
  imports: [MetricsModule],
  providers: [AriGateway, StasisRouter],
  exports: [AriGateway],
})
export class TelephonyModule {}

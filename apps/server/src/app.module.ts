import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { CardsModule } from './cards/cards.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { requestLogOptions } from './logging/request-log';
import { MetricsModule } from './metrics/metrics.module';
import { PortalModule } from './portal/portal.module';
import { PrivacyModule } from './privacy/privacy.module';
import { RetentionModule } from './retention/retention.module';
import { NoticesSchedulingModule } from './notices/notices.module';
import { TelephonyModule } from './telephony/telephony.module';

@Module({})
export class AppModule {
  /** The whole app, built from an already validated configuration (tests pass their own). */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          // Requests are logged by path: no query string, no header (logging/request-log.ts).
          pinoHttp: requestLogOptions(config.logLevel),
          // Health probes and scrapes every few seconds would drown the log.
          exclude: [
            { method: RequestMethod.GET, path: 'health' },
            { method: RequestMethod.GET, path: 'metrics' },
          ],
        }),
        MetricsModule,
        DatabaseModule,
        TelephonyModule,
        HealthModule,
        PrivacyModule,
        CardsModule,
        RetentionModule,
        PortalModule,
        NoticesSchedulingModule,
      ],
    };
  }
}

import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { PgHousekeepingStore } from './persistence/pg-housekeeping-store';
import { PgRetentionStore } from './persistence/pg-retention-store';
import { PortalHousekeeping } from './portal-housekeeping';
import { RetentionPurge } from './retention-purge';
import { RetentionScheduler } from './retention.scheduler';

@Module({
  providers: [
    { provide: RetentionPurge, inject: [Database, APP_CONFIG], useFactory: (db: Database, config: AppConfig) => new RetentionPurge(new PgRetentionStore(db), config.retention) },
    { provide: PortalHousekeeping, inject: [Database, APP_CONFIG], useFactory: (db: Database, config: AppConfig) => new PortalHousekeeping(new PgHousekeepingStore(db), config.retention) },
    RetentionScheduler,
  ],
})
export class RetentionModule {}

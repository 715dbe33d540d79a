import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PortalHousekeeping } from './portal-housekeeping';
import { RetentionPurge } from './retention-purge';
import { RetentionScheduler } from './retention.scheduler';

@Module({
  providers: [
    { provide: RetentionPurge, inject: [getDataSourceToken(), APP_CONFIG], useFactory: (db: DataSource, config: AppConfig) => new RetentionPurge(db, config.retention) },
    { provide: PortalHousekeeping, inject: [getDataSourceToken(), APP_CONFIG], useFactory: (db: DataSource, config: AppConfig) => new PortalHousekeeping(db, config.retention) },
    RetentionScheduler,
  ],
})
export class RetentionModule {}

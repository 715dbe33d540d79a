import { Global, Logger, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Database } from './database';
import { dataSourceOptions } from './data-source';

const log = new Logger('Database');

/**
 * The app starts even when PostgreSQL is down: calls keep reaching the hotline and /health says
 * what is wrong. The first connection is retried in the background with capped backoff; after
 * that, the pg pool reconnects by itself.
 */
async function initializeInBackground(dataSource: DataSource, attempt = 0): Promise<void> {
  try {
    await dataSource.initialize();
    log.log({ database: 'up' }, 'connected to PostgreSQL');
  } catch (error) {
    const delay = Math.min(10_000, 500 * 2 ** Math.min(attempt, 5));
    log.warn({ database: 'down', retryInMs: delay, reason: (error as Error).message }, 'PostgreSQL unreachable');
    setTimeout(() => void initializeInBackground(dataSource, attempt + 1), delay).unref();
  }
}

/** The data source (TypeORM: settings, start-up, health) and Database, which every store and job is given. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config.database.url),
        autoLoadEntities: true,
        // Initialised by initializeInBackground, so start-up never blocks on PostgreSQL.
        manualInitialization: true,
      }),
      dataSourceFactory: async (options) => {
        const dataSource = new DataSource(options!);
        void initializeInBackground(dataSource);
        return dataSource;
      },
    }),
  ],
  providers: [{ provide: Database, inject: [getDataSourceToken()], useFactory: (source: DataSource) => new Database(source) }],
  exports: [Database],
})
export class DatabaseModule {}

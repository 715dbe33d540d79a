import { DataSource, DataSourceOptions } from 'typeorm';
import { migrations } from './migrations';
import { poolSettings } from './primary-locator';

/** One definition of the database connection, shared by Nest and the migration command. */
export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  // Several hosts (a primary and its standbys): each pooled connection finds the primary.
  const { url, extra } = poolSettings(databaseUrl);
  return {
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: 'schema_migrations',
    // Schema changes are migrations, reviewed and versioned: never synchronize.
    synchronize: false,
    migrationsRun: false,
    // A phone call must not wait on a dead database: fail fast and let the call go to the hotline.
    connectTimeoutMS: 3000,
    extra: { max: 10, statement_timeout: 5000, application_name: 'alloparents', ...extra },
  };
}

export function createDataSource(url: string): DataSource {
  return new DataSource(dataSourceOptions(url));
}

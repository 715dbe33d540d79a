import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CardsModule } from '../../apps/server/src/cards/cards.module';
import { AppConfig } from '../../apps/server/src/config/app-config';
import { ConfigModule } from '../../apps/server/src/config/config.module';
import { DatabaseModule } from '../../apps/server/src/database/database.module';
import { createHttpAdapter } from '../../apps/server/src/main';
import { PrivacyModule } from '../../apps/server/src/privacy/privacy.module';
import { waitFor } from './processes';

/**
 * The cards API without telephony (no ARI connection, so it never touches the e2e Asterisk),
 * on the app's own Fastify adapter (same body limit), answering through inject() (no port).
 */
export async function startCardsApp(config: AppConfig): Promise<{ app: NestFastifyApplication; db: DataSource }> {
  const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), DatabaseModule, PrivacyModule, CardsModule] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), { logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const db = app.get<DataSource>(getDataSourceToken());
  await waitFor('the database connection', async () => (db.isInitialized ? true : undefined), 10_000, 50);
  return { app, db };
}

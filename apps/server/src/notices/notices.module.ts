import { Logger, Module } from '@nestjs/common';
import { CardsModule } from '../cards/cards.module';
import { CardSealer } from '../cards/domain/card-ingest';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { Mailer } from '../portal/domain/mailer';
import { accountAad } from '../portal/domain/accounts';
import { MailModule } from '../portal/mail/mail.module';
import { Encryptor } from '../privacy/encryptor';
import { NoticePreferencesService } from './domain/notice-preferences';
import { NoticeStore } from './domain/notice-store';
import { NoticeSweep } from './notice-sweep';
import { NoticesScheduler } from './notices.scheduler';
import { PgNoticeStore } from './persistence/pg-notice-store';

/** Opens the account's address and the child's first name for a notice's mail (nothing else is read). */
export function noticeSecrets(encryptor: Encryptor, sealer: CardSealer) {
  return {
    email: (parentId: string, keyId: string, sealed: Buffer) => (JSON.parse(encryptor.open(keyId, sealed, accountAad(parentId)).toString('utf8')) as { email: string }).email,
    firstName: (nationalNumberHash: Buffer, keyId: string, sealed: Buffer) => sealer.open(nationalNumberHash, keyId, sealed).firstName,
  };
}

/** Builds the sweep from the configuration (the app's scheduler and `npm run notices`). */
export function noticeSweep(db: Database, mailer: Mailer, encryptor: Encryptor, sealer: CardSealer, config: AppConfig): NoticeSweep {
  const log = new Logger('Notices');
  return new NoticeSweep(
    new PgNoticeStore(db),
    mailer,
    noticeSecrets(encryptor, sealer),
    { timeZone: config.retention.timeZone, defaultLanguage: config.service.defaultLanguage, publicUrl: config.portal.publicUrl },
    { info: (fields, message) => log.log(fields, message), warn: (fields, message) => log.warn(fields, message) },
  );
}

/**
 * Notices to parents (docs/data.md, "Notices to parents"): what happens to their child's cascade,
 * mailed in each account's language; the account chooses which kinds it gets (not the blocking one).
 */
@Module({
  imports: [MailModule, CardsModule],
  providers: [
    { provide: NoticeStore, inject: [Database], useFactory: (db: Database) => new PgNoticeStore(db) },
    { provide: NoticePreferencesService, inject: [NoticeStore], useFactory: (store: NoticeStore) => new NoticePreferencesService(store) },
    {
      provide: NoticeSweep,
      inject: [Database, Mailer, Encryptor, CardSealer, APP_CONFIG],
      useFactory: (db: Database, mailer: Mailer, encryptor: Encryptor, sealer: CardSealer, config: AppConfig) => noticeSweep(db, mailer, encryptor, sealer, config),
    },
  ],
  exports: [NoticePreferencesService, NoticeSweep],
})
export class NoticesModule {}

/**
 * The app's periodic sweep, apart from NoticesModule: the portal (and the commands that load it)
 * need the preferences and the sweep, not a timer nor the app's metrics.
 */
@Module({ imports: [NoticesModule], providers: [NoticesScheduler] })
export class NoticesSchedulingModule {}

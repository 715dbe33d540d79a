import { Global, Logger, Module } from '@nestjs/common';
import { PgCallRecordStore } from '../calls/persistence/pg-call-record-store';
import { defaultRetryDelay, WriteBehindCallRecords } from '../calls/write-behind-call-records';
import { CardsModule } from '../cards/cards.module';
import { CardSealer } from '../cards/domain/card-ingest';
import { FinderLookupService } from '../cascades/finder-lookup.service';
import { PgCascadeStore } from '../cascades/persistence/pg-cascade-store';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { Pseudonymizer } from '../privacy/pseudonymizer';
import { AnnouncementCalls } from './announcement/announcement-calls';
import { ANNOUNCEMENT_DIALLER } from './announcement/announcement-dialler';
import { AriGateway } from './ari/ari-gateway';
import { CallRegistry } from './call-registry';
import { CALL_RECORDS, FINDER_LOOKUP } from './telephony.tokens';

/**
 * The call flow's records go through a write-behind buffer: no call waits on PostgreSQL, and what
 * cannot be written while it is away is written when it is back (at most 10,000 writes held; a
 * call makes 3 to 10). Nest calls its beforeApplicationShutdown on SIGTERM, before the
 * database pool closes.
 */
function callRecordsFor(db: Database): WriteBehindCallRecords {
  const log = new Logger('CallRecords');
  return new WriteBehindCallRecords(new PgCallRecordStore(db), {
    capacity: 10_000,
    retryDelayMs: defaultRetryDelay,
    lookupWaitMs: 2_000,
    timers: { setTimeout: (fn, ms) => setTimeout(fn, ms).unref(), clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout) },
    log: { info: (fields, message) => log.log(fields, message), warn: (fields, message) => log.warn(fields, message) },
  });
}

/** Global: the portal places announcement calls through ANNOUNCEMENT_DIALLER when telephony is present. */
@Global()
@Module({
  imports: [CardsModule],
  providers: [
    AriGateway,
    CallRegistry,
    AnnouncementCalls,
    { provide: ANNOUNCEMENT_DIALLER, useExisting: AnnouncementCalls },
    { provide: CALL_RECORDS, inject: [Database], useFactory: (db: Database) => callRecordsFor(db) },
    {
      provide: FINDER_LOOKUP,
      inject: [Database, APP_CONFIG, CALL_RECORDS, Pseudonymizer, CardSealer],
      // The caps are decided on PostgreSQL itself, in a transaction (never behind the buffer):
      // without the database there is no look-up either, and the finder goes to the hotline.
      useFactory: (db: Database, config: AppConfig, records: WriteBehindCallRecords, pseudonymizer: Pseudonymizer, sealer: CardSealer) =>
        new FinderLookupService(new PgCascadeStore(db, sealer), records, pseudonymizer, config.callFlow.abuseMaxNumbersPerHour, undefined, {
          admission: new PgCallRecordStore(db),
          limits: config.limits,
        }),
    },
  ],
  exports: [AriGateway, CallRegistry, ANNOUNCEMENT_DIALLER],
})
export class TelephonyModule {}

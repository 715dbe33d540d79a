import { Global, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PgCallRecords } from '../calls/pg-call-records';
import { CardsModule } from '../cards/cards.module';
import { CardSealer } from '../cards/domain/card-ingest';
import { FinderLookupService } from '../cascades/finder-lookup.service';
import { PgCascadeDirectory } from '../cascades/persistence/pg-cascade-directory';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Pseudonymizer } from '../privacy/pseudonymizer';
import { AnnouncementCalls } from './announcement/announcement-calls';
import { ANNOUNCEMENT_DIALLER } from './announcement/announcement-dialler';
import { AriGateway } from './ari/ari-gateway';
import { CallRegistry } from './call-registry';
import { CALL_RECORDS, FINDER_LOOKUP } from './telephony.tokens';

/** Global: the portal places announcement calls through ANNOUNCEMENT_DIALLER when telephony is present. */
@Global()
@Module({
  imports: [CardsModule],
  providers: [
    AriGateway,
    CallRegistry,
    AnnouncementCalls,
    { provide: ANNOUNCEMENT_DIALLER, useExisting: AnnouncementCalls },
    { provide: CALL_RECORDS, inject: [getDataSourceToken()], useFactory: (db: DataSource) => new PgCallRecords(db) },
    {
      provide: FINDER_LOOKUP,
      inject: [getDataSourceToken(), APP_CONFIG, CALL_RECORDS, Pseudonymizer, CardSealer],
      useFactory: (db: DataSource, config: AppConfig, records: PgCallRecords, pseudonymizer: Pseudonymizer, sealer: CardSealer) =>
        new FinderLookupService(new PgCascadeDirectory(db, sealer), records, pseudonymizer, config.callFlow.abuseMaxNumbersPerHour, undefined, {
          admission: records,
          limits: config.limits,
        }),
    },
  ],
  exports: [AriGateway, CallRegistry, ANNOUNCEMENT_DIALLER],
})
export class TelephonyModule {}

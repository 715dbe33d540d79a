import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PgCallRecords } from '../calls/pg-call-records';
import { FinderLookupService } from '../cascades/finder-lookup.service';
import { PgCascadeDirectory } from '../cascades/persistence/pg-cascade-directory';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Pseudonymizer } from '../privacy/pseudonymizer';
import { AriGateway } from './ari/ari-gateway';
import { CallRegistry } from './call-registry';
import { CALL_RECORDS, FINDER_LOOKUP } from './telephony.tokens';

@Module({
  providers: [
    AriGateway,
    CallRegistry,
    { provide: CALL_RECORDS, inject: [getDataSourceToken()], useFactory: (db: DataSource) => new PgCallRecords(db) },
    {
      provide: FINDER_LOOKUP,
      inject: [getDataSourceToken(), APP_CONFIG, CALL_RECORDS],
      useFactory: (db: DataSource, config: AppConfig, records: PgCallRecords) =>
        new FinderLookupService(new PgCascadeDirectory(db), records, new Pseudonymizer(config.pseudonymKey), config.callFlow.abuseMaxNumbersPerHour),
    },
  ],
  exports: [AriGateway, CallRegistry],
})
export class TelephonyModule {}

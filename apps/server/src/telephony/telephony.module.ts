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
import { Metrics } from '../metrics/metrics';
import { AnnouncementCalls } from './announcement/announcement-calls';
import { ANNOUNCEMENT_DIALLER } from './announcement/announcement-dialler';
import { AriGateway } from './ari/ari-gateway';
import { FinderCallMetrics } from './call-flow/call-metrics';
import { FinderCalls } from './call-flow/finder-calls';
import { ChildNameVoice, EspeakChildNameVoice } from './prompts/child-name-voice';
import { SessionLog, systemClock } from './runtime/clock';
import { OrphanRescue } from './runtime/orphan-rescue';
import { STASIS_ADAPTER, StasisAdapter } from './runtime/stasis-adapter.port';
import { StasisRouter } from './runtime/stasis-router';
import { CALL_RECORDS, CHILD_NAME_VOICE, FINDER_LOOKUP } from './telephony.tokens';
import { ServiceModeRuntime } from '../service-mode/service-mode.runtime';

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

/** A Nest logger as the call sessions and the router log. */
function sessionLog(context: string): SessionLog {
  const log = new Logger(context);
  return { info: (fields, message) => log.log(fields, message), warn: (fields, message) => log.warn(fields, message) };
}

/**
 * The telephony runtime (docs/architecture.md, "Telephony"): one ARI gateway (the StasisAdapter),
 * the Stasis router, the orphans' rescue, and the call kinds, each registered with the router.
 * A new kind of call is one more provider here, built like FinderCalls or AnnouncementCalls.
 * Global: the portal places announcement calls through ANNOUNCEMENT_DIALLER when telephony is
 * present, and runs the parents' line (a kind that needs the portal's domain) on its router.
 */
@Global()
@Module({
  imports: [CardsModule],
  providers: [
    AriGateway,
    { provide: STASIS_ADAPTER, useExisting: AriGateway },
    // The service switch shared by every node (PostgreSQL), mirrored into this node's Asterisk.
    { provide: ServiceModeRuntime, inject: [APP_CONFIG, Database, AriGateway], useFactory: (config: AppConfig, db: Database, ari: AriGateway) => new ServiceModeRuntime(config, db, ari) },
    { provide: StasisRouter, inject: [STASIS_ADAPTER], useFactory: (adapter: StasisAdapter) => new StasisRouter(adapter) },
    {
      provide: OrphanRescue,
      inject: [STASIS_ADAPTER, StasisRouter],
      useFactory: (adapter: StasisAdapter, router: StasisRouter) => new OrphanRescue(adapter, router, sessionLog('Stasis')),
    },
    { provide: CHILD_NAME_VOICE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new EspeakChildNameVoice(config.asteriskSoundsDir) },
    { provide: FinderCallMetrics, inject: [Metrics], useFactory: (metrics: Metrics) => new FinderCallMetrics(metrics) },
    {
      provide: FinderCalls,
      inject: [APP_CONFIG, StasisRouter, STASIS_ADAPTER, FINDER_LOOKUP, CALL_RECORDS, CHILD_NAME_VOICE, FinderCallMetrics],
      useFactory: (config: AppConfig, router: StasisRouter, adapter: StasisAdapter, lookup: FinderLookupService, records: WriteBehindCallRecords, childName: ChildNameVoice, metrics: FinderCallMetrics) =>
        new FinderCalls({ config, router, control: adapter.control, lookup, records, childName, clock: systemClock, log: sessionLog('CallFlow'), observers: [metrics] }),
    },
    {
      provide: AnnouncementCalls,
      inject: [APP_CONFIG, StasisRouter, STASIS_ADAPTER],
      useFactory: (config: AppConfig, router: StasisRouter, adapter: StasisAdapter) =>
        new AnnouncementCalls({ config, router, control: adapter.control, clock: systemClock, log: sessionLog('AnnouncementCall') }),
    },
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
  exports: [AriGateway, ANNOUNCEMENT_DIALLER, StasisRouter, STASIS_ADAPTER, ServiceModeRuntime],
})
export class TelephonyModule {}

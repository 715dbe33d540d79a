import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CALL_OUTCOMES, LEG_RESULTS } from '../telephony/call-flow/types';

/** The service's Prometheus metrics, one registry per app instance (tests run several). */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly ariUp = new Gauge({ name: 'alloparents_ari_up', help: '1 while the Stasis app is registered with Asterisk', registers: [this.registry] });

  readonly ariRequestRetries = new Counter({
    name: 'alloparents_ari_request_retries_total',
    help: 'ARI requests sent again because they could not be sent (no connection, connection closed under them)',
    registers: [this.registry],
  });

  readonly ariRequestFailures = new Counter({
    name: 'alloparents_ari_request_failures_total',
    help: 'ARI requests that failed: status 0 when Asterisk gave no answer within the deadline',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly ariRequestDuration = new Histogram({
    name: 'alloparents_ari_request_duration_seconds',
    help: 'Time of each ARI request, from the app asking to the answer (waiting for a free connection included)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
    registers: [this.registry],
  });

  /** Set by whoever owns the pool of ARI connections; read at each scrape. */
  ariPoolLoad: () => { queued: number; running: number } = () => ({ queued: 0, running: 0 });

  readonly ariRequestsQueued: Gauge = new Gauge({
    name: 'alloparents_ari_requests_queued',
    help: 'ARI requests waiting for a free connection of the pool (ARI_HTTP_CONNECTIONS) at the scrape',
    registers: [this.registry],
    collect: (): void => this.ariRequestsQueued.set(this.ariPoolLoad().queued),
  });

  readonly ariRequestsRunning: Gauge = new Gauge({
    name: 'alloparents_ari_requests_in_flight',
    help: 'ARI requests sent and not yet answered at the scrape',
    registers: [this.registry],
    collect: (): void => this.ariRequestsRunning.set(this.ariPoolLoad().running),
  });

  readonly callsStarted = new Counter({ name: 'alloparents_calls_started_total', help: 'Finder calls that reached the app', registers: [this.registry] });

  readonly callsEnded = new Counter({
    name: 'alloparents_calls_total',
    help: 'Finder calls by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly legsEnded = new Counter({
    name: 'alloparents_legs_total',
    help: 'Cascade legs by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  /**
   * Each time a limit on what the service dials stopped it: a call over a cap put through to the
   * hotline (caller-blocked — a number an operator blocked —, numbers-per-hour, calls-per-cascade,
   * calls-per-caller, legs-per-cascade-per-day, legs-per-day) or a parent's number outside the
   * allowed destinations skipped (destination).
   */
  readonly limitRefusals = new Counter({
    name: 'alloparents_limit_refusals_total',
    help: 'Calls put through to the hotline over a cap, and numbers skipped as not allowed, by limit',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  readonly firstLegDelay = new Histogram({
    name: 'alloparents_first_leg_ringing_seconds',
    help: 'Time from the last digit typed to the first leg ringing',
    buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8],
    registers: [this.registry],
  });

  readonly timeToConnection = new Histogram({
    name: 'alloparents_time_to_connection_seconds',
    help: 'Time from the last digit typed to the finder being connected to a person',
    buckets: [2, 5, 10, 20, 30, 45, 60, 90, 120],
    registers: [this.registry],
  });

  /** Set by the health check (it owns the database ping); read at each scrape. */
  databaseCheck: () => Promise<boolean> = async () => false;

  readonly databaseUp: Gauge = new Gauge({
    name: 'alloparents_database_up',
    help: '1 when PostgreSQL answered a ping (1.5 s at most) at the scrape, 0 otherwise',
    registers: [this.registry],
    collect: async (): Promise<void> => this.databaseUp.set((await this.databaseCheck()) ? 1 : 0),
  });

  readonly purgeLastSuccess = new Gauge({
    name: 'alloparents_retention_purge_last_success_timestamp_seconds',
    help: 'When this instance last finished the daily purge (Unix time); 0 until it has',
    registers: [this.registry],
  });

  readonly purgedRows = new Counter({
    name: 'alloparents_retention_purged_rows_total',
    help: 'Rows deleted by the daily purge, by kind (cards, children, cascades, parentAccounts, callRecords, auditEvents)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly cardsIngested = new Counter({
    name: 'alloparents_cards_ingested_total',
    help: "Cards posted by the issuing authority's API, by outcome (created, already-present, rejected)",
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'alloparents_' });
    // Every outcome and result is exported from the start at 0, so Prometheus's increase() sees
    // the first one after a start (a series born at 1 would show no increase, and alert nothing).
    for (const outcome of CALL_OUTCOMES) this.callsEnded.inc({ outcome }, 0);
    for (const result of LEG_RESULTS) this.legsEnded.inc({ result }, 0);
  }
}

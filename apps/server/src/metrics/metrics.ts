import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CALL_OUTCOMES, LEG_RESULTS } from '../telephony/call-flow/types';

/**
 * The service's Prometheus metrics, one registry per app instance (tests run several). Each is
 * declared in one line by its kind: its name, its help and what is particular to it (labels,
 * buckets, or for a gauge read at the scrape, how to read it).
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  private counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram(name: string, help: string, buckets: number[]): Histogram {
    return new Histogram({ name, help, buckets, registers: [this.registry] });
  }

  /** A gauge set by the app, or with `read`, read at each scrape. */
  private gauge(name: string, help: string, read?: () => number | Promise<number>): Gauge {
    const collect = read && async function (this: Gauge): Promise<void> {
      this.set(await read());
    };
    return new Gauge({ name, help, registers: [this.registry], ...(collect && { collect }) });
  }

  readonly ariUp = this.gauge('alloparents_ari_up', '1 while the Stasis app is registered with Asterisk');

  readonly ariRequestRetries = this.counter('alloparents_ari_request_retries_total', 'ARI requests sent again because they could not be sent (no connection, connection closed under them)');

  readonly ariRequestFailures = this.counter('alloparents_ari_request_failures_total', 'ARI requests that failed: status 0 when Asterisk gave no answer within the deadline', ['status']);

  readonly ariRequestDuration = this.histogram(
    'alloparents_ari_request_duration_seconds',
    'Time of each ARI request, from the app asking to the answer (waiting for a free connection included)',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
  );

  /** Set by whoever owns the pool of ARI connections; read at each scrape. */
  ariPoolLoad: () => { queued: number; running: number } = () => ({ queued: 0, running: 0 });

  readonly ariRequestsQueued = this.gauge('alloparents_ari_requests_queued', 'ARI requests waiting for a free connection of the pool (ARI_HTTP_CONNECTIONS) at the scrape', () => this.ariPoolLoad().queued);

  readonly ariRequestsRunning = this.gauge('alloparents_ari_requests_in_flight', 'ARI requests sent and not yet answered at the scrape', () => this.ariPoolLoad().running);

  readonly callsStarted = this.counter('alloparents_calls_started_total', 'Finder calls that reached the app');

  readonly callsEnded = this.counter('alloparents_calls_total', 'Finder calls by outcome', ['outcome']);

  readonly legsEnded = this.counter('alloparents_legs_total', 'Cascade legs by result', ['result']);

  /**
   * Each time a limit on what the service dials stopped it: a call over a cap put through to the
   * hotline (caller-blocked — a number an operator blocked —, numbers-per-hour, calls-per-cascade,
   * calls-per-caller, legs-per-cascade-per-day, legs-per-day) or a parent's number outside the
   * allowed destinations skipped (destination).
   */
  readonly limitRefusals = this.counter('alloparents_limit_refusals_total', 'Calls put through to the hotline over a cap, and numbers skipped as not allowed, by limit', ['limit']);

  readonly firstLegDelay = this.histogram('alloparents_first_leg_ringing_seconds', 'Time from the last digit typed to the first leg ringing', [0.1, 0.25, 0.5, 1, 2, 4, 8]);

  readonly timeToConnection = this.histogram('alloparents_time_to_connection_seconds', 'Time from the last digit typed to the finder being connected to a person', [2, 5, 10, 20, 30, 45, 60, 90, 120]);

  /** Set by the health check (it owns the database ping); read at each scrape. */
  databaseCheck: () => Promise<boolean> = async () => false;

  readonly databaseUp = this.gauge('alloparents_database_up', '1 when PostgreSQL answered a ping (1.5 s at most) at the scrape, 0 otherwise', async () => ((await this.databaseCheck()) ? 1 : 0));

  /** Set by the health controller: the trunk as Asterisk's qualify sees it. */
  trunkCheck: () => Promise<'reachable' | 'unreachable' | 'unknown' | 'unqualified'> = async () => 'unknown';

  readonly trunkReachable = this.gauge(
    'alloparents_trunk_reachable',
    "1 when the trunk answered Asterisk's last OPTIONS ping, 0 when the pings go unanswered; NaN when not known (ARI down, just started, or pings off)",
    async () => {
      const status = await this.trunkCheck();
      return status === 'reachable' ? 1 : status === 'unreachable' ? 0 : NaN;
    },
  );

  readonly purgeLastSuccess = this.gauge('alloparents_retention_purge_last_success_timestamp_seconds', 'When this instance last finished the daily purge (Unix time); 0 until it has');

  readonly purgedRows = this.counter('alloparents_retention_purged_rows_total', 'Rows deleted by the daily purge, by kind (cards, children, cascades, parentAccounts, callRecords, auditEvents)', ['kind']);

  readonly noticesMailed = this.counter('alloparents_notices_mailed_total', 'Notices to parents handled by the sweeps of this instance, by outcome (sent, failed: retried at the next sweep, abandoned, turned-off)', ['outcome']);

  readonly noticesSweepLastSuccess = this.gauge('alloparents_notices_sweep_last_success_timestamp_seconds', 'When this instance last finished a sweep of the notices to parents (Unix time); 0 until it has');

  readonly noticesStuck = this.gauge('alloparents_notices_stuck', "Notices left 'sending' by an interrupted sweep (never sent again), as the last sweep of this instance counted them");

  readonly cardsIngested = this.counter('alloparents_cards_ingested_total', "Cards posted by the issuing authority's API, by outcome (created, already-present, rejected)", ['outcome']);
  readonly cardsRevoked = this.counter('alloparents_cards_revoked_total', "Card revocations posted by the issuing authority's API, by outcome (revoked, already-revoked, not-found, rejected)", ['outcome']);

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'alloparents_' });
    // Every outcome and result is exported from the start at 0, so Prometheus's increase() sees
    // the first one after a start (a series born at 1 would show no increase, and alert nothing).
    for (const outcome of CALL_OUTCOMES) this.callsEnded.inc({ outcome }, 0);
    for (const result of LEG_RESULTS) this.legsEnded.inc({ result }, 0);
  }
}

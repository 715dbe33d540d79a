import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { Metrics } from '../metrics/metrics';
import { AriGateway } from '../telephony/ari/ari-gateway';

type Up = 'up' | 'down';

/**
 * GET /health: 200 `{status: "ok", ari: "up", database: "up", trunk: "reachable"}` when the
 * service can take calls and reach its data; 503 naming what is down otherwise (load balancers
 * and operators read it). `trunk` is Asterisk's qualify of the trunk (telephony/trunk/): it is
 * reported, never a reason for 503, since taking this instance out cannot mend a trunk that every
 * instance shares, and Asterisk still answers finders (docs/operations.md).
 */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly ari: AriGateway,
    metrics: Metrics,
  ) {
    // alloparents_database_up asks the same ping at each scrape.
    metrics.databaseCheck = async () => (await this.databasePing()).database.status === 'up';
    metrics.trunkCheck = () => this.ari.trunkStatus();
  }

  @Get('health')
  async check(@Res() reply: FastifyReply): Promise<void> {
    let details: Record<string, { status: string; message?: string }>;
    const trunk = this.ari.trunkStatus();
    try {
      details = (await this.health.check([() => this.ariCheck(), () => this.databasePing()])).details;
    } catch (error) {
      // HealthCheckService throws a 503 whose response carries the same details.
      details = ((error as { response?: { details?: typeof details } }).response?.details ?? {}) as typeof details;
    }
    const ari: Up = details.ari?.status === 'up' ? 'up' : 'down';
    const database: Up = details.database?.status === 'up' ? 'up' : 'down';
    const ok = ari === 'up' && database === 'up';
    const down = [ari === 'down' && 'ari', database === 'down' && 'database'].filter(Boolean);
    await reply
      .status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .send(ok ? { status: 'ok', ari, database, trunk: await trunk } : { status: 'error', ari, database, trunk: await trunk, down });
  }

  private databasePing() {
    return this.database.pingCheck('database', { timeout: 1500 });
  }

  private ariCheck() {
    const check = this.indicators.check('ari');
    return this.ari.state === 'up' ? check.up() : check.down({ state: this.ari.state });
  }
}

import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Metrics } from '../metrics/metrics';
import { AriGateway } from '../telephony/ari/ari-gateway';
import { HealthController } from './health.controller';

function withDatabase(status: 'up' | 'down'): Metrics {
  const metrics = new Metrics();
  const database = { pingCheck: async () => ({ database: { status } }) } as unknown as TypeOrmHealthIndicator;
  new HealthController({} as HealthCheckService, database, {} as HealthIndicatorService, { trunkStatus: async () => 'unknown' } as unknown as AriGateway, metrics);
  return metrics;
}

const databaseUp = async (metrics: Metrics) => (await metrics.registry.getSingleMetric('alloparents_database_up')!.get()).values[0]?.value;

describe('alloparents_database_up', () => {
  it('given PostgreSQL answers the health check\'s ping, when Prometheus scrapes, then it is 1', async () => {
    expect(await databaseUp(withDatabase('up'))).toBe(1);
  });

  it('given the ping fails, when Prometheus scrapes, then it is 0', async () => {
    expect(await databaseUp(withDatabase('down'))).toBe(0);
  });
});

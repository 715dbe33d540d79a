import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../support/processes';


// promtool and docker-compose take seconds each on a loaded 2-core machine (jest's default is 5 s).
jest.setTimeout(30_000);
describe('docker-compose.yml', () => {
  const root = join(__dirname, '../..');
  const env = { ...process.env, POSTGRES_PASSWORD: 'only-for-validation' };

  it('is a valid compose file (docker compose config)', async () => {
    const result = await run('docker-compose', ['-f', join(root, 'docker-compose.yml'), 'config', '-q'], { cwd: root, env });
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('given the default services, then nginx fills the shipped site template, and the app trusts it alone', async () => {
    const result = await run('docker-compose', ['-f', join(root, 'docker-compose.yml'), 'config'], { cwd: root, env });
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/^ {2}nginx:$/m);
    expect(result.output).toMatch(new RegExp(`- ${root}/docker/nginx/templates:/etc/nginx/templates:ro`));
    expect(existsSync(join(root, 'docker/nginx/templates/alloparents.conf.template'))).toBe(true);
    expect(result.output).toMatch(/TRUSTED_PROXIES: 127\.0\.0\.1/);
  });

  it('given the monitoring profile, then Prometheus and Grafana are valid services whose mounted files are in the repository', async () => {
    const result = await run('docker-compose', ['-f', join(root, 'docker-compose.yml'), '--profile', 'monitoring', 'config'], { cwd: root, env });
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/^ {2}prometheus:$/m);
    expect(result.output).toMatch(/^ {2}grafana:$/m);
    const mounted = [...result.output.matchAll(/^\s+- (\/[^:\s]+\/docker\/monitoring\/[^:\s]+):/gm)].map((m) => m[1]);
    expect(mounted.map((path) => path.replace(`${root}/`, '')).sort()).toEqual([
      'docker/monitoring/alerts.yml',
      'docker/monitoring/grafana/dashboards',
      'docker/monitoring/grafana/provisioning',
      'docker/monitoring/prometheus.yml',
    ]);
    for (const path of mounted) expect({ path, exists: existsSync(path) }).toEqual({ path, exists: true });
  });
});

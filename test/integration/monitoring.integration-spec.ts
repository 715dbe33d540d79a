import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../apps/server/src/main';
import { run, start, Started, waitFor } from '../support/processes';
import { REPO_ROOT } from '../support/repo-root';
import { operatorsUrl } from '../support/operators';
import { testConfig } from '../support/test-config';

const MONITORING = join(REPO_ROOT, 'docker/monitoring');
const ALERT_TESTS = join(MONITORING, 'alert-tests');

const alertNames = (yaml: string): string[] => [...yaml.matchAll(/^\s*- alert: (\S+)$/gm)].map((m) => m[1]);


// promtool and docker-compose take seconds each on a loaded 2-core machine (jest's default is 5 s).
jest.setTimeout(30_000);
describe('the Prometheus alert rules (docker/monitoring/alerts.yml)', () => {
  const rules = readFileSync(join(MONITORING, 'alerts.yml'), 'utf8');
  const testFiles = readdirSync(ALERT_TESTS).filter((f) => f.endsWith('.test.yml')).sort();

  it('given the rules file, when promtool checks it, then every rule is valid', async () => {
    const { code, output } = await run('promtool', ['check', 'rules', join(MONITORING, 'alerts.yml')]);
    expect(output).toContain(`SUCCESS: ${alertNames(rules).length} rules found`);
    expect(code).toBe(0);
  });

  it('each alert has its own test file, which makes it fire and also checks when it stays silent', () => {
    const names = alertNames(rules);
    expect(names.length).toBeGreaterThanOrEqual(8);
    for (const name of names) {
      const files = testFiles.filter((f) => readFileSync(join(ALERT_TESTS, f), 'utf8').includes(`alertname: ${name}`));
      expect({ name, files: files.length }).toEqual({ name, files: 1 });
      const text = readFileSync(join(ALERT_TESTS, files[0]), 'utf8');
      expect({ name, fires: /exp_alerts:\s*\n\s*- exp_labels/.test(text), silent: text.includes('exp_alerts: []') }).toEqual({ name, fires: true, silent: true });
    }
    expect(testFiles.length).toBe(names.length);
  });

  it.each(testFiles)('given the cases of %s, when promtool runs them, then every case passes', async (file) => {
    const { code, output } = await run('promtool', ['test', 'rules', file], { cwd: ALERT_TESTS });
    expect(output).toContain('SUCCESS');
    expect(output).not.toContain('FAILED');
    expect(code).toBe(0);
  });
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DASHBOARD = join(MONITORING, 'grafana/dashboards/alloparents.json');
const DATASOURCE_UID = /uid: (\S+)/.exec(readFileSync(join(MONITORING, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8'))![1];

/** Grafana's interval variables, as Grafana would fill them for a 24-hour view. */
const asPromQL = (expr: string): string => expr.replaceAll('$__rate_interval', '5m').replaceAll('$__interval', '1m').replaceAll('$__range', '1d');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the Grafana dashboard (docker/monitoring/grafana/dashboards/alloparents.json)', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Json;
  const panels = (dashboard.panels as Json[]).filter((p) => p.type !== 'row');
  const queries = panels.flatMap((p) => (p.targets as Json[]).map((t) => ({ panel: p.title as string, expr: t.expr as string })));

  it('has the essentials of a Grafana dashboard: a uid, a title, panels with unique ids, a grid place and targets on the provisioned data source', () => {
    expect(dashboard).toMatchObject({ uid: 'alloparents', title: 'Allo Parents', schemaVersion: expect.any(Number), time: { from: expect.any(String), to: 'now' } });
    const ids = (dashboard.panels as Json[]).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels as Json[]) {
      expect({ id: p.id, type: p.type, title: typeof p.title }).toEqual({ id: expect.any(Number), type: expect.stringMatching(/^(row|stat|timeseries)$/), title: 'string' });
      const { h, w, x, y } = p.gridPos as Json;
      expect({ panel: p.title, fits: [h, w, x, y].every(Number.isInteger) && h > 0 && w > 0 && x >= 0 && x + w <= 24 && y >= 0 }).toEqual({ panel: p.title, fits: true });
    }
    for (const p of panels) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: DATASOURCE_UID });
      expect((p.targets as Json[]).length).toBeGreaterThan(0);
      for (const t of p.targets as Json[]) expect({ panel: p.title, refId: typeof t.refId, expr: typeof t.expr, uid: t.datasource?.uid }).toEqual({ panel: p.title, refId: 'string', expr: 'string', uid: DATASOURCE_UID });
    }
  });

  it('shows what operators need at a glance', () => {
    const titles = panels.map((p) => p.title);
    expect(titles).toEqual(expect.arrayContaining(['Calls by outcome', 'Time to reach a person', 'Legs by result', 'Hotline fallbacks', 'ARI (Asterisk)', 'ARI request time', 'ARI pool', 'Database', 'Refusals by the abuse limits', 'Rows deleted by the daily purge', 'Cards from the issuing authority']));
  });

  describe('given a running app scraped by a real Prometheus', () => {
    let app: NestFastifyApplication;
    let prometheus: Started;
    let dir: string;
    let promUrl: string;
    let registryNames: Set<string>;

    beforeAll(async () => {
      app = await createApp(testConfig());
      await app.listen(0, '127.0.0.1');
      const operators = new URL(operatorsUrl(app));
      const exposition = await (await fetch(`${operators.origin}/metrics`)).text();
      // Every name the app's registry exports, with a histogram's series.
      registryNames = new Set(
        [...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) => (type === 'histogram' ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name])),
      );

      dir = mkdtempSync(join(tmpdir(), 'alloparents-prometheus-'));
      writeFileSync(
        join(dir, 'prometheus.yml'),
        [
          'global: { scrape_interval: 1s, evaluation_interval: 1s }',
          `rule_files: [${JSON.stringify(join(MONITORING, 'alerts.yml'))}]`,
          'scrape_configs:',
          '  - job_name: alloparents',
          `    static_configs: [{ targets: ["${operators.host}"] }]`,
          '',
        ].join('\n'),
      );
      const port = await freePort();
      promUrl = `http://127.0.0.1:${port}`;
      prometheus = start('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`]);
      await waitFor(
        'Prometheus to scrape the app',
        async () => {
          if (prometheus.child.exitCode !== null) throw new Error(`prometheus ended: ${prometheus.output()}`);
          const result = await query('up{job="alloparents"}');
          return result.data.result.some((r: Json) => r.value[1] === '1');
        },
        30_000,
        250,
      );
    }, 60_000);

    afterAll(async () => {
      if (prometheus && prometheus.child.exitCode === null) {
        prometheus.child.kill('SIGTERM');
        await prometheus.exited;
      }
      await app?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    async function query(expr: string): Promise<Json> {
      const response = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
      return (await response.json()) as Json;
    }

    it('then the app reports its database up (the health check\'s ping, at the scrape)', async () => {
      const result = await query('alloparents_database_up{job="alloparents"}');
      expect(result.data.result.map((r: Json) => r.value[1])).toEqual(['1']);
    });

    it('then Prometheus loads the alert rules', async () => {
      const rules = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as Json;
      const loaded = (rules.data.groups as Json[]).flatMap((g) => (g.rules as Json[]).map((r) => r.name as string));
      expect(loaded.sort()).toEqual(alertNames(readFileSync(join(MONITORING, 'alerts.yml'), 'utf8')).sort());
    });

    it('then each panel\'s query runs without error, on metric names the app exports', async () => {
      expect(queries.length).toBeGreaterThanOrEqual(20);
      for (const { panel, expr } of queries) {
        const result = await query(asPromQL(expr));
        expect({ panel, expr, status: result.status, error: result.error }).toEqual({ panel, expr, status: 'success', error: undefined });
        const names = [...expr.matchAll(/\balloparents_[a-z0-9_]+/g)].map((m) => m[0]);
        expect({ panel, expr, unknown: names.filter((name) => !registryNames.has(name)) }).toEqual({ panel, expr, unknown: [] });
      }
    });

    it('then the alert rules\' metric names are the app\'s too', () => {
      const rules = readFileSync(join(MONITORING, 'alerts.yml'), 'utf8');
      const names = [...new Set([...rules.matchAll(/\balloparents_[a-z0-9_]+/g)].map((m) => m[0]))];
      expect(names.length).toBeGreaterThan(5);
      expect(names.filter((name) => !registryNames.has(name))).toEqual([]);
    });
  });

  describe('given METRICS_PORT, then /metrics is on a loopback listener of its own (by default 127.0.0.1:9464)', () => {
    it('answers there with /health and the API documentation, never on the portal\'s listener; nothing else is served there', async () => {
      const metricsPort = await freePort();
      const app = await createApp(testConfig({ METRICS_PORT: String(metricsPort) }));
      try {
        await app.listen(0, '127.0.0.1');
        const appPort = (app.getHttpServer().address() as { port: number }).port;
        const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
        expect(scrape.status).toBe(200);
        expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
        expect(await scrape.text()).toMatch(/^# TYPE alloparents_/m);
        expect(operatorsUrl(app)).toBe(`http://127.0.0.1:${metricsPort}`);
        for (const path of ['/metrics', '/api/docs', '/api/docs-json']) expect([path, (await fetch(`http://127.0.0.1:${appPort}${path}`)).status]).toEqual([path, 404]);
        for (const path of ['/health', '/api/docs-json']) expect([path, (await fetch(`http://127.0.0.1:${metricsPort}${path}`)).status]).not.toEqual([path, 404]);
        expect((await fetch(`http://127.0.0.1:${appPort}/health`)).status).not.toBe(404);
        expect((await fetch(`http://127.0.0.1:${metricsPort}/api/v1/auth/csrf`)).status).toBe(404);
        expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);
      } finally {
        await app.close();
      }
      // Closed with the app.
      await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
    });
  });
});

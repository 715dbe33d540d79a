import { accessSync, chmodSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { clientFor, parseDatabaseUrl } from '../../apps/server/src/database/primary-locator';
import { parseKamailioNodes } from '../../apps/server/src/telephony/kamailio-config/render-kamailio-config';
import { run, start, Started, waitFor } from '../support/processes';
import { TEST_PORTS, testInstanceName } from '../support/test-config';

// promtool and docker-compose take seconds each on a loaded 2-core machine (jest's default is 5 s).
jest.setTimeout(30_000);

const root = join(__dirname, '../..');
const PASSWORD = 'only-for-validation';
const env = { ...process.env, POSTGRES_PASSWORD: PASSWORD };

interface ComposeService {
  profiles?: string[];
  build?: { context: string; dockerfile: string };
  image?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] | string };
  restart?: string;
  depends_on?: Record<string, { condition: string }>;
  network_mode?: string;
  volumes?: string[];
}

/**
 * The compose file as docker-compose resolves it (variables filled, env_file and YAML anchors
 * merged), read with the YAML library docker-compose itself runs on (Debian's python3-yaml).
 */
async function composeConfig(extraEnv: Record<string, string> = {}): Promise<Record<string, ComposeService>> {
  const script = 'set -o pipefail; docker-compose -f "$1" config | /usr/bin/python3 -c "import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"';
  const result = await run('bash', ['-c', script, 'compose-config', join(root, 'docker-compose.yml')], { cwd: root, env: { ...env, ...extraEnv } });
  if (result.code !== 0) throw new Error(`docker-compose config failed (${result.code}):\n${result.output}`);
  return (JSON.parse(result.output) as { services: Record<string, ComposeService> }).services;
}

/** What `up` starts with these profiles: docker-compose starts a service without profiles always, one with profiles when one of them is chosen. */
function startedWith(services: Record<string, ComposeService>, profiles: string[]): string[] {
  return Object.entries(services)
    .filter(([, service]) => !service.profiles || service.profiles.some((p) => profiles.includes(p)))
    .map(([name]) => name)
    .sort();
}

const CLUSTER = ['kamailio', 'nginx', 'node1-app', 'node1-asterisk', 'node2-app', 'node2-asterisk', 'pg-monitor', 'pg-node1', 'pg-node2'];

describe('docker-compose.yml', () => {
  it('is a valid compose file (docker compose config), with each profile chosen', async () => {
    for (const profiles of [[], ['single'], ['cluster'], ['cluster', 'monitoring']]) {
      const result = await run('docker-compose', ['-f', join(root, 'docker-compose.yml'), ...profiles.flatMap((p) => ['--profile', p]), 'config', '-q'], { cwd: root, env });
      expect({ profiles, output: result.output, code: result.code }).toEqual({ profiles, output: '', code: 0 });
    }
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

  it('given each profile, then up starts that deployment and nothing else (no service starts whatever the profile), and .env.example chooses the single node for a plain up', async () => {
    const services = await composeConfig();
    expect(startedWith(services, [])).toEqual([]);
    expect(startedWith(services, ['single'])).toEqual(['app', 'asterisk', 'nginx', 'postgres']);
    expect(startedWith(services, ['cluster'])).toEqual(CLUSTER);
    expect(startedWith(services, ['single', 'monitoring'])).toEqual(['app', 'asterisk', 'grafana', 'nginx', 'postgres', 'prometheus']);
    expect(readFileSync(join(root, '.env.example'), 'utf8')).toMatch(/^COMPOSE_PROFILES=single$/m);
  });

  describe('the cluster profile (the topology of npm run cluster)', () => {
    let services: Record<string, ComposeService>;
    beforeAll(async () => {
      // A host address other than the default, to see it reach both Kamailio and the nodes.
      services = await composeConfig({ SIP_BIND_ADDRESS: '198.51.100.7' });
    });
    const cluster = () => Object.fromEntries(CLUSTER.map((name) => [name, services[name]]));

    it('given its services, then each restarts unless stopped, has a healthcheck, shares the host network and is built from files in the repository', () => {
      for (const [name, service] of Object.entries(cluster())) {
        expect({ name, restart: service.restart, healthcheck: service.healthcheck !== undefined || name === 'nginx', network: service.network_mode }).toEqual({ name, restart: 'unless-stopped', healthcheck: true, network: 'host' });
        if (service.build) expect({ name, dockerfile: existsSync(join(service.build.context, service.build.dockerfile)) }).toEqual({ name, dockerfile: true });
      }
      expect(services['pg-node1'].build?.dockerfile).toBe('docker/pg-auto-failover.Dockerfile');
      expect(services.kamailio.build?.dockerfile).toBe('docker/kamailio.Dockerfile');
      const entrypoint = join(root, 'docker/pg-auto-failover/entrypoint.sh');
      expect(readFileSync(join(root, 'docker/pg-auto-failover.Dockerfile'), 'utf8')).toContain('COPY docker/pg-auto-failover/entrypoint.sh ');
      expect(() => accessSync(entrypoint, constants.X_OK)).not.toThrow();
    });

    it('given its services, then no two listen on the same port: SIP and RTP (UDP) of the nodes and Kamailio, ARI, the portals, the operators\' listeners, PostgreSQL and nginx (TCP)', () => {
      const taken: { service: string; what: string; proto: 'udp' | 'tcp'; port: number }[] = [];
      const take = (service: string, what: string, proto: 'udp' | 'tcp', from: string | number | undefined, to = from) => {
        expect({ service, what, port: Number(from) }).toEqual({ service, what, port: expect.any(Number) });
        for (let port = Number(from); port <= Number(to); port++) taken.push({ service, what, proto, port });
      };
      for (const node of ['node1', 'node2']) {
        const asterisk = services[`${node}-asterisk`].environment!;
        take(`${node}-asterisk`, 'SIP', 'udp', asterisk.SIP_PORT);
        take(`${node}-asterisk`, 'RTP', 'udp', asterisk.RTP_PORT_START, asterisk.RTP_PORT_END);
        take(`${node}-asterisk`, 'ARI', 'tcp', new URL(asterisk.ARI_URL).port);
        const app = services[`${node}-app`].environment!;
        take(`${node}-app`, 'portal', 'tcp', app.HTTP_PORT);
        take(`${node}-app`, 'operators', 'tcp', app.METRICS_PORT);
      }
      take('kamailio', 'SIP', 'udp', services.kamailio.environment!.KAMAILIO_PORT);
      for (const name of ['pg-monitor', 'pg-node1', 'pg-node2']) take(name, 'PostgreSQL', 'tcp', services[name].environment!.PGPORT);
      take('nginx', 'https', 'tcp', services.nginx.environment!.NGINX_HTTPS_PORT);
      take('nginx', 'http', 'tcp', services.nginx.environment!.NGINX_HTTP_PORT);
      const clashes = taken.filter((a, i) => taken.findIndex((b) => b.proto === a.proto && b.port === a.port) !== i);
      expect(clashes).toEqual([]);
      // Kamailio on the SIP port finders' calls come to (5060 unless KAMAILIO_PORT says otherwise).
      expect(services.kamailio.environment!.KAMAILIO_PORT).toBe('5060');
      // nginx proxies to node 1's portal.
      expect(services.nginx.environment!.ALLOPARENTS_UPSTREAM).toBe(`127.0.0.1:${services['node1-app'].environment!.HTTP_PORT}`);
    });

    it('given its apps, then each one\'s DATABASE_URL names both PostgreSQL nodes where they listen, with the database password, and both nodes know the monitor', () => {
      const nodes = ['pg-node1', 'pg-node2'].map((name) => `${services[name].environment!.PGAF_HOSTNAME}:${services[name].environment!.PGPORT}`);
      for (const name of ['node1-app', 'node2-app']) {
        const url = services[name].environment!.DATABASE_URL;
        const parsed = parseDatabaseUrl(url);
        expect({ name, hosts: parsed.hosts.map((h) => `${h.host}:${h.port}`) }).toEqual({ name, hosts: nodes });
        const one = new URL(parsed.forHost(parsed.hosts[0]));
        expect({ name, user: one.username, password: one.password, database: one.pathname }).toEqual({ name, user: 'alloparents', password: PASSWORD, database: '/alloparents' });
      }
      const monitor = `${services['pg-monitor'].environment!.PGAF_HOSTNAME}:${services['pg-monitor'].environment!.PGPORT}`;
      for (const name of ['pg-node1', 'pg-node2']) {
        expect({ name, role: services[name].environment!.PGAF_ROLE, monitor: services[name].environment!.PGAF_MONITOR, password: services[name].environment!.POSTGRES_PASSWORD }).toEqual({ name, role: 'node', monitor, password: PASSWORD });
      }
      expect(services['pg-monitor'].environment!.PGAF_ROLE).toBe('monitor');
    });

    it('given Kamailio, then its nodes (read as the renderer reads KAMAILIO_NODES) are both nodes\' Asterisk SIP addresses, each with its app\'s /health on the operators\' listener', () => {
      const nodes = parseKamailioNodes(services.kamailio.environment!.KAMAILIO_NODES);
      expect(nodes).toEqual(['node1', 'node2'].map((node) => ({
        sipUri: `sip:${services[`${node}-asterisk`].environment!.SIP_BIND_ADDRESS}:${services[`${node}-asterisk`].environment!.SIP_PORT}`,
        healthUrl: `http://127.0.0.1:${services[`${node}-app`].environment!.METRICS_PORT}/health`,
      })));
      expect(nodes[0].sipUri).toBe('sip:198.51.100.7:5061');
      // The trunk's addresses have no default: Kamailio refuses to start without them (the renderer says so).
      expect(services.kamailio.environment!.KAMAILIO_TRUNK_ADDRESSES).toBe('');
    });

    it('given the start-up order, then the monitor comes first, node 1 (the primary) before node 2 (its standby), the apps once both are ready, and node 2\'s app after node 1\'s (one applies the migrations at a time)', () => {
      const after = (name: string) => Object.entries(services[name].depends_on ?? {}).map(([dep, { condition }]) => `${dep}:${condition}`).sort();
      expect(after('pg-node1')).toEqual(['pg-monitor:service_healthy']);
      expect(after('pg-node2')).toEqual(['pg-node1:service_healthy']);
      expect(after('node1-app')).toEqual(['node1-asterisk:service_started', 'pg-node1:service_healthy', 'pg-node2:service_healthy']);
      expect(after('node2-app')).toEqual(['node1-app:service_healthy', 'node2-asterisk:service_started', 'pg-node1:service_healthy', 'pg-node2:service_healthy']);
      expect(after('kamailio')).toEqual(['node1-asterisk:service_started', 'node2-asterisk:service_started']);
    });
  });
});

/**
 * The cluster profile's PostgreSQL containers run docker/pg-auto-failover/entrypoint.sh. There is
 * no Docker engine here, but the script needs none: it runs on this machine as it would in the
 * container (as root, dropping to postgres; Debian's pg_autoctl), each role in a directory of its
 * own standing for its volume, on the tests' ports.
 */
describe('docker/pg-auto-failover/entrypoint.sh (the cluster profile\'s PostgreSQL, run without Docker)', () => {
  const dir = mkdtempSync(join(tmpdir(), `alloparents-${testInstanceName('compose-pg')}-`));
  // The volumes' parent, as /var/lib/postgresql in the image: the postgres user goes through it.
  chmodSync(dir, 0o755);
  const [monitorPort, node1Port, node2Port] = [TEST_PORTS.pgAutoFailover, TEST_PORTS.pgAutoFailover + 1, TEST_PORTS.pgAutoFailover + 2];
  const started: Started[] = [];
  const role = (name: string, extra: Record<string, string>) => {
    const process_ = start('bash', [join(root, 'docker/pg-auto-failover/entrypoint.sh')], {
      env: { PATH: process.env.PATH, PGAF_DIR: join(dir, name), PGAF_HOSTNAME: '127.0.0.1', POSTGRES_PASSWORD: PASSWORD, ...extra },
    });
    started.push(process_);
    return process_;
  };
  /** The entrypoint's `ready`, which the compose healthcheck waits for; an entrypoint that ends first fails at once. */
  const ready = async (name: string, process_: Started) => {
    const ended = process_.exited.then((code) => Promise.reject(new Error(`the ${name} entrypoint ended (${code}):\n${process_.output().slice(-3000)}`)));
    ended.catch(() => undefined);
    await Promise.race([ended, waitFor(`${name} to be ready`, async () => existsSync(join(dir, name, 'ready')), 90_000, 200)]).catch((error: Error) => {
      throw new Error(`${error.message}\n${process_.output().slice(-3000)}`);
    });
  };
  const query = async (url: string, sql: string) => {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.query(sql)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  afterAll(async () => {
    // SIGTERM, as `docker compose stop` sends it: each entrypoint stops its keeper, which stops its PostgreSQL.
    for (const process_ of started.reverse()) {
      if (process_.child.exitCode === null) process_.child.kill('SIGTERM');
      await Promise.race([process_.exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('given the monitor, node 1 and node 2 started by it in that order, then node 1 is the primary and node 2 its streaming standby, the app\'s user reaches the primary through the two-host URL with the password only, and neither the superuser nor the app\'s user gets in over TCP without the password; on SIGTERM each entrypoint ends once its PostgreSQL has stopped', async () => {
    const monitor = role('monitor', { PGAF_ROLE: 'monitor', PGPORT: String(monitorPort) });
    await ready('monitor', monitor);
    const node1 = role('node1', { PGAF_ROLE: 'node', PGPORT: String(node1Port), PGAF_MONITOR: `127.0.0.1:${monitorPort}` });
    await ready('node1', node1);
    const node2 = role('node2', { PGAF_ROLE: 'node', PGPORT: String(node2Port), PGAF_MONITOR: `127.0.0.1:${monitorPort}` });
    await ready('node2', node2);

    // The URL the compose file gives the apps, standby first: the app finds the primary.
    const appUrl = `postgres://alloparents:${PASSWORD}@127.0.0.1:${node2Port},127.0.0.1:${node1Port}/alloparents`;
    const db = clientFor(appUrl);
    await db.connect();
    try {
      const [row] = (await db.query(`SELECT current_user AS "user", current_setting('port') AS port, pg_is_in_recovery() AS standby,
        (SELECT datdba::regrole::text FROM pg_database WHERE datname = 'alloparents') AS owner`)).rows;
      expect(row).toEqual({ user: 'alloparents', port: String(node1Port), standby: false, owner: 'alloparents' });
      // The app owns its database: it can create what the migrations create.
      await db.query('CREATE TABLE compose_check (id int PRIMARY KEY)');
      await db.query('INSERT INTO compose_check VALUES (1)');
    } finally {
      await db.end();
    }
    // Node 2 is a standby of node 1, a synchronous one once caught up, and has the row.
    const node1Url = `postgres://alloparents:${PASSWORD}@127.0.0.1:${node1Port}/alloparents`;
    const node2Url = `postgres://alloparents:${PASSWORD}@127.0.0.1:${node2Port}/alloparents`;
    await waitFor('node 1 to replicate synchronously', async () => /pgautofailover_standby_/.test((await query(node1Url, 'SHOW synchronous_standby_names').catch(() => []))[0]?.synchronous_standby_names ?? ''), 30_000, 300);
    await waitFor('the row on node 2, in recovery', async () => {
      const [row] = await query(node2Url, 'SELECT pg_is_in_recovery() AS standby, (SELECT count(*)::int FROM compose_check) AS n').catch(() => []);
      return row?.standby === true && row.n === 1;
    }, 10_000, 200);

    // No trust over TCP for them: the superuser without a password, the app's user with a wrong one, are refused everywhere.
    for (const port of [monitorPort, node1Port, node2Port]) {
      await expect(query(`postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`, 'SELECT 1')).rejects.toThrow(/no pg_hba\.conf entry|password authentication failed/);
      await expect(query(`postgres://alloparents:wrong@127.0.0.1:${port}/alloparents`, 'SELECT 1')).rejects.toThrow(/no pg_hba\.conf entry|password authentication failed/);
    }

    // Each entrypoint ends once its PostgreSQL has stopped (a container's end kills what is left in it).
    for (const [process_, port] of [[node2, node2Port], [node1, node1Port], [monitor, monitorPort]] as const) {
      process_.child.kill('SIGTERM');
      expect(await Promise.race([process_.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 30_000))])).toBe(0);
      await expect(query(`postgres://alloparents:${PASSWORD}@127.0.0.1:${port}/alloparents`, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    }
  }, 180_000);
});

import { Client, type ClientConfig } from 'pg';

/**
 * DATABASE_URL may name several hosts, as libpq does (`postgres://user:pw@db1:5432,db2:5432/name`):
 * a primary and its standbys under an automatic failover tool (pg_auto_failover, Patroni). pg
 * itself connects to one host only, so every connection the app opens goes through the locating
 * client below: it asks each host in turn whether it is in recovery and connects to the one that
 * is not, the last primary found first. After a failover the pool's broken connections are
 * dropped and the next ones find the promoted standby by themselves: no restart, no edited
 * configuration. psql, pg_dump and the scripts read the same URL with libpq.
 */
export interface DatabaseHost {
  host: string;
  port: number;
}

/** A host and the URL naming only it (pg takes the URL's host over any other setting). */
export interface DatabaseCandidate extends DatabaseHost {
  url: string;
}

export interface DatabaseUrl {
  hosts: DatabaseHost[];
  /** The same URL naming one host only (what pg and TypeORM can parse). */
  forHost(host: DatabaseHost): string;
}

const URL_PARTS = /^(postgres(?:ql)?:\/\/)([^@/?#]*@)?([^/?#]*)(.*)$/;

/** Splits a postgres:// URL's host list (`h1:p1,h2,[::1]:p3`); a host without a port gets 5432. */
export function parseDatabaseUrl(url: string): DatabaseUrl {
  const match = URL_PARTS.exec(url);
  if (!match) throw new Error('DATABASE_URL must be a postgres:// URL');
  const [, scheme, credentials = '', hostList, rest] = match;
  const hosts = hostList.split(',').map((entry): DatabaseHost => {
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    const plain = /^([^:]*)(?::(\d+))?$/.exec(entry);
    const [, host, port] = bracketed ?? plain ?? [];
    if (host === undefined || host === '') throw new Error(`DATABASE_URL holds "${entry}" where a host (host or host:port) belongs`);
    return { host, port: port === undefined ? 5432 : Number(port) };
  });
  return {
    hosts,
    forHost: ({ host, port }) => `${scheme}${credentials}${host.includes(':') ? `[${host}]` : host}:${port}${rest}`,
  };
}

/** Which host to try first: the primary found last time, then the others in the URL's order. */
function inOrder(hosts: DatabaseCandidate[], lastPrimary: DatabaseHost | undefined): DatabaseCandidate[] {
  if (!lastPrimary) return hosts;
  const same = (h: DatabaseHost) => h.host === lastPrimary.host && h.port === lastPrimary.port;
  return [...hosts.filter(same), ...hosts.filter((h) => !same(h))];
}

let lastPrimary: DatabaseHost | undefined;

/** Finds the host that accepts writes (not in recovery). Each probe is a short connection of its own. */
export async function locatePrimary(config: ClientConfig, hosts: DatabaseCandidate[]): Promise<DatabaseHost> {
  const reasons: string[] = [];
  for (const candidate of inOrder(hosts, lastPrimary)) {
    const probe = new Client({ ...config, connectionString: candidate.url, application_name: 'alloparents-locate' });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      const { rows } = await probe.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
      if (!rows[0].standby) {
        lastPrimary = candidate;
        return candidate;
      }
      reasons.push(`${candidate.host}:${candidate.port} is a standby`);
    } catch (error) {
      reasons.push(`${candidate.host}:${candidate.port}: ${(error as Error).message}`);
    } finally {
      await probe.end().catch(() => undefined);
    }
  }
  throw new Error(`no PostgreSQL primary among ${hosts.length} hosts (${reasons.join('; ')})`);
}

/** pg's Client, connecting to the current primary among `databaseHosts` (set in its config, as the pool passes it on). */
export class PrimaryLocatingClient extends Client {
  private readonly probeConfig: ClientConfig;
  private readonly hosts: DatabaseCandidate[];

  constructor(config: ClientConfig & { databaseHosts: DatabaseCandidate[] }) {
    const { databaseHosts, ...rest } = config;
    super(rest);
    this.hosts = databaseHosts;
    this.probeConfig = rest;
  }

  override connect(): Promise<Client>;
  override connect(callback: (error: Error) => void): void;
  override connect(callback?: (error: Error) => void): Promise<Client> | void {
    const connected = locatePrimary(this.probeConfig, this.hosts).then(async (primary) => {
      // Read by pg when it opens the socket (the constructor copied them from the config).
      const self = this as unknown as { host: string; port: number; connectionParameters: { host: string; port: number } };
      self.host = self.connectionParameters.host = primary.host;
      self.port = self.connectionParameters.port = primary.port;
      return super.connect();
    });
    if (!callback) return connected;
    connected.then(() => callback(undefined as unknown as Error), callback);
  }
}

/** A pg Client for `url`, whether it names one host or several (then connecting to the primary). */
export function clientFor(url: string, options: ClientConfig = {}): Client {
  const parsed = parseDatabaseUrl(url);
  if (parsed.hosts.length === 1) return new Client({ ...options, connectionString: url });
  return new PrimaryLocatingClient({ ...options, connectionString: parsed.forHost(parsed.hosts[0]), databaseHosts: candidates(parsed) });
}

function candidates(parsed: DatabaseUrl): DatabaseCandidate[] {
  return parsed.hosts.map((host) => ({ ...host, url: parsed.forHost(host) }));
}

/** What the pg pool needs to connect like clientFor (TypeORM's `url` and `extra`). */
export function poolSettings(url: string): { url: string; extra: Record<string, unknown> } {
  const parsed = parseDatabaseUrl(url);
  if (parsed.hosts.length === 1) return { url, extra: {} };
  return { url: parsed.forHost(parsed.hosts[0]), extra: { Client: PrimaryLocatingClient, databaseHosts: candidates(parsed) } };
}

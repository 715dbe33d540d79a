import { parseDatabaseUrl, poolSettings } from './primary-locator';

describe('parseDatabaseUrl', () => {
  it.each([
    ['postgres://u:p@db:5433/name', [{ host: 'db', port: 5433 }]],
    ['postgres://u:p@db/name?sslmode=require', [{ host: 'db', port: 5432 }]],
    ['postgresql://u@db1:5432,db2:6432,db3/name', [{ host: 'db1', port: 5432 }, { host: 'db2', port: 6432 }, { host: 'db3', port: 5432 }]],
    ['postgres://u:p@[::1]:5433,10.0.0.2/name', [{ host: '::1', port: 5433 }, { host: '10.0.0.2', port: 5432 }]],
  ])('given %s, then the hosts are %j', (url, hosts) => {
    expect(parseDatabaseUrl(url).hosts).toEqual(hosts);
  });

  it('given several hosts, then each one-host URL keeps the credentials, the database and the parameters', () => {
    const parsed = parseDatabaseUrl('postgres://u:s%40cret@db1:5432,[fd00::2]:5433/name?sslmode=require');
    expect(parsed.hosts.map(parsed.forHost)).toEqual(['postgres://u:s%40cret@db1:5432/name?sslmode=require', 'postgres://u:s%40cret@[fd00::2]:5433/name?sslmode=require']);
  });

  it.each(['mysql://db/name', 'postgres://u@db1,,db2/name', 'postgres://u@:5432/name'])('given %s, then a clear error', (url) => {
    expect(() => parseDatabaseUrl(url)).toThrow(/DATABASE_URL/);
  });

  it('given one host, then the pool connects as pg does; given several, it locates the primary', () => {
    expect(poolSettings('postgres://u@db/name')).toEqual({ url: 'postgres://u@db/name', extra: {} });
    const several = poolSettings('postgres://u@db1,db2/name');
    expect(several.url).toBe('postgres://u@db1:5432/name');
    expect(several.extra).toMatchObject({ databaseHosts: [{ host: 'db1', port: 5432 }, { host: 'db2', port: 5432 }] });
  });
});

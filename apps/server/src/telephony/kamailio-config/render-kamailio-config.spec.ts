import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kamailioSettings, parseKamailioNodes, parseTrunkSubnets, renderKamailioConfig } from './render-kamailio-config';

describe('rendering kamailio-config/', () => {
  it('reads KAMAILIO_NODES: SIP addresses, each with an optional /health URL', () => {
    expect(parseKamailioNodes('sip:10.0.0.11:5060 http://10.0.0.11:9464/health, sip:10.0.0.12:5060')).toEqual([
      { sipUri: 'sip:10.0.0.11:5060', healthUrl: 'http://10.0.0.11:9464/health' },
      { sipUri: 'sip:10.0.0.12:5060' },
    ]);
  });

  it('refuses an empty node list, a node without a port, and a health URL that could break out of its quotes', () => {
    expect(() => parseKamailioNodes('')).toThrow(/at least one node/);
    expect(() => parseKamailioNodes('sip:10.0.0.11')).toThrow(/sip:HOST:PORT/);
    expect(() => parseKamailioNodes('sip:10.0.0.11:5060 http://x/"health')).toThrow(/plain http/);
    expect(() => parseKamailioNodes('sip:10.0.0.11:5060 ftp://x/health')).toThrow(/plain http/);
  });

  it('reads KAMAILIO_TRUNK_ADDRESSES as ranges, and insists on it (new calls are taken from the trunk only)', () => {
    expect(parseTrunkSubnets('198.51.100.0/24, 192.0.2.17, 2001:db8::1')).toEqual(['198.51.100.0/24', '192.0.2.17/32', '2001:db8::1/128']);
    expect(() => parseTrunkSubnets('')).toThrow(/KAMAILIO_TRUNK_ADDRESSES/);
    expect(() => parseTrunkSubnets('sip.provider.example')).toThrow(/not an IP address/);
    expect(() => parseTrunkSubnets('192.0.2.0/33')).toThrow(/not an IP address/);
  });

  it('renders the repository template completely, with the node list and the health checks beside it', () => {
    const runDir = mkdtempSync(join(tmpdir(), 'kam-'));
    const settings = kamailioSettings({ KAMAILIO_PORT: '5070', KAMAILIO_TRUNK_ADDRESSES: '192.0.2.17', KAMAILIO_NODES: 'sip:127.0.0.1:5060 http://127.0.0.1:3000/health, sip:127.0.0.1:5160' });
    const cfg = renderKamailioConfig(join(__dirname, '../../../../../kamailio-config'), runDir, settings);
    const text = readFileSync(cfg, 'utf8');
    expect(text).not.toMatch(/\{\{/);
    expect(text).toContain('listen=udp:127.0.0.1:5070');
    expect(text).toContain('if (!is_in_subnet("$si", "192.0.2.17/32")) {');
    expect(text).toContain(`include_file "${runDir}/node-health.cfg"`);
    const list = readFileSync(join(runDir, 'dispatcher.list'), 'utf8');
    expect(list).toContain('1 sip:127.0.0.1:5060 0 0\n1 sip:127.0.0.1:5160 0 0\n');
    expect(list).toContain('2 sip:127.0.0.1:5060 0 0\n2 sip:127.0.0.1:5160 0 0\n');
    const health = readFileSync(join(runDir, 'node-health.cfg'), 'utf8');
    expect(health).toContain('$var(health) = "http://127.0.0.1:3000/health";');
    expect(health).not.toContain('5160');
  });
});

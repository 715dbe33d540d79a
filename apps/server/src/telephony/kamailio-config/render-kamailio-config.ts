import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { renderTemplate } from '../asterisk-config/render-asterisk-config';

/**
 * kamailio-config/kamailio.cfg is rendered like asterisk-config/: `{{NAME}}` marks the values
 * from the environment (renderTemplate), `$...` is Kamailio's own syntax and stays. Beside it go
 * two generated files: dispatcher.list (the nodes, set 1) and node-health.cfg (the timer route
 * asking each node's app for /health).
 */

/** One node: its Asterisk's SIP address, and optionally its app's /health URL. */
export interface KamailioNode {
  /** sip:HOST:PORT, as it appears in dispatcher.list and in `kamcmd dispatcher.list`. */
  sipUri: string;
  /** http(s)://.../health of the node's app; without it, only the OPTIONS probes watch the node. */
  healthUrl?: string;
}

export interface KamailioSettings {
  bindAddress: string;
  port: number;
  nodes: KamailioNode[];
  /** Where new calls may come from: the trunk's addresses or ranges (CIDR). */
  trunkSubnets: string[];
}

/**
 * KAMAILIO_TRUNK_ADDRESSES: the provider's addresses or ranges, comma-separated
 * (`198.51.100.0/24, 192.0.2.17`). Kamailio takes new calls from them only: every node's Asterisk
 * trusts whatever Kamailio sends it as coming from the trunk.
 */
export function parseTrunkSubnets(raw: string | undefined): string[] {
  const entries = (raw ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) throw new Error('KAMAILIO_TRUNK_ADDRESSES: name the addresses the trunk sends calls from (IP or CIDR, comma-separated)');
  return entries.map((entry) => {
    const [address, prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix);
    if (family === 0 || rest.length > 0 || !/^\d*$/.test(prefix ?? '') || !Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32)) {
      throw new Error(`KAMAILIO_TRUNK_ADDRESSES: "${entry}" is not an IP address or CIDR range`);
    }
    return `${address}/${bits}`;
  });
}

/**
 * KAMAILIO_NODES: the nodes, comma-separated; each is its Asterisk's SIP address, then
 * optionally a space and its app's /health URL:
 * `sip:10.0.0.11:5060 http://10.0.0.11:9464/health, sip:10.0.0.12:5060 http://10.0.0.12:9464/health`.
 */
export function parseKamailioNodes(raw: string | undefined): KamailioNode[] {
  const entries = (raw ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) throw new Error('KAMAILIO_NODES: name at least one node (sip:HOST:PORT [health URL], comma-separated)');
  return entries.map((entry) => {
    const [sip, health, ...rest] = entry.split(/\s+/);
    if (rest.length > 0) throw new Error(`KAMAILIO_NODES: "${entry}" has more than a SIP address and a health URL`);
    const match = /^sip:([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/.exec(sip);
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) throw new Error(`KAMAILIO_NODES: "${sip}" is not sip:HOST:PORT`);
    const node: KamailioNode = { sipUri: sip };
    if (health !== undefined) {
      let url: URL;
      try {
        url = new URL(health);
      } catch {
        throw new Error(`KAMAILIO_NODES: "${health}" is not a URL`);
      }
      // The URL goes between double quotes in the configuration: nothing that could end them.
      if (!/^https?:$/.test(url.protocol) || /["\\$\s]/.test(health)) throw new Error(`KAMAILIO_NODES: "${health}" is not a plain http(s) URL`);
      node.healthUrl = health;
    }
    return node;
  });
}

/** The settings from the environment: KAMAILIO_BIND_ADDRESS (default 127.0.0.1), KAMAILIO_PORT (5060), KAMAILIO_NODES, KAMAILIO_TRUNK_ADDRESSES. */
export function kamailioSettings(env: NodeJS.ProcessEnv = process.env): KamailioSettings {
  const bindAddress = env.KAMAILIO_BIND_ADDRESS || '127.0.0.1';
  if (isIP(bindAddress) === 0) throw new Error('KAMAILIO_BIND_ADDRESS must be an IP address');
  const port = Number(env.KAMAILIO_PORT || '5060');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('KAMAILIO_PORT must be a port number');
  return { bindAddress, port, nodes: parseKamailioNodes(env.KAMAILIO_NODES), trunkSubnets: parseTrunkSubnets(env.KAMAILIO_TRUNK_ADDRESSES) };
}

export function kamailioTemplateVariables(settings: KamailioSettings, runDir: string): Record<string, string> {
  if (/["\s]/.test(runDir)) throw new Error('the Kamailio run directory may not contain quotes or spaces');
  return {
    KAMAILIO_BIND_ADDRESS: settings.bindAddress,
    KAMAILIO_PORT: String(settings.port),
    RUN_DIR: runDir,
    TRUNK_SUBNETS: settings.trunkSubnets.join(','),
  };
}

/**
 * dispatcher.list: every node in set 1 (probes and the app's /health) and again in set 2 (probes
 * only: the last resort when no app is healthy), active at start (flags 0); the probes and the
 * health checks correct that within a second or two.
 */
export function renderDispatcherList(nodes: KamailioNode[]): string {
  return [
    '# Rendered from KAMAILIO_NODES: setid destination flags priority',
    '# set 1: the nodes, taken out by the OPTIONS probes and by their app\'s /health',
    ...nodes.map((node) => `1 ${node.sipUri} 0 0`),
    '# set 2: the same nodes, taken out by the OPTIONS probes only (used when set 1 is empty)',
    ...nodes.map((node) => `2 ${node.sipUri} 0 0`),
    '',
  ].join('\n');
}

/** node-health.cfg: route[NODE_HEALTH], run every second, checks each node that has a health URL. */
export function renderNodeHealth(nodes: KamailioNode[]): string {
  const checks = nodes
    .filter((node) => node.healthUrl)
    .map((node) => `\t$var(node) = "${node.sipUri}";\n\t$var(health) = "${node.healthUrl}";\n\troute(CHECK_NODE);`);
  return ['# Rendered from KAMAILIO_NODES: one check per node that has a health URL.', 'route[NODE_HEALTH] {', ...checks, '\treturn;', '}', ''].join('\n');
}

/** Renders kamailio.cfg from templateDir into runDir, with dispatcher.list and node-health.cfg; returns the cfg's path. */
export function renderKamailioConfig(templateDir: string, runDir: string, settings: KamailioSettings): string {
  mkdirSync(runDir, { recursive: true });
  const cfg = join(runDir, 'kamailio.cfg');
  writeFileSync(cfg, renderTemplate(readFileSync(join(templateDir, 'kamailio.cfg'), 'utf8'), kamailioTemplateVariables(settings, runDir), 'kamailio.cfg'));
  writeFileSync(join(runDir, 'dispatcher.list'), renderDispatcherList(settings.nodes));
  writeFileSync(join(runDir, 'node-health.cfg'), renderNodeHealth(settings.nodes));
  for (const file of ['kamailio.cfg', 'dispatcher.list', 'node-health.cfg']) chmodSync(join(runDir, file), 0o600);
  return cfg;
}

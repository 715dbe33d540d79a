import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { run, start, waitFor } from './processes';
import { REPO_ROOT } from './repo-root';
import { TEST_PORTS } from './test-config';

const NGINX = '/usr/sbin/nginx';
/** The shipped site configuration: the tests run exactly what production runs. */
export const NGINX_TEMPLATE = join(REPO_ROOT, 'docker/nginx/templates/alloparents.conf.template');

/** Fills the template's ${NAME} placeholders that `values` names, as the nginx image's envsubst does; one left outside a comment is an error. */
export function renderNginxTemplate(template: string, values: Record<string, string>): string {
  const rendered = template.replace(/\$\{([A-Z_]+)\}/g, (whole, name: string) => values[name] ?? whole);
  const left = rendered.split('\n').filter((line) => !line.trim().startsWith('#') && /\$\{[A-Z_]+\}/.test(line));
  if (left.length > 0) throw new Error(`the nginx template needs more values:\n${left.join('\n')}`);
  return rendered;
}

export interface TlsProxy {
  /** https://localhost:<port>, what the parents' browser opens. */
  publicUrl: string;
  /** The self-signed certificate (PEM), for clients that check it. */
  certificate: string;
  /** A dispatcher for undici's fetch that trusts the certificate, connecting from `localAddress` (any 127.x address). */
  dispatcher: (localAddress?: string) => Agent;
  /** What nginx logged so far: its access log and its error log. */
  logs: () => string;
  stop: () => Promise<void>;
}

/**
 * Debian's nginx (scripts/provision.sh installs it) terminating TLS in front of the app at
 * `upstreamPort`, with the shipped site configuration and a self-signed certificate for localhost
 * made here with openssl, on this worktree's loopback port (TEST_PORTS.tlsProxy). Given several
 * ports, nginx balances over them as over several app processes (an `upstream` block, round robin:
 * with one worker, requests alternate between them).
 */
export async function startTlsProxy(upstreamPorts: number | number[]): Promise<TlsProxy> {
  const ports = Array.isArray(upstreamPorts) ? upstreamPorts : [upstreamPorts];
  const dir = mkdtempSync(join(tmpdir(), 'alloparents-nginx-'));
  const key = join(dir, 'privkey.pem');
  const cert = join(dir, 'fullchain.pem');
  const made = await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert]);
  if (made.code !== 0) throw new Error(`openssl could not make the test certificate:\n${made.output}`);
  for (const temp of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, temp));
  const site = renderNginxTemplate(readFileSync(NGINX_TEMPLATE, 'utf8'), {
    PORTAL_SERVER_NAME: 'localhost',
    NGINX_HTTPS_PORT: `127.0.0.1:${TEST_PORTS.tlsProxy}`,
    NGINX_HTTP_PORT: `127.0.0.1:${TEST_PORTS.tlsProxyHttp}`,
    ALLOPARENTS_UPSTREAM: ports.length === 1 ? `127.0.0.1:${ports[0]}` : 'alloparents_apps',
    TLS_CERTIFICATE: cert,
    TLS_CERTIFICATE_KEY: key,
    NGINX_ACCESS_LOG: join(dir, 'access.log'),
  });
  writeFileSync(join(dir, 'alloparents.conf'), site);
  const upstream = ports.length === 1 ? '' : `  upstream alloparents_apps {\n${ports.map((port) => `    server 127.0.0.1:${port};\n`).join('')}  }\n`;
  // The main file a distribution would provide, with every path in the temporary directory.
  writeFileSync(join(dir, 'nginx.conf'), `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${upstream}  include ${dir}/alloparents.conf;
}
`);
  const args = ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')];
  const checked = await run(NGINX, [...args, '-t']);
  if (checked.code !== 0) throw new Error(`nginx refused the configuration:\n${checked.output}`);
  const nginx = start(NGINX, [...args, '-g', 'daemon off;']);
  const certificate = readFileSync(cert, 'utf8');
  const agents: Agent[] = [];
  const dispatcher = (localAddress?: string) => {
    const agent = new Agent({ connect: { ca: certificate, servername: 'localhost' }, ...(localAddress ? { localAddress } : {}) });
    agents.push(agent);
    return agent;
  };
  const publicUrl = `https://localhost:${TEST_PORTS.tlsProxy}`;
  const probe = dispatcher();
  const readLog = (name: string) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch {
      return '';
    }
  };
  try {
    await waitFor('nginx in front of the app', async () => {
      if (nginx.child.exitCode !== null) throw new Error(`nginx stopped:\n${nginx.output()}${readLog('error.log')}`);
      const { fetch } = await import('undici');
      return (await fetch(`${publicUrl}/health`, { dispatcher: probe })).status > 0;
    }, 15_000, 100);
  } catch (error) {
    nginx.child.kill('SIGQUIT');
    throw error;
  }
  return {
    publicUrl,
    certificate,
    dispatcher,
    logs: () => `${readLog('access.log')}\n${readLog('error.log')}`,
    stop: async () => {
      await Promise.all(agents.map((agent) => agent.close()));
      if (nginx.child.exitCode === null) {
        nginx.child.kill('SIGQUIT');
        await nginx.exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

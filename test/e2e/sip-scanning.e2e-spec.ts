import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsteriskInstance } from '../support/asterisk';
import { run, start, waitFor } from '../support/processes';
import { TEST_PORTS, testEnvironment, testInstanceName } from '../support/test-config';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '../..');
const ASTERISK_ROOT = process.env.ASTERISK_ROOT ?? join(process.env.ALLOPARENTS_CACHE ?? '/var/cache/alloparents', 'asterisk-root');
const FILTER = join(ROOT, 'asterisk-config/fail2ban/filter.d/alloparents-asterisk.conf');
const JAIL = join(ROOT, 'asterisk-config/fail2ban/jail.d/alloparents.conf');

/** The security events the filter bans on (the rest, ChallengeSent, are informational). */
const FAILURES = ['InvalidAccountID', 'ChallengeResponseFailed', 'InvalidPassword', 'FailedACL', 'RequestBadFormat', 'RequestNotAllowed', 'AuthMethodNotAllowed', 'UnexpectedAddress', 'InvalidTransport'];

/** Debian names SIPVicious's tools svwar, svcrack, svmap; upstream's entry points are sipvicious_svwar, … */
function sipvicious(tool: 'svmap' | 'svwar' | 'svcrack'): string {
  for (const name of [tool, `sipvicious_${tool}`]) {
    try {
      execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
      return name;
    } catch {
      // not this name
    }
  }
  throw new Error(`SIPVicious's ${tool} is not installed: run 'npm run provision' (scripts/provision.sh tools)`);
}

/** Counts each SecurityEvent type in the log (a plain reading, independent of the filter's regular expressions). */
function eventCounts(log: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of log.matchAll(/ SecurityEvent="(\w+)"/g)) counts[match[1]] = (counts[match[1]] ?? 0) + 1;
  return counts;
}

/** A REGISTER whose From user carries quotes and a RemoteAddress field of someone else's. */
async function sendForgedRegister(port: number, user: string): Promise<string> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const local = socket.address().port;
  const request = [
    `REGISTER sip:127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-forged-${Date.now()};rport`,
    `From: <sip:${user}@127.0.0.1>;tag=forged`,
    `To: <sip:${user}@127.0.0.1>`,
    `Call-ID: forged-${Date.now()}`,
    'CSeq: 1 REGISTER',
    `Contact: <sip:forged@127.0.0.1:${local}>`,
    'Max-Forwards: 70',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  try {
    const answer = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer to the forged REGISTER within 5 s')), 5000);
      socket.once('message', (message) => {
        clearTimeout(timer);
        resolve(message.toString().split('\r\n')[0]);
      });
    });
    socket.send(request, port, '127.0.0.1');
    return await answer;
  } finally {
    socket.close();
  }
}

/**
 * A private fail2ban: Debian's configuration with our filter and jail added as an operator
 * installs them, read by a server of its own (own socket, database in memory). Only what cannot
 * run here is replaced: the log path (this run's), the ban action (a file instead of the
 * firewall) and the exemption of the loopback, where the scanner is.
 */
function privateFail2ban(securityLog: string): { dir: string; banned: string; socket: string } {
  const dir = mkdtempSync(join(tmpdir(), 'alloparents-fail2ban-'));
  const conf = join(dir, 'etc');
  cpSync('/etc/fail2ban', conf, { recursive: true });
  rmSync(join(conf, 'jail.d'), { recursive: true, force: true });
  cpSync(FILTER, join(conf, 'filter.d/alloparents-asterisk.conf'));
  cpSync(JAIL, join(conf, 'jail.d/alloparents.conf'), { recursive: true });
  const banned = join(dir, 'banned');
  const socket = join(dir, 'fail2ban.sock');
  writeFileSync(join(conf, 'fail2ban.local'), `[Definition]\nlogtarget = STDERR\nsocket = ${socket}\npidfile = ${join(dir, 'fail2ban.pid')}\ndbfile = :memory:\n`);
  writeFileSync(join(conf, 'action.d/alloparents-test-record.conf'), `[Definition]\nactionban = printf '%%s\\n' <ip> >> ${banned}\nactionunban =\n`);
  writeFileSync(join(conf, 'jail.local'), `[alloparents-asterisk]\nlogpath = ${securityLog}\nbanaction = alloparents-test-record\nignoreip =\nignoreself = false\n`);
  return { dir, banned, socket };
}

describe('SIP scanning against the service Asterisk (SIPVicious on the loopback) and the fail2ban filter', () => {
  const name = testInstanceName('sip-scan');
  const securityLog = join(ASTERISK_ROOT, 'srv/alloparents', name, 'log/security.log');
  // The scanner must not be the trunk: the trunk is identified (trusted) by its address alone, so
  // the service instance gets a trunk on 127.0.0.2 and the scanner sends from 127.0.0.1.
  const asterisk = new AsteriskInstance(name, testEnvironment({ SIP_TRUNK_URI: `sip:127.0.0.2:${TEST_PORTS.network}` }));
  const target = ['127.0.0.1', '-p', String(TEST_PORTS.sip)];
  const scannerPort = (n: number) => String(TEST_PORTS.sippBase + 1500 + n);
  const outputs: Record<string, string> = {};

  beforeAll(async () => {
    // Each run reads only its own scan.
    rmSync(securityLog, { force: true });
    await asterisk.start();
    for (const [key, tool, args] of [
      ['svmap', sipvicious('svmap'), [...target, '-b', '127.0.0.1', '-P', scannerPort(0)]],
      ['svwar-register', sipvicious('svwar'), ['-e100-119', '-m', 'REGISTER', ...target, '-b', '127.0.0.1', '-P', scannerPort(1)]],
      ['svwar-invite', sipvicious('svwar'), ['-e100-119', '-m', 'INVITE', ...target, '-b', '127.0.0.1', '-P', scannerPort(2)]],
      ['svcrack', sipvicious('svcrack'), ['-u', '100', '-r', '1000-1019', ...target, '-b', '127.0.0.1', '-P', scannerPort(3)]],
    ] as const) {
      const { code, output } = await run(tool, [...args], {}, 60_000);
      if (code !== 0) throw new Error(`${tool} ${args.join(' ')} exited with ${code}:\n${output}`);
      outputs[key] = output;
    }
    // svcrack tried 20 passwords for account 100: wait until Asterisk has logged each refusal.
    await waitFor('the security log to hold svcrack\'s 20 refused passwords', async () =>
      existsSync(securityLog) && (eventCounts(readFileSync(securityLog, 'utf8')).ChallengeResponseFailed ?? 0) >= 20, 15_000, 200);
  }, 180_000);

  afterAll(async () => {
    await asterisk.stop();
  });

  it('given the service on its SIP port, when svmap sweeps it, then it finds one SIP device', () => {
    expect(outputs.svmap).toMatch(new RegExp(`127\\.0\\.0\\.1:${TEST_PORTS.sip}\\s*\\|\\s*Allo Parents`));
  });

  it('given no account that registers (the trunk is known by its address), when svwar tries extensions 100-119 by REGISTER and by INVITE, then it finds none: every unknown name is challenged alike', () => {
    for (const key of ['svwar-register', 'svwar-invite']) {
      expect(outputs[key]).toContain('SIP server replied with an authentication request for an unknown extension');
      expect(outputs[key]).toContain('found nothing');
      expect(outputs[key]).not.toMatch(/noauth|reqauth|weird/);
    }
  });

  it('given no account, when svcrack tries 20 passwords for account 100, then none is accepted', () => {
    expect(outputs.svcrack).toContain('found nothing');
    expect(outputs.svcrack).not.toMatch(/password for/i);
  });

  it('given the scan, then the security log holds its attempts with the scanner\'s address, and fail2ban-regex with our filter matches every failure, each for 127.0.0.1, and no informational event', async () => {
    const log = readFileSync(securityLog, 'utf8');
    const counts = eventCounts(log);
    const failures = FAILURES.reduce((sum, event) => sum + (counts[event] ?? 0), 0);
    // svwar's probes and svcrack's first request are unknown accounts; svcrack's 20 guesses are wrong answers.
    expect(counts.InvalidAccountID).toBeGreaterThanOrEqual(3);
    expect(counts.ChallengeResponseFailed).toBeGreaterThanOrEqual(20);
    expect(counts.ChallengeSent).toBeGreaterThan(0);

    const summary = await run('fail2ban-regex', [securityLog, FILTER], {}, 60_000);
    expect(summary.code).toBe(0);
    const lines = /Lines: (\d+) lines, (\d+) ignored, (\d+) matched, (\d+) missed/.exec(summary.output);
    expect(lines).not.toBeNull();
    const [, total, , matched] = lines!.map(Number);
    expect(matched).toBe(failures);
    expect(total).toBe(log.split('\n').filter((line) => line.trim() !== '').length);

    const hosts = await run('fail2ban-regex', ['-o', 'ip', securityLog, FILTER], {}, 60_000);
    const addresses = hosts.output.split('\n').filter((line) => line.trim() !== '');
    expect(addresses).toHaveLength(failures);
    expect(new Set(addresses)).toEqual(new Set(['127.0.0.1']));
  });

  it('given our jail installed in a fail2ban server reading the scan\'s security log, then it bans the scanner\'s address, and only that', async () => {
    const fail2ban = privateFail2ban(securityLog);
    const server = start('fail2ban-client', ['-f', '-c', join(fail2ban.dir, 'etc'), 'start']);
    try {
      const status = await waitFor('the jail to ban an address', async () => {
        if (server.child.exitCode !== null) throw new Error(`fail2ban exited:\n${server.output()}`);
        const { code, output } = await run('fail2ban-client', ['-s', fail2ban.socket, 'status', 'alloparents-asterisk'], {}, 10_000);
        return code === 0 && /Currently banned:\s*1/.test(output) ? output : undefined;
      }, 30_000, 300);
      expect(status).toMatch(/Banned IP list:\s*127\.0\.0\.1\s*$/m);
      expect(readFileSync(fail2ban.banned, 'utf8')).toBe('127.0.0.1\n');
    } finally {
      await run('fail2ban-client', ['-s', fail2ban.socket, 'stop'], {}, 15_000);
      const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
      await server.exited;
      clearTimeout(timer);
      rmSync(fail2ban.dir, { recursive: true, force: true });
    }
  });

  it('given a request whose From user writes another address into the log line, when fail2ban-regex reads it, then that address is never the one matched', async () => {
    const forged = '1.2.3.4';
    expect(await sendForgedRegister(TEST_PORTS.sip, `x%22,RemoteAddress=%22IPV4/UDP/${forged}/5`)).toBe('SIP/2.0 401 Unauthorized');
    await waitFor('the forged line in the security log', async () => readFileSync(securityLog, 'utf8').includes(`RemoteAddress="IPV4/UDP/${forged}/5"`), 5000, 100);

    const hosts = await run('fail2ban-regex', ['-o', 'ip', securityLog, FILTER], {}, 60_000);
    expect(hosts.code).toBe(0);
    expect(hosts.output).not.toContain(forged);
    expect(new Set(hosts.output.split('\n').filter((line) => line.trim() !== ''))).toEqual(new Set(['127.0.0.1']));
  });
});

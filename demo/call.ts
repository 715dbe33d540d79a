// npm run demo:call — places a finder's call to the demo stack (`npm run stack` without a real
// trunk) with SIPp and prints what happens, step by step, with timings: the greeting, the number
// typed, each leg the simulated network receives, who answered, the bridge, then the call's
// record. The finder streams audio all along like a phone (Asterisk's rtp_timeout would hang up
// a silent one) and types the keys as one RFC 4733 stream (repeated digits included).
// Options (after --): --hold SECONDS  how long the finder stays on the line after typing (default 20).
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { clientFor } from '../apps/server/src/database/primary-locator';
import { loadConfig } from '../apps/server/src/config/app-config';
import { DEMO } from '../apps/server/src/demo/demo-cascade';
import { finderScenario } from '../test/support/finder-scenario';
import { start } from '../test/support/processes';

const ASTERISK_ROOT = process.env.ASTERISK_ROOT ?? join(process.env.ALLOPARENTS_CACHE ?? '/var/cache/alloparents', 'asterisk-root');
/** The finder's number (any number the service accepts: not withheld). */
const FINDER = '32470000001';

/** What the SIPp scenario notes as it reaches each point, and how the timeline says it. */
const NOTES: Record<string, string> = {
  answered: 'the service answered: the greeting plays (language choice)',
  'key 1': 'finder presses 1 (French) during the greeting',
  typing: `finder types the national number ${DEMO.nationalNumber} and #`,
  'hanging up': 'finder hangs up',
};

async function freeUdpPort(consecutive = 1): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = consecutive === 1 ? 0 : 30000 + 2 * Math.floor(Math.random() * 5000);
    const sockets = [] as ReturnType<typeof createSocket>[];
    try {
      let first = base;
      for (let i = 0; i < consecutive; i++) {
        const socket = createSocket('udp4');
        sockets.push(socket);
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind(first === 0 ? 0 : first + i, '127.0.0.1', () => resolve());
        });
        if (first === 0) first = socket.address().port;
      }
      return first;
    } catch {
      // taken: try another
    } finally {
      for (const socket of sockets) socket.close();
    }
  }
  throw new Error('no free UDP port for SIPp');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const holdArg = args.includes('--hold') ? Number(args[args.indexOf('--hold') + 1]) : 20;
  if (!Number.isInteger(holdArg) || holdArg < 1 || holdArg > 600) throw new Error('--hold must be a whole number of seconds from 1 to 600');
  if (process.env.SIP_TRUNK_URI) throw new Error('SIP_TRUNK_URI is set: with a real trunk the stack runs no simulated network and has no demo child');
  const config = loadConfig();
  const instance = process.env.ASTERISK_INSTANCE || 'service';
  const networkLog = join(ASTERISK_ROOT, 'srv/alloparents', `${instance}-demo-network`, 'dialled.log');
  if (!existsSync(join(ASTERISK_ROOT, 'srv/alloparents', `${instance}-demo-network`))) {
    throw new Error(`no demo network for the Asterisk instance '${instance}': start the stack without SIP_TRUNK_URI (npm run stack) first`);
  }
  const logOffset = existsSync(networkLog) ? readFileSync(networkLog, 'utf8').length : 0;

  const scenario = finderScenario('demo-call', {
    audio: true,
    steps: [
      { note: 'answered' },
      { pause: 800 },
      { note: 'key 1' },
      { dtmf: '1' },
      { pause: 400 },
      { note: 'typing' },
      { dtmf: `${DEMO.nationalNumber}#` },
      { pause: holdArg * 1000 },
      { note: 'hanging up' },
      { hangUp: true },
    ],
  });
  const sippLog = join(dirname(scenario), 'demo-call.log');
  rmSync(sippLog, { force: true });
  const [port, mediaPort] = [await freeUdpPort(), await freeUdpPort(4)];
  const startedAt = new Date();
  const t0 = Date.now();
  const at = (ms: number) => `+${((ms - t0) / 1000).toFixed(2).padStart(6)} s`;
  const say = (ms: number, text: string) => process.stdout.write(`  ${at(ms)}  ${text}\n`);
  process.stdout.write(`Demo call: the finder ${FINDER} calls the service number ${config.service.number} at ${config.sip.bindAddress}:${config.sip.port}\n`);
  say(t0, 'INVITE sent');
  const sipp = start('sipp', [
    `${config.sip.bindAddress}:${config.sip.port}`,
    '-sf', scenario,
    '-s', config.service.number,
    '-i', config.sip.bindAddress,
    '-p', String(port),
    '-mp', String(mediaPort),
    '-m', '1',
    '-timeout', `${holdArg + 30}s`,
    '-timeout_error',
    '-nostdin',
    '-trace_err',
    '-trace_logs',
    '-log_file', sippLog,
    '-key', 'caller', FINDER,
  ], { cwd: dirname(scenario) });

  // The timeline, from three sources polled every 100 ms: SIPp's notes, the network's log, ARI's bridges.
  let sippSeen = 0;
  let networkSeen = logOffset;
  let bridged = false;
  let pressed = false;
  const legs: string[] = [];
  const auth = `Basic ${Buffer.from(`${config.ari.username}:${config.ari.password}`).toString('base64')}`;
  const poll = async () => {
    const now = Date.now();
    if (existsSync(sippLog)) {
      const lines = readFileSync(sippLog, 'utf8').split('\n').filter(Boolean);
      for (const line of lines.slice(sippSeen)) {
        const note = Object.keys(NOTES).find((n) => line.trim().endsWith(n));
        if (note) say(now, NOTES[note]);
      }
      sippSeen = lines.length;
    }
    if (existsSync(networkLog)) {
      const text = readFileSync(networkLog, 'utf8');
      for (const line of text.slice(networkSeen).split('\n').filter(Boolean)) {
        const [, what, number] = line.split(' ');
        if (what === 'dialled') {
          legs.push(number);
          const label = DEMO.numbers.find((n) => n.number === number)?.label ?? (number === config.service.hotlineNumber ? 'the hotline' : 'not a demo number');
          if (legs.length === 1) say(now, 'number typed: the service found the cascade and holds the finder while it rings the parents');
          say(now, `leg ${legs.length}: the network rings ${number} (${label})`);
        } else if (what === 'hangup') say(now, `leg ${legs.length}: ended (${legs.length === 1 ? 'busy' : 'hung up'})`);
        else if (what === 'pressed-1') {
          pressed = true;
          say(now, `leg ${legs.length}: ${legs[legs.length - 1]} answered, heard who is calling, and pressed 1`);
        }
        else if (what === 'refused-503') say(now, `leg ${legs.length}: the network refused it (503)`);
      }
      networkSeen = text.length;
    }
    // The network logs the parent's 1 once its tone has ended, just after the app bridged on it:
    // the bridge is told after the key (or after the hotline was rung).
    if (!bridged && (pressed || legs.includes(config.service.hotlineNumber))) {
      const response = await fetch(`${config.ari.url}/ari/bridges`, { headers: { authorization: auth } }).catch(() => undefined);
      const bridges = response?.ok ? ((await response.json()) as { channels: string[] }[]) : [];
      if (bridges.some((b) => b.channels.length >= 2)) {
        bridged = true;
        say(now, 'bridge: the finder and the parent are connected');
      }
    }
  };
  let exited = false;
  const code = sipp.exited.then((c) => ((exited = true), c));
  while (!exited) {
    await poll();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await poll();
  say(Date.now(), (await code) === 0 ? 'call ended' : `SIPp failed (exit code ${await code}):\n${sipp.output().slice(-2000)}`);

  // The service's record of the call (no personal data: keyed hashes only).
  const db = clientFor(config.database.url);
  await db.connect();
  try {
    let record: { id: string; outcome: string | null; number_entered_at: Date | null; connected_position: string | null; started_at: Date } | undefined;
    for (let i = 0; i < 50 && !record?.outcome; i++) {
      [record] = (await db.query(`SELECT id, outcome, started_at, number_entered_at, connected_position FROM call_records WHERE started_at >= $1 ORDER BY started_at DESC LIMIT 1`, [startedAt])).rows;
      if (!record?.outcome) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (!record?.outcome) throw new Error('the service recorded no ended call: see the stack\'s output');
    const legRows = (await db.query(`SELECT position, result FROM leg_records WHERE call_id = $1 ORDER BY started_at`, [record.id])).rows as { position: string; result: string }[];
    const since = (d: Date | null) => (d ? `${((d.getTime() - record!.started_at.getTime()) / 1000).toFixed(2)} s after the answer` : '—');
    process.stdout.write(`\nThe service's record of the call:\n  outcome: ${record.outcome}\n  number typed: ${since(record.number_entered_at)}\n  legs: ${legRows.map((l) => `${l.position} ${l.result}`).join(', ') || 'none'}\n  connected: ${record.connected_position ? `position ${record.connected_position}` : 'no'}\n`);
    if ((await code) !== 0) process.exitCode = 1;
  } finally {
    await db.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${(error as Error).message}\n`);
  process.exit(1);
});

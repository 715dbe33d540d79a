import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { health } from '../support/app';
import { start, waitFor } from '../support/processes';
import { testConfig, testEnvironment, testInstanceName } from '../support/test-config';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '../..');

/**
 * The stack's Asterisk (by instance directory) and its app: this checkout's (by working
 * directory: other checkouts may run theirs) started for this instance (by its environment: the
 * other end-to-end shard of this checkout may run an app of its own meanwhile).
 */
function processesOf(instance: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => {
    if (line.includes(`/srv/alloparents/${instance}/`)) return true;
    return isAppOfThisStack(line, instance);
  });
}

function isAppOfThisStack(psLine: string, instance: string): boolean {
  if (!psLine.includes('dist/apps/server/src/main.js')) return false;
  const pid = psLine.trim().split(/\s+/)[0];
  try {
    return realpathSync(`/proc/${pid}/cwd`) === realpathSync(ROOT) && readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`ASTERISK_INSTANCE=${instance}`);
  } catch {
    return false; // ended meanwhile
  }
}

/** The pids of the stack's Asterisk (the foreground server, not a CLI call) and of this checkout's app. */
function pidsOf(instance: string): { asterisk: number[]; app: number[] } {
  const lines = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n');
  const pid = (line: string) => Number(line.trim().split(/\s+/)[0]);
  return {
    asterisk: lines.filter((line) => line.includes(`/srv/alloparents/${instance}/etc/asterisk.conf -f`)).map(pid),
    app: lines.filter((line) => isAppOfThisStack(line, instance)).map(pid),
  };
}

describe('npm run stack', () => {
  it('given a provisioned machine, then it serves GET /health with 200; when the app is killed (twice), then a new app is healthy within 5 s plus its start-up time, the second time after a longer pause, and Asterisk keeps its pid; when Asterisk is killed, then a new one runs and the app (same pid) is connected to it again; and SIGTERM leaves no Asterisk or app process behind', async () => {
    const config = testConfig();
    const instance = testInstanceName('stack-command');
    const stack = start('npm', ['run', 'stack'], { cwd: ROOT, env: { ...process.env, ...testEnvironment(), ASTERISK_INSTANCE: instance } });
    const healthy = async () => {
      if (stack.child.exitCode !== null) throw new Error(`npm run stack exited:\n${stack.output().slice(-2000)}`);
      const { status, body } = await health(config).catch(() => ({ status: 0, body: {} }));
      return status === 200 ? body : undefined;
    };
    try {
      // The app's start-up time, from the stack's "starting the app" to a healthy answer.
      const appStarting = await waitFor('the stack to start the app', async () => stack.output().includes('starting the app') && Date.now(), 180_000, 100);
      const body = await waitFor('the stack to report healthy', healthy, 60_000, 100);
      const startupMs = Date.now() - appStarting;
      expect(body).toEqual({ status: 'ok', ari: 'up', database: 'up', trunk: 'unqualified' });
      await waitFor('the start-up banner', async () => stack.output().includes('Allo Parents is running.'), 10_000);
      expect(stack.output()).toContain(`sip:3278150000@127.0.0.1:${config.sip.port}`);
      const before = pidsOf(instance);
      expect(before.asterisk).toHaveLength(1);
      expect(before.app).toHaveLength(1);

      // The first restart comes 1 s after the end, the second (the app ran less than a minute) 2 s after.
      let appPid = before.app[0];
      for (const [restart, pauseSeconds] of [[1, 1], [2, 2]]) {
        process.kill(appPid, 'SIGKILL');
        const killedAt = Date.now();
        const newPid = await waitFor(`a new app, healthy, within ${pauseSeconds + 4} s plus its start-up time (${startupMs} ms)`, async () => {
          const [pid] = pidsOf(instance).app;
          return pid !== undefined && pid !== appPid && (await healthy()) ? pid : undefined;
        }, (pauseSeconds + 4) * 1000 + startupMs, 100);
        expect(Date.now() - killedAt).toBeGreaterThanOrEqual(pauseSeconds * 1000);
        expect(stack.output()).toContain(`the app (pid ${appPid}) ended (killed by SIGKILL)`);
        expect(stack.output()).toContain(`restart ${restart} in ${pauseSeconds} s, Asterisk keeps running`);
        expect(pidsOf(instance).asterisk).toEqual(before.asterisk);
        appPid = newPid;
      }
      expect(await healthy()).toEqual({ status: 'ok', ari: 'up', database: 'up', trunk: 'unqualified' });

      // Asterisk is supervised the same way; the app keeps running and reconnects to the new one.
      const [asteriskPid] = before.asterisk;
      process.kill(asteriskPid, 'SIGKILL');
      await waitFor('a new Asterisk, and the app connected to it again', async () => {
        const [pid] = pidsOf(instance).asterisk;
        return pid !== undefined && pid !== asteriskPid && (await healthy());
      }, 30_000, 200);
      expect(stack.output()).toContain(`Asterisk (pid ${asteriskPid}) ended (killed by SIGKILL)`);
      expect(stack.output()).toContain('restart 1 in 1 s, the app keeps running');
      expect(pidsOf(instance).app).toEqual([appPid]);
    } finally {
      stack.child.kill('SIGTERM');
      await stack.exited;
    }
    await waitFor('every process of the stack to end', async () => processesOf(instance).length === 0, 20_000, 250);
  });
});

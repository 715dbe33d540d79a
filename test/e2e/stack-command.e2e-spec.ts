import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { health } from '../support/app';
import { start, waitFor } from '../support/processes';
import { testConfig, testEnvironment, testInstanceName } from '../support/test-config';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '../..');

/** The stack's Asterisk (by instance directory) and this checkout's app (by working directory: other checkouts may run theirs). */
function processesOf(instance: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => {
    if (line.includes(`/srv/alloparents/${instance}/`)) return true;
    if (!line.includes('dist/apps/server/src/main.js')) return false;
    try {
      return realpathSync(`/proc/${line.trim().split(/\s+/)[0]}/cwd`) === realpathSync(ROOT);
    } catch {
      return false; // ended meanwhile
    }
  });
}

describe('npm run stack', () => {
  it('given a provisioned machine, then it serves GET /health with 200, and SIGTERM leaves no Asterisk or app process behind', async () => {
    const config = testConfig();
    const stack = start('npm', ['run', 'stack'], { cwd: ROOT, env: { ...process.env, ...testEnvironment(), ASTERISK_INSTANCE: testInstanceName('stack-command') } });
    try {
      const body = await waitFor('the stack to report healthy', async () => {
        if (stack.child.exitCode !== null) throw new Error(`npm run stack exited:\n${stack.output().slice(-2000)}`);
        const { status, body } = await health(config).catch(() => ({ status: 0, body: {} }));
        return status === 200 ? body : undefined;
      }, 180_000, 1000);
      expect(body).toEqual({ status: 'ok', ari: 'up', database: 'up' });
      await waitFor('the start-up banner', async () => stack.output().includes('Allo Parents is running.'), 10_000);
      expect(stack.output()).toContain(`sip:3278150000@127.0.0.1:${config.sip.port}`);
      expect(processesOf(testInstanceName('stack-command')).length).toBeGreaterThanOrEqual(2);
    } finally {
      stack.child.kill('SIGTERM');
      await stack.exited;
    }
    await waitFor('every process of the stack to end', async () => processesOf(testInstanceName('stack-command')).length === 0, 20_000, 250);
  });
});

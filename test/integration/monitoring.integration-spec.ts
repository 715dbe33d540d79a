import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../support/processes';
import { REPO_ROOT } from '../support/repo-root';

const MONITORING = join(REPO_ROOT, 'docker/monitoring');
const ALERT_TESTS = join(MONITORING, 'alert-tests');

const alertNames = (yaml: string): string[] => [...yaml.matchAll(/^\s*- alert: (\S+)$/gm)].map((m) => m[1]);

describe('the Prometheus alert rules (docker/monitoring/alerts.yml)', () => {
  const rules = readFileSync(join(MONITORING, 'alerts.yml'), 'utf8');
  const testFiles = readdirSync(ALERT_TESTS).filter((f) => f.endsWith('.test.yml')).sort();

  it('given the rules file, when promtool checks it, then every rule is valid', async () => {
    const { code, output } = await run('promtool', ['check', 'rules', join(MONITORING, 'alerts.yml')]);
    expect(output).toContain(`SUCCESS: ${alertNames(rules).length} rules found`);
    expect(code).toBe(0);
  });

  it('each alert has its own test file, which makes it fire and also checks when it stays silent', () => {
    const names = alertNames(rules);
    expect(names.length).toBeGreaterThanOrEqual(8);
    for (const name of names) {
      const files = testFiles.filter((f) => readFileSync(join(ALERT_TESTS, f), 'utf8').includes(`alertname: ${name}`));
      expect({ name, files: files.length }).toEqual({ name, files: 1 });
      const text = readFileSync(join(ALERT_TESTS, files[0]), 'utf8');
      expect({ name, fires: /exp_alerts:\s*\n\s*- exp_labels/.test(text), silent: text.includes('exp_alerts: []') }).toEqual({ name, fires: true, silent: true });
    }
    expect(testFiles.length).toBe(names.length);
  });

  it.each(testFiles)('given the cases of %s, when promtool runs them, then every case passes', async (file) => {
    const { code, output } = await run('promtool', ['test', 'rules', file], { cwd: ALERT_TESTS });
    expect(output).toContain('SUCCESS');
    expect(output).not.toContain('FAILED');
    expect(code).toBe(0);
  });
});

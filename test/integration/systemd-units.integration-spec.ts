import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../support/processes';

const ROOT = join(__dirname, '../..');
const UNITS = join(ROOT, 'scripts/systemd');

/**
 * The units name the production checkout, /opt/alloparents; systemd-analyze checks that every
 * command exists, so they are verified as installed from this checkout.
 */
function unitsFromThisCheckout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'alloparents-units-'));
  for (const unit of readdirSync(UNITS).filter((f) => f.endsWith('.service'))) {
    writeFileSync(join(dir, unit), readFileSync(join(UNITS, unit), 'utf8').replaceAll('/opt/alloparents', ROOT));
  }
  return dir;
}

/** systemd-analyze's overall exposure score (0 safest … 10) for one unit file. */
async function exposure(unitFile: string): Promise<number> {
  const { code, output } = await run('systemd-analyze', ['security', '--offline=true', '--no-pager', unitFile]);
  expect(code).toBe(0);
  const score = /Overall exposure level for \S+: (\d+\.\d+)/.exec(output);
  if (!score) throw new Error(`no exposure level in:\n${output}`);
  return Number(score[1]);
}

describe('scripts/systemd units', () => {
  let dir: string;
  beforeAll(() => (dir = unitsFromThisCheckout()));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('given the two units, when systemd-analyze verifies them, then it reports nothing (no unknown key, no bad value, every command present)', async () => {
    const units = readdirSync(dir).map((unit) => join(dir, unit));
    expect(units.map((unit) => unit.replace(`${dir}/`, '')).sort()).toEqual(['alloparents-app.service', 'alloparents-asterisk.service']);
    const { code, output } = await run('systemd-analyze', ['verify', '--man=no', ...units]);
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('given a unit with a misspelt key and a missing command, then systemd-analyze verify refuses it (the check above can fail)', async () => {
    const bad = join(dir, 'alloparents-bad.service');
    writeFileSync(bad, '[Service]\nExecStart=/usr/bin/alloparents-missing\nRestartt=always\n');
    try {
      const { code, output } = await run('systemd-analyze', ['verify', '--man=no', bad]);
      expect(output).toContain("Unknown key 'Restartt'");
      expect(code).not.toBe(0);
    } finally {
      rmSync(bad);
    }
  });

  it('given the hardening options, then systemd rates the app (no privileges) OK and Asterisk (root in its chroot) at most medium', async () => {
    expect(await exposure(join(dir, 'alloparents-app.service'))).toBeLessThanOrEqual(2.5);
    expect(await exposure(join(dir, 'alloparents-asterisk.service'))).toBeLessThanOrEqual(6.5);
  });
});

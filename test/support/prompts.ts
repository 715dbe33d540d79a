import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { renderPrompts } from '../../apps/server/src/telephony/prompts/render-prompts';
import { REPO_ROOT } from './repo-root';

/** Where the test Asterisk instances live (their logs: srv/alloparents/<instance>/log). */
export const ASTERISK_ROOT = process.env.ASTERISK_ROOT ?? join(process.env.ALLOPARENTS_CACHE ?? '/var/cache/alloparents', 'asterisk-root');

/**
 * The prompts these calls play (and the letters a code is read with) may be newer than the
 * provisioned sounds: render the catalog aside and add only the files that are missing, so
 * nothing another run is playing gets rewritten.
 */
export async function addMissingPrompts(soundsDir: string): Promise<void> {
  const aside = mkdtempSync(join(tmpdir(), 'alloparents-e2e-prompts-'));
  try {
    await renderPrompts(join(REPO_ROOT, 'prompts'), aside);
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
    for (const file of walk(join(aside, 'alloparents'))) {
      const target = join(soundsDir, relative(aside, file));
      if (existsSync(target)) continue;
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(file, target);
    }
  } finally {
    rmSync(aside, { recursive: true, force: true });
  }
}


import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ESPEAK_VOICES, LANGUAGES, loadPromptCatalog } from './prompt-catalog';

const run = promisify(execFile);
const RENDERER_VERSION = '1';

interface Job {
  out: string;
  text?: string;
  voice?: string;
  recording?: string;
}

/**
 * Renders prompts/catalog.json into Asterisk's sounds directory:
 *   sounds/alloparents/<lang>/<id>.wav, sounds/alloparents/<lang>/digits/<n>.wav,
 *   sounds/alloparents/<lang>/letters/<a-z>.wav and the hold
 * tone sounds/alloparents-hold/. 8 kHz mono 16-bit, what the trunk codecs carry anyway.
 * Skips all work when nothing changed since the last rendering (a stamp holds the input hash).
 */
export async function renderPrompts(promptsDir: string, soundsDir: string): Promise<{ rendered: number; skipped: boolean }> {
  const catalogFile = join(promptsDir, 'catalog.json');
  const catalog = loadPromptCatalog(catalogFile);
  const recordedDir = join(promptsDir, 'recorded');
  const recordings = LANGUAGES.flatMap((lang) => {
    const dir = join(recordedDir, lang);
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.wav')).map((f) => join(dir, f)) : [];
  });
  const hash = createHash('sha256').update(RENDERER_VERSION).update(readFileSync(catalogFile));
  for (const file of recordings.sort()) hash.update(file).update(readFileSync(file));
  const stamp = join(soundsDir, 'alloparents-hold', '.rendered');
  const digest = hash.digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return { rendered: 0, skipped: true };

  const jobs: Job[] = [];
  for (const lang of LANGUAGES) {
    const dir = join(soundsDir, 'alloparents', lang);
    mkdirSync(join(dir, 'digits'), { recursive: true });
    mkdirSync(join(dir, 'letters'), { recursive: true });
    for (const [id, texts] of Object.entries(catalog.prompts)) {
      const recording = join(recordedDir, lang, `${id}.wav`);
      jobs.push(existsSync(recording) ? { out: join(dir, `${id}.wav`), recording } : { out: join(dir, `${id}.wav`), text: texts[lang], voice: ESPEAK_VOICES[lang] });
    }
    catalog.digits[lang].forEach((word, digit) => jobs.push({ out: join(dir, 'digits', `${digit}.wav`), text: word, voice: ESPEAK_VOICES[lang] }));
    catalog.letters[lang].forEach((word, i) => jobs.push({ out: join(dir, 'letters', `${String.fromCharCode(97 + i)}.wav`), text: word, voice: ESPEAK_VOICES[lang] }));
  }
  const work = mkdtempDir();
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      const source = job.recording ?? join(work, `${next}.wav`);
      if (!job.recording) await run('espeak-ng', ['-v', job.voice!, '-s', '150', '-w', source, job.text!]);
      await run('sox', [source, '-r', '8000', '-c', '1', '-b', '16', job.out, 'gain', '-n', '-3']);
    }
  };
  await Promise.all([worker(), worker(), worker()]);

  // What the finder hears on hold: a ringback tone (425 Hz, 1 s on, 3 s off, as in Belgium).
  const holdDir = join(soundsDir, 'alloparents-hold');
  mkdirSync(holdDir, { recursive: true });
  await run('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', join(holdDir, 'ringback.wav'), 'synth', '1', 'sine', '425', 'vol', '0.4', 'pad', '0', '3', 'repeat', '4']);
  writeFileSync(stamp, digest);
  return { rendered: jobs.length + 1, skipped: false };
}

function mkdtempDir(): string {
  const dir = join(tmpdir(), `alloparents-prompts-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

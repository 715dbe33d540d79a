import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ESPEAK_VOICES, Language } from './prompt-catalog';

const run = promisify(execFile);

/** Port: the child's first name as something Asterisk can play. */
export interface ChildNameVoice {
  /** Renders the name for this call; resolves to a media URI, or null when it cannot. */
  prepare(callId: string, firstName: string, language: Language): Promise<string | null>;
  /** Deletes what prepare() made: a child's name does not stay on disk after the call. */
  release(callId: string): Promise<void>;
}

/**
 * Speaks the name with espeak-ng into Asterisk's sounds directory, named by call id (never by
 * the name), 8 kHz like every prompt. ~60 ms, done while the parents' first leg is dialled.
 */
export class EspeakChildNameVoice implements ChildNameVoice {
  constructor(private readonly soundsDir: string) {}

  private file(callId: string, ext: string): string {
    return join(this.soundsDir, 'alloparents', 'names', `${callId}.${ext}`);
  }

  async prepare(callId: string, firstName: string, language: Language): Promise<string | null> {
    // A name is letters, spaces, hyphens and apostrophes; anything else is not read out.
    const name = firstName.normalize('NFC').trim();
    if (!name || name.length > 60 || !/^[\p{L}\p{M}' -]+$/u.test(name)) return null;
    await mkdir(join(this.soundsDir, 'alloparents', 'names'), { recursive: true });
    const raw = this.file(callId, 'raw.wav');
    await run('espeak-ng', ['-v', ESPEAK_VOICES[language], '-s', '140', '-w', raw, '--', name], { timeout: 5000 });
    await run('sox', [raw, '-r', '8000', '-c', '1', '-b', '16', this.file(callId, 'wav'), 'gain', '-n', '-3'], { timeout: 5000 });
    await rm(raw, { force: true });
    return `sound:alloparents/names/${callId}`;
  }

  async release(callId: string): Promise<void> {
    await rm(this.file(callId, 'wav'), { force: true });
    await rm(this.file(callId, 'raw.wav'), { force: true });
  }
}

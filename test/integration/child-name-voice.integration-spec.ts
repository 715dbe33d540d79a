import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EspeakChildNameVoice } from '../../apps/server/src/telephony/prompts/child-name-voice';

describe('speaking the child\'s first name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'names-'));
  const voice = new EspeakChildNameVoice(dir);

  it('given a name, then an 8 kHz file named by the call id (not the name) is made, and removed after the call', async () => {
    const uri = await voice.prepare('call-42', 'Zoë', 'nl');
    expect(uri).toBe('sound:alloparents/names/call-42');
    const file = join(dir, 'alloparents/names/call-42.wav');
    expect(statSync(file).size).toBeGreaterThan(4000);
    await voice.release('call-42');
    expect(existsSync(file)).toBe(false);
  });

  it.each(['', 'Robert"); rm -rf /', 'x'.repeat(61)])('given %p, then nothing is rendered', async (name) => {
    expect(await voice.prepare('call-43', name, 'fr')).toBeNull();
  });
});

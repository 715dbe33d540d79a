import { readFileSync } from 'node:fs';

/**
 * What a phone of the simulated network heard, checked against the service's own sound files:
 * each expected clip (a letter of a code, say) is looked for, in order, in the recording, by its
 * normalised cross-correlation with the recorded samples. The trunk's G.711 (alaw or ulaw) keeps
 * a clip's waveform within its quantisation noise, so the right clip correlates near 1 (0.9999)
 * where it was played, and a different word or silence far lower; a word heard inside a longer
 * one ("e" in "see") can come close (0.94), so a match needs more than that.
 */

/** 16-bit mono PCM samples of a WAV file (its `data` chunk). */
export function readWav(file: string): Int16Array {
  const bytes = readFileSync(file);
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file}: not a WAV file`);
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = bytes.toString('ascii', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'data') {
      const end = Math.min(at + 8 + size, bytes.length);
      const samples = new Int16Array((end - at - 8) >> 1);
      for (let i = 0; i < samples.length; i += 1) samples[i] = bytes.readInt16LE(at + 8 + i * 2);
      return samples;
    }
    at += 8 + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

/** The clip without its leading and trailing near-silence (synthesised words start and end with some). */
export function trimSilence(samples: Int16Array, threshold = 300): Int16Array {
  let start = 0;
  let end = samples.length;
  while (start < end && Math.abs(samples[start]) < threshold) start += 1;
  while (end > start && Math.abs(samples[end - 1]) < threshold) end -= 1;
  return samples.subarray(start, end);
}

const FRAME = 80; // 10 ms at 8 kHz

function envelope(samples: Int16Array): Float64Array {
  const frames = new Float64Array(Math.floor(samples.length / FRAME));
  for (let f = 0; f < frames.length; f += 1) {
    let sum = 0;
    for (let i = f * FRAME; i < (f + 1) * FRAME; i += 1) sum += samples[i] * samples[i];
    frames[f] = Math.sqrt(sum / FRAME);
  }
  return frames;
}

/** Normalised cross-correlation of `clip` with `signal` at `offset` (0 where the signal is silent or too short). */
function ncc(signal: ArrayLike<number>, clip: ArrayLike<number>, offset: number): number {
  if (offset < 0 || offset + clip.length > signal.length) return 0;
  let dot = 0;
  let ss = 0;
  let cc = 0;
  for (let i = 0; i < clip.length; i += 1) {
    const s = signal[offset + i];
    const c = clip[i];
    dot += s * c;
    ss += s * s;
    cc += c * c;
  }
  return ss === 0 || cc === 0 ? 0 : dot / Math.sqrt(ss * cc);
}

export interface ClipMatch {
  /** Where the clip begins in the recording (samples). */
  at: number;
  /** Its normalised cross-correlation there: about 1 for the same sound. */
  score: number;
}

/**
 * The best place for `clip` in `recording` between `from` and `from + withinSamples`: the
 * loudness envelopes narrow it down to a few 10 ms frames, then each sample offset around them
 * is tried.
 */
export function findClip(recording: Int16Array, clip: Int16Array, from: number, withinSamples: number): ClipMatch {
  const envR = envelope(recording);
  const envC = envelope(clip);
  const firstFrame = Math.floor(from / FRAME);
  const lastFrame = Math.min(envR.length - envC.length, firstFrame + Math.ceil(withinSamples / FRAME));
  const candidates: { frame: number; score: number }[] = [];
  for (let f = firstFrame; f <= lastFrame; f += 1) candidates.push({ frame: f, score: ncc(envR, envC, f) });
  candidates.sort((a, b) => b.score - a.score);
  let best: ClipMatch = { at: from, score: 0 };
  for (const { frame } of candidates.slice(0, 5)) {
    for (let at = frame * FRAME - FRAME; at <= frame * FRAME + FRAME; at += 1) {
      const score = ncc(recording, clip, at);
      if (score > best.score) best = { at, score };
    }
  }
  return best;
}

/** Each clip found after the previous one (within `gapSamples` of its end), in order. */
export function findInOrder(recording: Int16Array, clips: Int16Array[], from = 0, gapSamples = 16_000): ClipMatch[] {
  const matches: ClipMatch[] = [];
  let cursor = from;
  for (const clip of clips) {
    const match = findClip(recording, clip, cursor, gapSamples);
    matches.push(match);
    cursor = match.at + clip.length;
  }
  return matches;
}

import { writeFileSync } from 'node:fs';

/**
 * Writes an RTP pcap of RFC 4733 telephone events for SIPp's play_pcap_audio: one continuous
 * stream (one SSRC, rising sequence numbers and timestamps), so Asterisk sees each key press,
 * repeated digits included, exactly as a phone sends them. (The per-key pcaps shipped with SIPp
 * reuse one timestamp per digit, so a repeated digit is dropped as a retransmission.)
 */
export interface KeyPress {
  key: string;
  atMs: number;
  /** How long the key is held (a multiple of 20 ms; default 120). 0: the end packets only, as a flood sends them. */
  toneMs?: number;
}

const EVENT_CODES: Record<string, number> = { '*': 10, '#': 11 };
const TONE_MS = 120;
const PACKET_MS = 20;

/**
 * `audioMs`: also stream audio (A-law silence, 20 ms packets) from the start for that long, as a
 * phone does all through a call, the key presses taking the place of the audio while they last.
 * Without it Asterisk's rtp_timeout (60 s) takes a long-silent finder for a dead line.
 */
export function writeDtmfPcap(file: string, presses: KeyPress[], audioMs = 0): void {
  // `repeat`: the same packet again (RFC 4733's end packet is sent three times with one sequence number).
  const packets: { atMs: number; build: (seq: number) => Buffer; repeat: boolean }[] = [];
  const busy: [number, number][] = [];
  for (const { key, atMs, toneMs = TONE_MS } of presses) {
    const event = EVENT_CODES[key] ?? Number(key);
    if (!Number.isInteger(event) || event < 0 || event > 11) throw new Error(`not a DTMF key: ${key}`);
    const timestamp = 8 * Math.round(atMs) + 1600;
    const steps = toneMs / PACKET_MS;
    busy.push([atMs - PACKET_MS, atMs + toneMs + PACKET_MS]);
    for (let i = 0; i <= steps; i++) {
      const end = i === steps;
      for (let r = 0; r < (end ? 3 : 1); r++) {
        packets.push({
          atMs: atMs + i * PACKET_MS,
          repeat: r > 0,
          build: (seq) => {
            const rtp = Buffer.alloc(16);
            rtp[0] = 0x80;
            rtp[1] = (i === 0 && r === 0 ? 0x80 : 0) | 101;
            rtp.writeUInt16BE(seq & 0xffff, 2);
            rtp.writeUInt32BE(timestamp >>> 0, 4);
            rtp.writeUInt32BE(SSRC, 8);
            rtp[12] = event;
            rtp[13] = (end ? 0x80 : 0) | 10; // volume -10 dBm0
            // An end-only key says it lasted 40 ms.
            rtp.writeUInt16BE(steps === 0 ? 320 : i * PACKET_MS * 8, 14);
            return rtp;
          },
        });
      }
    }
  }
  for (let atMs = 0; atMs < audioMs; atMs += PACKET_MS) {
    if (busy.some(([from, to]) => atMs >= from && atMs < to)) continue;
    packets.push({
      atMs,
      repeat: false,
      build: (seq) => {
        const rtp = Buffer.alloc(12 + 160, ALAW_SILENCE);
        rtp[0] = 0x80;
        rtp[1] = 8; // PCMA
        rtp.writeUInt16BE(seq & 0xffff, 2);
        rtp.writeUInt32BE((8 * atMs + 1600) >>> 0, 4);
        rtp.writeUInt32BE(SSRC, 8);
        return rtp;
      },
    });
  }
  packets.sort((a, b) => a.atMs - b.atMs);
  let seq = 999;
  const chunks: Buffer[] = [pcapHeader()];
  for (const { atMs, build, repeat } of packets) {
    if (!repeat) seq++;
    chunks.push(packetRecord(atMs, udpOverIp(build(seq))));
  }
  writeFileSync(file, Buffer.concat(chunks));
}

const SSRC = 0x5eed1234;
const ALAW_SILENCE = 0xd5;

function pcapHeader(): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(65535, 16);
  h.writeUInt32LE(1, 20); // Ethernet
  return h;
}

function packetRecord(atMs: number, frame: Buffer): Buffer {
  const h = Buffer.alloc(16);
  const seconds = 1_700_000_000 + Math.floor(atMs / 1000);
  h.writeUInt32LE(seconds, 0);
  h.writeUInt32LE(Math.round((atMs % 1000) * 1000), 4);
  h.writeUInt32LE(frame.length, 8);
  h.writeUInt32LE(frame.length, 12);
  return Buffer.concat([h, frame]);
}

function udpOverIp(payload: Buffer): Buffer {
  const eth = Buffer.alloc(14);
  eth.writeUInt16BE(0x0800, 12);
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(6000, 0);
  udp.writeUInt16BE(6001, 2);
  udp.writeUInt16BE(8 + payload.length, 4);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 8 + payload.length, 2);
  ip[8] = 64;
  ip[9] = 17;
  Buffer.from([127, 0, 0, 1]).copy(ip, 12);
  Buffer.from([127, 0, 0, 1]).copy(ip, 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  ip.writeUInt16BE(~sum & 0xffff, 10);
  return Buffer.concat([eth, ip, udp, payload]);
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyPress, writeDtmfPcap } from './dtmf-pcap';

/**
 * Builds a SIPp scenario for a finder's call: INVITE, answer, then a script of pauses and DTMF
 * (RFC 4733, from the pcaps Debian's sip-tester ships), ending either with the finder hanging
 * up or with the service hanging up. Written to reports/sipp/<name>.xml, named by expectation.
 */
export type FinderStep =
  | { pause: number }
  /** RFC 4733 keys, `spacingMs` apart (default: a typist's pace), each held `toneMs` (see KeyPress). */
  | { dtmf: string; spacingMs?: number; toneMs?: number }
  /** Each key as a SIP INFO, `spacingMs` apart (default: a typist's pace; 0: as fast as the service answers). */
  | { sipInfo: string; spacingMs?: number }
  /**
   * A flood: the keys as SIP INFOs, one after the other as fast as the service answers, the
   * whole string `times` times (a SIPp loop: a scenario file may not exceed 64 KB).
   */
  | { sipInfoFlood: string; times: number }
  | { hangUp: true }
  | { expectBye: true; withinMs?: number }
  /** A line in SIPp's log file (-trace_logs), written as the scenario reaches this point (npm run demo:call follows it). */
  | { note: string };

/** The finder picks French during the greeting (interrupting it), then types the number and '#'. */
export const typeNumber = (nationalNumber: string): FinderStep[] => [{ pause: 800 }, { dtmf: '1' }, { pause: 400 }, { dtmf: `${nationalNumber}#` }];

/** Time between two key presses, as a brisk typist on a phone keypad. */
const KEY_SPACING_MS = 250;

/**
 * `audio`: the finder streams audio (silence) all through the call like a phone, not only the key
 * presses: needed for a call that stays silent past Asterisk's rtp_timeout (60 s).
 */
export function finderScenario(name: string, options: { withheld?: boolean; audio?: boolean; steps: FinderStep[] }): string {
  const from = options.withheld ? '"Anonymous" <sip:anonymous@anonymous.invalid>' : '<sip:[caller]@[local_ip]:[local_port]>';
  const privacy = options.withheld ? '\n      Privacy: id' : '';
  const dir = join(__dirname, '../../reports/sipp');
  mkdirSync(dir, { recursive: true });
  // RFC 4733 key presses go in one RTP stream, started right after the answer; the scenario's
  // pauses keep time with it.
  const presses: KeyPress[] = [];
  const parts: string[] = [];
  /** A request of the finder's inside the call (after the INVITE's dialog is set up). */
  // [cseq]: SIPp's own counter, raised with each request (the INVITE is 1), loops included.
  // The branch carries it too: a loop sends one message many times, each a new transaction.
  const inDialog = (method: string, tail: string[]) => `  <send>
    <![CDATA[
      ${method} [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]-[cseq]
      From: ${from};tag=[pid]SIPpTag00[call_number]
      [last_To:]
      [routes]
      Call-ID: [call_id]
      CSeq: [cseq] ${method}
      Contact: <sip:finder@[local_ip]:[local_port]>
      Max-Forwards: 70
${tail.map((line) => (line ? `      ${line}` : '')).join('\n')}
    ]]>
  </send>`;
  let clockMs = 0;
  for (const step of options.steps) {
    if ('pause' in step) {
      parts.push(`  <pause milliseconds="${step.pause}"/>`);
      clockMs += step.pause;
    } else if ('dtmf' in step) {
      const spacing = step.spacingMs ?? KEY_SPACING_MS;
      for (const key of step.dtmf) {
        presses.push({ key, atMs: clockMs, ...(step.toneMs !== undefined ? { toneMs: step.toneMs } : {}) });
        clockMs += spacing;
      }
      parts.push(`  <pause milliseconds="${step.dtmf.length * spacing}"/>`);
    } else if ('sipInfo' in step) {
      for (const key of step.sipInfo) {
        const spacing = step.spacingMs ?? KEY_SPACING_MS;
        parts.push(`${inDialog('INFO', ['Content-Type: application/dtmf-relay', 'Content-Length: [len]', '', `Signal=${key}`, 'Duration=160'])}
  <recv response="200"/>${spacing > 0 ? `\n  <pause milliseconds="${spacing}"/>` : ''}`);
        clockMs += spacing;
      }
    } else if ('sipInfoFlood' in step) {
      const label = `flood${parts.length}`;
      const info = (key: string) => `${inDialog('INFO', ['Content-Type: application/dtmf-relay', 'Content-Length: [len]', '', `Signal=${key}`, 'Duration=160'])}
  <recv response="200"/>`;
      parts.push(`  <nop><action><assign assign_to="${label}" value="0"/></action></nop>
  <label id="${label}"/>
${[...step.sipInfoFlood].map(info).join('\n')}
  <nop><action><add assign_to="${label}" value="1"/><test assign_to="${label}_more" variable="${label}" compare="less_than" value="${step.times}"/></action></nop>
  <nop next="${label}" test="${label}_more"/>`);
    } else if ('note' in step) {
      if (!/^[\w .:,-]+$/.test(step.note)) throw new Error(`a note holds letters, digits, spaces and .:,- only: ${step.note}`);
      parts.push(`  <nop><action><log message="${step.note}"/></action></nop>`);
    } else if ('hangUp' in step) {
      parts.push(`${inDialog('BYE', ['Content-Length: 0'])}
  <recv response="200"/>`);
    } else {
      clockMs += step.withinMs ?? 60_000;
      parts.push(`  <recv request="BYE"${step.withinMs ? ` timeout="${step.withinMs}"` : ''}/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
    ]]>
  </send>`);
    }
  }
  const pcap = join(dir, `${name}.dtmf.pcap`);
  const streams = presses.length > 0 || options.audio === true;
  if (streams) writeDtmfPcap(pcap, presses, options.audio ? clockMs : 0);
  const xml = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="${name}">
  <send retrans="500">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: ${from};tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:finder@[local_ip]:[local_port]>${privacy}
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=finder 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-16
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rrs="true"/>
  <send>
    <![CDATA[
      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: ${from};tag=[pid]SIPpTag00[call_number]
      [last_To:]
      [routes]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Contact: <sip:finder@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
${streams ? `  <nop><action><exec play_pcap_audio="${pcap}"/></action></nop>\n` : ''}${parts.join('\n')}
</scenario>
`;
  const file = join(dir, `${name}.xml`);
  writeFileSync(file, xml);
  return file;
}

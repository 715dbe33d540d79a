import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../../config/app-config';
import { ARI_SERVER_KEEP_ALIVE_MS, ARI_SESSION_HEADROOM, ARI_URGENT_CONNECTIONS } from '../ari/ari-rest';
import { ChannelLimits, channelLimits } from '../channel-limits';

/**
 * asterisk-config/ holds complete Asterisk files in which `{{NAME}}` marks the few values that
 * come from the environment. `${...}` is Asterisk's own syntax and is left alone.
 */
export function renderTemplate(text: string, variables: Record<string, string>, fileName = 'template'): string {
  return text.replace(/\{\{([A-Z0-9_]+)\}\}/g, (_, name: string) => {
    const value = variables[name];
    if (value === undefined) throw new Error(`${fileName}: no value for {{${name}}}`);
    // A newline in a value would let the environment inject configuration lines.
    if (/[\r\n]/.test(value)) throw new Error(`${fileName}: the value for {{${name}}} contains a line break`);
    return value;
  });
}

export function asteriskTemplateVariables(config: AppConfig, instanceDir: string): Record<string, string> {
  const ari = new URL(config.ari.url);
  const trunk = config.sip.trunkUri.replace(/^sips?:/, '').replace(/^[^@]*@/, '');
  const trunkHost = trunk.replace(/^\[([^\]]+)\].*$/, '$1').replace(/[:;].*$/, '');
  return {
    INSTANCE_DIR: instanceDir,
    SYSTEM_NAME: 'alloparents',
    ARI_HOST: ari.hostname,
    ARI_PORT: ari.port || (ari.protocol === 'https:' ? '443' : '80'),
    ARI_USERNAME: config.ari.username,
    ARI_PASSWORD: config.ari.password,
    ARI_APP: config.ari.app,
    ARI_HTTP_SESSION_LIMIT: String(config.ari.httpConnections + ARI_URGENT_CONNECTIONS + ARI_SESSION_HEADROOM),
    ARI_HTTP_KEEP_ALIVE_MS: String(ARI_SERVER_KEEP_ALIVE_MS),
    SIP_BIND_ADDRESS: config.sip.bindAddress,
    SIP_PORT: String(config.sip.port),
    SIP_TRUNK_URI: config.sip.trunkUri,
    SIP_TRUNK_HOST: trunkHost,
    SIP_TRUNK_QUALIFY_SECONDS: String(config.sip.trunkQualifySeconds),
    RTP_PORT_START: String(config.sip.rtpPortStart),
    RTP_PORT_END: String(config.sip.rtpPortEnd),
    HOTLINE_NUMBER: config.service.hotlineNumber,
    DEFAULT_LANGUAGE: config.service.defaultLanguage,
    DEADMAN_SECONDS: String(config.callFlow.deadmanSeconds),
    // Between commas, so the dialplan matches a whole number: ",3278150009," (or "," for none).
    PARENT_LINE_NUMBERS: `,${Object.keys(config.service.parentLineNumbers).map((n) => `${n},`).join('')}`,
    ...channelLimitVariables(channelLimits(config)),
    // The hotline fallback presents what every leg presents (LEG_CALLER_ID); empty: the finder's number.
    HOTLINE_FALLBACK_CALLER_ID: config.callFlow.legCallerId === 'service' ? config.service.number.replace(/[^0-9+]/g, '') : '',
  };
}

/** The limits the dialplan sets on channels itself (extensions.conf). */
function channelLimitVariables(limits: ChannelLimits): Record<string, string> {
  return {
    MAX_CALL_SECONDS: String(limits.maxCallSeconds),
    ANSWERED_LEG_SECONDS: String(limits.answeredLegSeconds),
    ANSWERED_NOTICE_SECONDS: String(limits.answeredNoticeSeconds),
    ANSWERED_HOTLINE_SECONDS: String(limits.answeredHotlineSeconds),
    PARENT_LINE_SECONDS: String(limits.parentLineSeconds),
  };
}

/** Renders every *.conf of templateDir into outputDir; returns the files written. */
export function renderAsteriskConfig(templateDir: string, outputDir: string, variables: Record<string, string>): string[] {
  mkdirSync(outputDir, { recursive: true });
  const files = readdirSync(templateDir).filter((f) => f.endsWith('.conf'));
  for (const file of files) {
    const rendered = renderTemplate(readFileSync(join(templateDir, file), 'utf8'), variables, file);
    const target = join(outputDir, file);
    writeFileSync(target, rendered);
    // Rendered files hold the ARI password.
    chmodSync(target, 0o600);
  }
  return files;
}

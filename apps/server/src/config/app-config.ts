import { EnvironmentVariables, validateEnvironment } from './environment';

/** The typed configuration the app is built from. Tests build one directly. */
export interface AppConfig {
  http: { host: string; port: number };
  logLevel: string;
  database: { url: string };
  ari: { url: string; username: string; password: string; app: string };
  sip: { bindAddress: string; port: number; trunkUri: string; rtpPortStart: number; rtpPortEnd: number };
  service: { number: string; hotlineNumber: string };
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export function toAppConfig(v: EnvironmentVariables): AppConfig {
  return {
    http: { host: v.HTTP_HOST, port: v.HTTP_PORT },
    logLevel: v.LOG_LEVEL,
    database: { url: v.DATABASE_URL },
    ari: { url: v.ARI_URL, username: v.ARI_USERNAME, password: v.ARI_PASSWORD, app: v.ARI_APP },
    sip: {
      bindAddress: v.SIP_BIND_ADDRESS,
      port: v.SIP_PORT,
      trunkUri: v.SIP_TRUNK_URI,
      rtpPortStart: v.RTP_PORT_START,
      rtpPortEnd: v.RTP_PORT_END,
    },
    service: { number: v.SERVICE_NUMBER, hotlineNumber: v.HOTLINE_NUMBER },
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return toAppConfig(validateEnvironment(env));
}

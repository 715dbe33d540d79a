import { AriRest } from '../telephony/ari/ari-rest';
import { AsteriskSwitchView, ServiceMode } from './domain/service-mode';
import { AsteriskSwitch } from './service-mode-mirror';

/** The dialplan's switch (extensions.conf, [globals]): read by the fallback when the app is down. */
export const MODE_VARIABLE = 'ALLOPARENTS_MODE';
/** What the app last mirrored into this Asterisk; absent after Asterisk's start. */
export const MIRRORED_VARIABLE = 'ALLOPARENTS_MODE_MIRRORED';

/** This node's Asterisk's global variables over ARI's REST side (no websocket needed). */
export class AriAsteriskSwitch implements AsteriskSwitch {
  constructor(private readonly rest: AriRest) {}

  async read(): Promise<AsteriskSwitchView> {
    const [mode, mirrored] = await Promise.all([this.get(MODE_VARIABLE), this.get(MIRRORED_VARIABLE)]);
    return { mode, mirrored };
  }

  async write(mode: ServiceMode): Promise<void> {
    await this.rest.request('POST', '/asterisk/variable', { variable: MODE_VARIABLE, value: mode });
    await this.rest.request('POST', '/asterisk/variable', { variable: MIRRORED_VARIABLE, value: mode });
  }

  private async get(variable: string): Promise<string> {
    const { value } = await this.rest.request<{ value?: string }>('GET', '/asterisk/variable', { variable });
    return (value ?? '').trim();
  }
}

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/app-config';
import { asteriskTemplateVariables, renderAsteriskConfig, renderTemplate } from './render-asterisk-config';

const secrets = { PSEUDONYM_KEY: Buffer.alloc(32, 1).toString('base64'), ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 2).toString('base64')}` };

describe('rendering asterisk-config/', () => {
  it('replaces {{NAME}} and leaves Asterisk ${VARIABLES} alone', () => {
    expect(renderTemplate('Stasis({{APP}},${EXTEN})', { APP: 'alloparents' })).toBe('Stasis(alloparents,${EXTEN})');
  });

  it('refuses a template variable that has no value', () => {
    expect(() => renderTemplate('x={{MISSING}}', {}, 'pjsip.conf')).toThrow('pjsip.conf: no value for {{MISSING}}');
  });

  it('refuses a value that would inject a configuration line', () => {
    expect(() => renderTemplate('password={{P}}', { P: 'x\n[evil]' })).toThrow(/line break/);
  });

  it('derives the trunk host used to identify the trunk from SIP_TRUNK_URI', () => {
    const config = loadConfig({ ...secrets, ARI_PASSWORD: 'a-long-enough-secret', SIP_TRUNK_URI: 'sip:gw@192.0.2.7:5080;transport=udp' });
    expect(asteriskTemplateVariables(config, '/srv/x').SIP_TRUNK_HOST).toBe('192.0.2.7');
  });

  it('renders the repository templates completely, with the credentials from the environment', () => {
    const config = loadConfig({ ...secrets, ARI_PASSWORD: 'rendered-secret-123', SIP_PORT: '15060', ARI_URL: 'http://127.0.0.1:18088' });
    const out = mkdtempSync(join(tmpdir(), 'ast-'));
    const files = renderAsteriskConfig(join(__dirname, '../../../../../asterisk-config/service'), out, asteriskTemplateVariables(config, '/srv/test'));
    expect(files).toEqual(expect.arrayContaining(['ari.conf', 'pjsip.conf', 'extensions.conf', 'http.conf', 'modules.conf', 'rtp.conf', 'logger.conf', 'asterisk.conf']));
    for (const f of files) expect(readFileSync(join(out, f), 'utf8')).not.toMatch(/\{\{/);
    expect(readFileSync(join(out, 'ari.conf'), 'utf8')).toContain('password = rendered-secret-123');
    expect(readFileSync(join(out, 'pjsip.conf'), 'utf8')).toContain('bind = 127.0.0.1:15060');
    expect(readFileSync(join(out, 'http.conf'), 'utf8')).toContain('bindport = 18088');
  });

  it('bounds every channel the dialplan hands the app: each leg context sets its limit before anything else, from the configuration', () => {
    const config = loadConfig({ ...secrets, ARI_PASSWORD: 'rendered-secret-123', CONFIRM_WINDOW_SECONDS: '10', MAX_CALL_MINUTES: '45' });
    const out = mkdtempSync(join(tmpdir(), 'ast-'));
    renderAsteriskConfig(join(__dirname, '../../../../../asterisk-config/service'), out, asteriskTemplateVariables(config, '/srv/test'));
    const dialplan = readFileSync(join(out, 'extensions.conf'), 'utf8');
    expect(dialplan).toContain('ALLOPARENTS_MAX_CALL = 2700');
    expect(dialplan).toContain('ALLOPARENTS_LEG_LIMIT = 50');
    expect(dialplan).toContain('ALLOPARENTS_NOTICE_LIMIT = 110');
    expect(dialplan).toContain('ALLOPARENTS_HOTLINE_LEG_LIMIT = 30');
    const firstStep = (context: string) => dialplan.split(`[${context}]`)[1].split('\n').find((line) => line.startsWith('exten => s,1,'));
    expect(firstStep('alloparents-leg')).toBe('exten => s,1,Set(TIMEOUT(absolute)=${ALLOPARENTS_LEG_LIMIT})');
    expect(firstStep('alloparents-hotline-leg')).toBe('exten => s,1,Set(TIMEOUT(absolute)=${ALLOPARENTS_HOTLINE_LEG_LIMIT})');
    expect(firstStep('alloparents-notice')).toBe('exten => s,1,Set(TIMEOUT(absolute)=${ALLOPARENTS_NOTICE_LIMIT})');
    // The hotline fallback's call is bounded too, and presents the service number (LEG_CALLER_ID=service).
    expect(dialplan).toMatch(/Dial\(PJSIP\/\$\{HOTLINE_NUMBER\}@trunk,60,S\(\$\{ALLOPARENTS_MAX_CALL\}\)\)/);
    expect(dialplan).toContain(`ALLOPARENTS_HOTLINE_CALLER_ID = ${config.service.number}`);
  });

  it('sends only the parents\' line numbers to the parents\' context, before anything a finder hears, and bounds those calls', () => {
    const render = (numbers: string) => {
      const config = loadConfig({ ...secrets, ARI_PASSWORD: 'rendered-secret-123', SERVICE_NUMBERS: numbers });
      const out = mkdtempSync(join(tmpdir(), 'ast-'));
      renderAsteriskConfig(join(__dirname, '../../../../../asterisk-config/service'), out, asteriskTemplateVariables(config, '/srv/test'));
      return readFileSync(join(out, 'extensions.conf'), 'utf8');
    };
    expect(render('3278150000:fr,3278150009:nl:parents,3278150008:fr:parents')).toMatch(/ALLOPARENTS_PARENT_LINES = ,(3278150009,3278150008|3278150008,3278150009),\n/);
    const dialplan = render('3278150000:fr');
    expect(dialplan).toContain('ALLOPARENTS_PARENT_LINES = ,\n');
    expect(dialplan).toContain('ALLOPARENTS_PARENT_LINE_LIMIT = 900');
    const finder = dialplan.split('[alloparents-finder]')[1].split('\n').filter((line) => line.startsWith('exten') || line.startsWith(' same'));
    // The check comes first and plays nothing: a finder's call goes on at once.
    expect(finder[0]).toBe('exten => s,1,GotoIf($["${ALLOPARENTS_PARENT_LINES}" =~ ",${FILTER(0-9,${ALLOPARENTS_DID})},"]?alloparents-parents,s,1)');
    const parents = dialplan.split('[alloparents-parents]')[1].split('\n[')[0];
    expect(parents).toContain('Set(TIMEOUT(absolute)=${ALLOPARENTS_PARENT_LINE_LIMIT})');
    expect(parents.indexOf('TIMEOUT(absolute)')).toBeLessThan(parents.indexOf('Stasis('));
  });

  it('builds every Stasis argument from filtered values only: nothing the caller writes can add an argument', () => {
    const dialplan = readFileSync(join(__dirname, '../../../../../asterisk-config/service/extensions.conf'), 'utf8');
    const stasis = dialplan.split('\n').filter((line) => line.includes('Stasis(')).map((line) => line.slice(line.indexOf('Stasis(')));
    expect(stasis.length).toBeGreaterThanOrEqual(4);
    for (const call of stasis) {
      // Once the FILTER()s are taken out, the only value left is the app's own name.
      const unfiltered = call.replace(/\$\{FILTER\([^,]+,\$\{[^}]+\}\)\}/g, '').replace('${ALLOPARENTS_APP}', '');
      expect(unfiltered).not.toContain('${');
    }
  });

  it('never lets Asterisk refuse a finder because the machine is busy (no maxload, no minmemfree)', () => {
    // Either option makes Asterisk answer new calls 503 (cause 42) past a threshold: a finder turned away.
    const asteriskConf = readFileSync(join(__dirname, '../../../../../asterisk-config/service/asterisk.conf'), 'utf8');
    const settings = asteriskConf.split('\n').filter((line) => !line.trim().startsWith(';'));
    expect(settings.filter((line) => /^\s*(maxload|minmemfree)\s*=/.test(line))).toEqual([]);
  });
});

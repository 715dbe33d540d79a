import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Secret, TOTP } from 'otpauth';
import { Browser, BrowserContext, Locator, Page, chromium } from 'playwright-core';
import { DataSource } from 'typeorm';
import { fetch } from 'undici';
import { AuthorityTokens } from '../../apps/server/src/cards/domain/authority-tokens';
import { LANGUAGES, Language } from '../../apps/server/src/languages';
import { MAX_CASCADE_NUMBERS } from '../../apps/server/src/portal/domain/cascade-numbers';
import { CURRENT_TERMS_VERSION } from '../../apps/server/src/portal/legal/legal-documents';
import { Pseudonymizer } from '../../apps/server/src/privacy/pseudonymizer';
import { cardRecord, daysAgo, randomCode } from '../support/cards-data';
import { CapturingMailer, PASSWORD, portalTestConfig, randomEmail, startPortalApp } from '../support/portal-app';
import { TEST_PORTS } from '../support/test-config';
import { TlsProxy, startTlsProxy } from '../support/tls-proxy';

/**
 * The parents' journey in a real headless Chromium (Debian's `chromium`, driven by playwright-core),
 * through the UI only: roles, labels, clicks and keys. Texts come from the i18n files, so each
 * language's run also proves that the page shows that language. Screenshots go to
 * reports/screenshots/ (test artefacts: look at them).
 */

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = resolve(__dirname, '../../reports/screenshots');

const messages = Object.fromEntries(
  LANGUAGES.map((l) => [l, JSON.parse(readFileSync(resolve(__dirname, `../../apps/server/src/portal/web/i18n/${l}.json`), 'utf8')) as Record<string, string>]),
) as Record<Language, Record<string, string>>;

/** The text the page shows for a key, as the page's t() builds it (js/i18n.js). */
function text(language: Language, key: string, values: Record<string, string | number> = {}): string {
  const message = messages[language][key];
  if (message === undefined) throw new Error(`no ${key} in ${language}.json`);
  return Object.entries(values).reduce((s, [name, value]) => s.split(`{${name}}`).join(String(value)), message);
}

// Generous waits: the two cores are shared with other test runs; a passing step takes milliseconds.
const STEP_TIMEOUT = 10_000;

/** Playwright's own auto-waiting, without @playwright/test's expect. */
const shown = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
async function focused(locator: Locator): Promise<boolean> {
  // The tests' tsconfig has no DOM types: the page's objects are described just enough.
  return locator.evaluate((node) => (node as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement === node);
}

// A journey is some forty page interactions, eight screenshots and two password hashes.
jest.setTimeout(60_000);

describe('the parents journey in headless Chromium', () => {
  // As deployed: nginx terminates TLS in front of the app, which trusts it alone.
  const config = portalTestConfig({ TRUSTED_PROXIES: '127.0.0.1', PORTAL_PUBLIC_URL: `https://localhost:${TEST_PORTS.tlsProxy}` });
  const pseudonymizer = new Pseudonymizer(config.pseudonymKey);
  let app: NestFastifyApplication;
  let db: DataSource;
  let mailer: CapturingMailer;
  /** The portal as parents reach it: https at nginx. */
  let baseUrl: string;
  let proxy: TlsProxy;
  let browser: Browser;
  let authority: { token: string; id: string };
  const contexts: BrowserContext[] = [];
  /** The personal values and secrets the journeys typed or were sent: none may reach a log. */
  const used: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run scripts/provision.sh tools (it installs Debian's chromium)`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    let appUrl: string;
    [{ app, db, mailer, baseUrl: appUrl }, browser] = await Promise.all([
      startPortalApp(config),
      chromium.launch({
        executablePath: CHROMIUM,
        // Root on a closed network: no sandbox, and no background connections the network would refuse.
        // The test's self-signed certificate is accepted; nothing else about TLS changes.
        args: ['--headless', '--ignore-certificate-errors', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      }),
    ]);
    proxy = await startTlsProxy(Number(new URL(appUrl).port));
    baseUrl = proxy.publicUrl;
    authority = await app.get(AuthorityTokens).issue(`browser-test-${randomUUID()}`);
  });
  afterEach(async () => {
    // Each journey's browser state (and its renderer processes) ends with it.
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    if (authority) await app.get(AuthorityTokens).revoke(authority.id);
    await app?.close();
    await proxy?.stop();
  });

  /** A fresh browser (cookies, storage) in a locale other than the language the journey chooses. */
  async function newPage(startLocale: string, viewport = { width: 1000, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ locale: startLocale, viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    return page;
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`), fullPage: true });

  /** Cards sent the way the issuing authority sends them: POST /api/v1/authority/cards with its token. */
  async function ingest(card: ReturnType<typeof cardRecord>): Promise<{ accepted: { outcome: string }[]; rejected: unknown[]; blockedCascades: number }> {
    used.push(card.nationalNumber, card.contactCode, card.firstName);
    const response = await fetch(`${baseUrl}/api/v1/authority/cards`, {
      dispatcher: proxy.dispatcher(),
      method: 'POST',
      headers: { authorization: `Bearer ${authority.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cards: [card] }),
    });
    expect(response.status).toBe(200);
    const report = (await response.json()) as Awaited<ReturnType<typeof ingest>>;
    expect(report.rejected).toEqual([]);
    return report;
  }

  /** What the database holds for the child's cascade: status and numbers in their saved order. */
  async function storedCascade(nationalNumber: string): Promise<{ status: string; terms_version: string | null; numbers: [string, string, string][] }> {
    const [cascade] = await db.query(
      `SELECT c.status, c.terms_version,
              (SELECT json_agg(json_build_array(n.e164, n.country, n.label) ORDER BY n.position) FROM cascade_numbers n WHERE n.cascade_id = c.id) AS numbers
         FROM cascades c JOIN children ch ON ch.id = c.child_id WHERE ch.national_number_hash = $1`,
      [pseudonymizer.hash('national-number', nationalNumber)],
    );
    return cascade;
  }

  /** Opens the portal and picks the language in the page's own selector (named in the start language). */
  async function openIn(page: Page, startLanguage: Language, language: Language): Promise<void> {
    await page.goto(baseUrl);
    await shown(page.getByRole('heading', { level: 1, name: text(startLanguage, 'signIn.heading') }));
    await page.getByRole('combobox', { name: text(startLanguage, 'app.language') }).selectOption(language);
    await shown(page.getByRole('heading', { level: 1, name: text(language, 'signIn.heading') }));
    expect(await page.locator('html').getAttribute('lang')).toBe(language);
    expect(await page.title()).toBe(text(language, 'app.title'));
  }

  /** Register, follow the mailed link, sign in: ends on "my children". */
  async function registerVerifyAndSignIn(page: Page, language: Language, prefix: string): Promise<string> {
    const email = randomEmail();
    const register = page.getByRole('form', { name: text(language, 'register.title') });
    await register.getByLabel(text(language, 'field.email'), { exact: true }).fill(email);
    // One of the 100,000 commonest leaked passwords first: refused on its field, in the page's language.
    await register.getByLabel(text(language, 'field.newPassword'), { exact: true }).fill('SonyEricsson');
    await register.getByRole('button', { name: text(language, 'register.submit') }).click();
    await shown(register.getByText(text(language, 'fieldError.password.too-common'), { exact: true }));
    expect(mailer.mails.some((m) => m.to === email)).toBe(false);
    await register.getByLabel(text(language, 'field.newPassword'), { exact: true }).fill(PASSWORD);
    await register.getByRole('button', { name: text(language, 'register.submit') }).click();
    await shown(page.getByRole('status').filter({ hasText: text(language, 'register.checkMail') }));
    await shot(page, `${prefix}-01-registered`);

    // The mailed link as mailed: PORTAL_PUBLIC_URL is nginx's https address.
    const mail = mailer.mails.find((m) => m.to === email && m.link?.includes('/verify-email#'));
    expect(mail).toBeDefined();
    expect(mail!.link!.startsWith(`${baseUrl}/`)).toBe(true);
    await page.goto(mail!.link!);
    await shown(page.getByRole('heading', { level: 1, name: text(language, 'verify.heading') }));
    await shown(page.getByText(text(language, 'verify.done'), { exact: true }));
    expect([new URL(page.url()).search, new URL(page.url()).hash]).toEqual(['', '']); // the spent token leaves the address bar
    await shot(page, `${prefix}-02-email-verified`);
    await page.getByRole('button', { name: text(language, 'verify.continue') }).click();

    const signIn = page.getByRole('form', { name: text(language, 'signIn.title') });
    await signIn.getByLabel(text(language, 'field.email'), { exact: true }).fill(email);
    await signIn.getByLabel(text(language, 'field.password'), { exact: true }).fill(PASSWORD);
    await signIn.getByLabel(text(language, 'field.password'), { exact: true }).press('Enter');
    await shown(page.getByRole('heading', { level: 1, name: text(language, 'children.heading') }));
    await shown(page.getByRole('status').filter({ hasText: text(language, 'signIn.done') }));
    await shown(page.getByText(text(language, 'children.none'), { exact: true }));
    return email;
  }

  async function fillLinkForm(page: Page, language: Language, nationalNumber: string, contactCode: string): Promise<void> {
    const link = page.getByRole('form', { name: text(language, 'link.title') });
    await link.getByLabel(text(language, 'field.nationalNumber'), { exact: true }).fill(nationalNumber);
    await link.getByLabel(text(language, 'field.contactCode'), { exact: true }).fill(contactCode);
    await link.getByRole('button', { name: text(language, 'link.submit') }).click();
  }

  const rows = (page: Page, language: Language) => page.getByRole('list', { name: text(language, 'cascade.listLabel') }).getByRole('listitem');

  /** Types one number into row `index` (0-based) of the editor. */
  async function fillRow(page: Page, language: Language, index: number, number: { number: string; country: string; label: string }): Promise<void> {
    const row = rows(page, language).nth(index);
    await row.getByLabel(text(language, 'cascade.number', { position: index + 1 }), { exact: true }).fill(number.number);
    await row.getByLabel(text(language, 'cascade.country'), { exact: true }).selectOption(number.country);
    await row.getByLabel(text(language, 'cascade.label'), { exact: true }).fill(number.label);
  }

  async function activate(page: Page, language: Language): Promise<void> {
    const activation = page.getByRole('form', { name: text(language, 'activation.title') });
    await activation.getByRole('checkbox', { name: text(language, 'activation.consent', { version: CURRENT_TERMS_VERSION }) }).check();
    await activation.getByRole('button', { name: text(language, 'activation.submit') }).click();
    await shown(page.getByRole('status').filter({ hasText: text(language, 'activation.done') }));
  }

  /** Nothing on the page is a raw i18n key, an unfilled {placeholder}, or a stray null/undefined. */
  async function noRawText(page: Page): Promise<void> {
    const shownText = await page.locator('body').innerText();
    expect([shownText.match(/null|undefined|\{\w+\}/g), Object.keys(messages.en).filter((key) => shownText.includes(key))]).toEqual([null, []]);
  }

  const stateIs = (page: Page, language: Language, state: 'active' | 'draft' | 'paused' | 'blocked') =>
    shown(page.locator('main').getByText(text(language, `state.${state}`), { exact: true }));

  const NUMBERS = [
    { number: '0470 12 34 56', country: 'BE', label: 'Mum, mobile', e164: '+32470123456', formatted: '+32 470 12 34 56' },
    { number: '06 12 34 56 78', country: 'FR', label: 'Dad, mobile (France)', e164: '+33612345678', formatted: '+33 6 12 34 56 78' },
    { number: '+32 2 555 12 12', country: 'BE', label: 'Home', e164: '+3225551212', formatted: '+32 2 555 12 12' },
  ];

  it.each(LANGUAGES)(
    'in %s: given a card ingested by the authority, when a parent registers, confirms the e-mail, signs in, links the child, adds three numbers, reorders them with the keyboard and accepts the terms, then the cascade is active with the numbers in that order; pausing and resuming it show each state and its meaning',
    async (language) => {
      const prefix = `journey-${language}`;
      const card = cardRecord({ firstName: 'Zoë', issuedOn: daysAgo(20) });
      await ingest(card);
      // Start in another language, so choosing this one in the selector is what changes the page.
      const start: Language = language === 'en' ? 'fr' : 'en';
      // One journey on a phone-sized screen: the layout is one column there (responsive).
      const page = await newPage(start === 'fr' ? 'fr-BE' : 'en-GB', language === 'nl' ? { width: 390, height: 844 } : undefined);
      await openIn(page, start, language);

      await registerVerifyAndSignIn(page, language, prefix);
      await shot(page, `${prefix}-03-signed-in`);

      // Link the child with the card's number (typed the way it is printed) and the letter's code.
      const printed = `${card.nationalNumber.slice(0, 2)}.${card.nationalNumber.slice(2, 4)}.${card.nationalNumber.slice(4, 6)}-${card.nationalNumber.slice(6, 9)}.${card.nationalNumber.slice(9)}`;
      await fillLinkForm(page, language, printed, card.contactCode.toLowerCase());
      await shown(page.getByRole('heading', { level: 1, name: text(language, 'cascade.heading', { name: 'Zoë' }) }));
      await shown(page.getByRole('status').filter({ hasText: text(language, 'link.done') }));
      await shot(page, `${prefix}-04-child-linked`);

      // Three numbers: the first row is there; "add" moves the focus to the new row's number.
      await fillRow(page, language, 0, NUMBERS[0]);
      for (const index of [1, 2]) {
        await page.getByRole('button', { name: text(language, 'cascade.add') }).click();
        expect(await focused(rows(page, language).nth(index).getByLabel(text(language, 'cascade.number', { position: index + 1 }), { exact: true }))).toBe(true);
        await fillRow(page, language, index, NUMBERS[index]);
      }
      await shot(page, `${prefix}-05-three-numbers`);

      // Reorder from the keyboard: "Home" up twice (Enter, then Space), then "Mum" down once.
      await page.getByRole('button', { name: text(language, 'cascade.moveUpOf', { position: 3 }) }).focus();
      await page.keyboard.press('Enter');
      await shown(page.getByRole('status').filter({ hasText: text(language, 'cascade.moved', { position: 2 }) }));
      const upOfSecond = page.getByRole('button', { name: text(language, 'cascade.moveUpOf', { position: 2 }) });
      expect(await focused(upOfSecond)).toBe(true); // the focus follows the moved number
      await page.keyboard.press('Space');
      // At the top its "move up" is disabled: the focus lands on the moved number itself.
      const firstNumber = page.getByLabel(text(language, 'cascade.number', { position: 1 }), { exact: true });
      expect(await focused(firstNumber)).toBe(true);
      expect(await firstNumber.inputValue()).toBe(NUMBERS[2].number);
      await page.getByRole('button', { name: text(language, 'cascade.moveDownOf', { position: 2 }) }).focus();
      await page.keyboard.press('Enter');
      const labels = await Promise.all((await rows(page, language).getByLabel(text(language, 'cascade.label'), { exact: true }).all()).map((input) => input.inputValue()));
      expect(labels).toEqual(['Home', 'Dad, mobile (France)', 'Mum, mobile']);
      await shot(page, `${prefix}-06-reordered`);

      await page.getByRole('button', { name: text(language, 'cascade.save') }).click();
      await shown(page.getByRole('status').filter({ hasText: text(language, 'cascade.saved') }));
      await stateIs(page, language, 'draft');
      // The saved numbers come back in international format, grouped for reading, in the saved order.
      const savedNumbers = await Promise.all([0, 1, 2].map((i) => page.getByLabel(text(language, 'cascade.number', { position: i + 1 }), { exact: true }).inputValue()));
      expect(savedNumbers).toEqual([NUMBERS[2], NUMBERS[1], NUMBERS[0]].map((n) => n.formatted));
      expect(await storedCascade(card.nationalNumber)).toMatchObject({
        status: 'draft',
        numbers: [NUMBERS[2], NUMBERS[1], NUMBERS[0]].map((n) => [n.e164, n.country, n.label]),
      });
      await shot(page, `${prefix}-07-saved-draft`);

      await activate(page, language);
      await stateIs(page, language, 'active');
      // Active under the current terms: what that means, and no consent form to fill again.
      const activeBox = page.getByRole('region', { name: text(language, 'activation.activeTitle') });
      await shown(activeBox.getByText(text(language, 'activation.activeHelp'), { exact: true }));
      // The number that will ring their phone (SERVICE_NUMBER 3278150000 in the tests), to save as a contact.
      await shown(activeBox.getByText(text(language, 'activation.callerNumber', { number: '+32 78 15 00 00' }), { exact: true }));
      expect(await page.getByRole('button', { name: text(language, 'activation.submit') }).count()).toBe(0);
      await noRawText(page);
      expect(await storedCascade(card.nationalNumber)).toMatchObject({ status: 'active', terms_version: CURRENT_TERMS_VERSION });
      await shot(page, `${prefix}-08-active`);

      // Pause: the page says so at the top, and that a finder now reaches the hotline; nothing reads as ringing.
      const pauseBox = page.getByRole('region', { name: text(language, 'pause.title') });
      await shown(pauseBox.getByText(text(language, 'pause.help'), { exact: true }));
      await pauseBox.getByRole('button', { name: text(language, 'pause.submit'), exact: true }).click();
      await shown(page.getByRole('status').filter({ hasText: text(language, 'pause.done') }));
      await stateIs(page, language, 'paused');
      await shown(page.locator('main').getByText(text(language, 'state.pausedHelp'), { exact: true }));
      await shown(page.locator('main').getByText(text(language, 'cascade.pausedAt').split('{date}')[0]));
      expect(await page.locator('main').getByText(text(language, 'cascade.activatedAt').split('{date}')[0]).count()).toBe(0);
      expect(await page.getByRole('region', { name: text(language, 'activation.activeTitle') }).count()).toBe(0);
      expect(await page.getByRole('button', { name: text(language, 'pause.submit'), exact: true }).count()).toBe(0);
      // Resuming needs no new consent: no terms to accept, one button.
      const resumeBox = page.getByRole('region', { name: text(language, 'resume.title') });
      await shown(resumeBox.getByText(text(language, 'resume.help'), { exact: true }));
      expect(await page.getByRole('checkbox', { name: text(language, 'activation.consent', { version: CURRENT_TERMS_VERSION }) }).count()).toBe(0);
      await noRawText(page);
      expect(await storedCascade(card.nationalNumber)).toMatchObject({ status: 'paused', terms_version: CURRENT_TERMS_VERSION });
      await shot(page, `${prefix}-09-paused`);

      // Back on "my children", the child shows as paused too.
      await page.getByRole('button', { name: text(language, 'cascade.back') }).click();
      await shown(page.getByRole('heading', { level: 1, name: text(language, 'children.heading') }));
      await stateIs(page, language, 'paused');
      await shot(page, `${prefix}-10-my-children-paused`);

      // Resume: active again at once, with the consent given at the activation.
      await page.getByRole('button', { name: text(language, 'children.open', { name: 'Zoë' }) }).click();
      await page.getByRole('region', { name: text(language, 'resume.title') }).getByRole('button', { name: text(language, 'resume.submit'), exact: true }).click();
      await shown(page.getByRole('status').filter({ hasText: text(language, 'resume.done') }));
      await stateIs(page, language, 'active');
      await shown(page.getByRole('region', { name: text(language, 'activation.activeTitle') }));
      await shown(page.getByRole('region', { name: text(language, 'pause.title') }));
      expect(await storedCascade(card.nationalNumber)).toMatchObject({ status: 'active', terms_version: CURRENT_TERMS_VERSION });

      // Back on "my children", the child shows as active too.
      await page.getByRole('button', { name: text(language, 'cascade.back') }).click();
      await shown(page.getByRole('heading', { level: 1, name: text(language, 'children.heading') }));
      await stateIs(page, language, 'active');
      await shown(page.getByRole('button', { name: text(language, 'children.open', { name: 'Zoë' }) }));
      await shot(page, `${prefix}-11-my-children`);
    },
  );

  it('given invalid numbers typed before a switch of language, when a parent saves, then the typing was kept, each refusal is shown next to its field in the page language and nothing is saved', async () => {
    const language: Language = 'de';
    const card = cardRecord({ issuedOn: daysAgo(20) });
    await ingest(card);
    const page = await newPage('de-BE');
    await openIn(page, 'de', language);
    await registerVerifyAndSignIn(page, language, 'invalid-numbers-de');
    await fillLinkForm(page, language, card.nationalNumber, card.contactCode);
    await fillRow(page, language, 0, NUMBERS[0]);
    await page.getByRole('button', { name: text(language, 'cascade.add') }).click();
    await fillRow(page, language, 1, { number: '0470/12.34.56', country: 'BE', label: 'Again' });
    await page.getByRole('button', { name: text(language, 'cascade.add') }).click();
    await fillRow(page, language, 2, { number: '12', country: 'DE', label: 'Short' });

    // Switching the language on the way redraws the screen, but keeps what was typed and the focus.
    const rowValues = async (l: Language) =>
      Promise.all(
        [0, 1, 2].map(async (i) => {
          const row = rows(page, l).nth(i);
          return [
            await row.getByLabel(text(l, 'cascade.number', { position: i + 1 }), { exact: true }).inputValue(),
            await row.getByLabel(text(l, 'cascade.country'), { exact: true }).inputValue(),
            await row.getByLabel(text(l, 'cascade.label'), { exact: true }).inputValue(),
          ];
        }),
      );
    const typed = await rowValues(language);
    const selector = page.getByRole('combobox', { name: text(language, 'app.language') });
    await selector.selectOption('en');
    await shown(page.getByRole('heading', { level: 1, name: text('en', 'cascade.heading', { name: 'Lina' }) }));
    expect(await rowValues('en')).toEqual(typed);
    expect(await focused(page.getByRole('combobox', { name: text('en', 'app.language') }))).toBe(true);
    await page.getByRole('combobox', { name: text('en', 'app.language') }).selectOption(language);
    await shown(page.getByRole('heading', { level: 1, name: text(language, 'cascade.heading', { name: 'Lina' }) }));
    expect(await rowValues(language)).toEqual(typed);

    await page.getByRole('button', { name: text(language, 'cascade.save') }).click();

    await shown(page.getByRole('alert').filter({ hasText: text(language, 'error.seeFields') }));
    const second = rows(page, language).nth(1).getByLabel(text(language, 'cascade.number', { position: 2 }), { exact: true });
    const third = rows(page, language).nth(2).getByLabel(text(language, 'cascade.number', { position: 3 }), { exact: true });
    await shown(rows(page, language).nth(1).getByText(text(language, 'fieldError.number.duplicate'), { exact: true }));
    await shown(rows(page, language).nth(2).getByText(text(language, 'fieldError.number.invalid'), { exact: true }));
    expect([await second.getAttribute('aria-invalid'), await third.getAttribute('aria-invalid')]).toEqual(['true', 'true']);
    expect(await focused(second)).toBe(true); // the first refused field
    await noRawText(page);
    await shot(page, 'invalid-numbers-de-01-refused');
    expect(await storedCascade(card.nationalNumber)).toBeUndefined();

    // The editor's rules are the server's (/cascade-rules.js): the countries the service dials, by
    // their names in the page's language, and at most MAX_CASCADE_NUMBERS rows.
    await shown(page.getByText(text(language, 'cascade.help', { max: MAX_CASCADE_NUMBERS }), { exact: true }));
    const countries = rows(page, language).nth(0).getByLabel(text(language, 'cascade.country'), { exact: true }).locator('option');
    const offered = await countries.evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
    expect([...offered].sort()).toEqual([...config.limits.destinations.countries].sort());
    const names = await countries.allTextContents();
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, language)));
    const add = page.getByRole('button', { name: text(language, 'cascade.add') });
    for (let count = 3; count < MAX_CASCADE_NUMBERS; count++) await add.click();
    expect(await rows(page, language).count()).toBe(MAX_CASCADE_NUMBERS);
    expect(await add.isDisabled()).toBe(true);
  });

  it('given a wrong contact code, when a parent links a child, then the one generic message is shown and no child is linked; an unknown number gets the same message', async () => {
    const language: Language = 'nl';
    const card = cardRecord({ issuedOn: daysAgo(20) });
    await ingest(card);
    const page = await newPage('nl-BE');
    await openIn(page, 'nl', language);
    await registerVerifyAndSignIn(page, language, 'wrong-code-nl');

    await fillLinkForm(page, language, card.nationalNumber, randomCode());
    const alert = page.getByRole('alert');
    await shown(alert.filter({ hasText: text(language, 'error.link-refused') }));
    await shot(page, 'wrong-code-nl-01-refused');
    const wrongCodeMessage = await alert.textContent();

    await fillLinkForm(page, language, cardRecord().nationalNumber, card.contactCode);
    await shown(alert.filter({ hasText: text(language, 'error.link-refused') }));
    expect(await alert.textContent()).toBe(wrongCodeMessage);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(text(language, 'children.heading'));
    await shown(page.getByText(text(language, 'children.none'), { exact: true }));
  });

  it('given an active cascade, when the authority sends a new card, then the page shows it blocked with the way to re-activate; the old code is refused and the new one re-activates it', async () => {
    const language: Language = 'fr';
    // Issued recently: a random child may be born as late as 2025, and a card never predates the birth.
    const card = cardRecord({ firstName: 'Noé', issuedOn: daysAgo(30) });
    await ingest(card);
    const page = await newPage('fr-BE');
    await openIn(page, 'fr', language);
    await registerVerifyAndSignIn(page, language, 'blocked-fr');
    await fillLinkForm(page, language, card.nationalNumber, card.contactCode);
    await fillRow(page, language, 0, NUMBERS[0]);
    await page.getByRole('button', { name: text(language, 'cascade.save') }).click();
    await shown(page.getByRole('status').filter({ hasText: text(language, 'cascade.saved') }));
    await activate(page, language);

    const newCard = cardRecord({ nationalNumber: card.nationalNumber, firstName: 'Noé', issuedOn: daysAgo(2) });
    expect((await ingest(newCard)).blockedCascades).toBe(1);

    await page.reload();
    await shown(page.getByRole('heading', { level: 1, name: text(language, 'children.heading') }));
    await stateIs(page, language, 'blocked');
    await page.getByRole('button', { name: text(language, 'children.open', { name: 'Noé' }) }).click();
    await stateIs(page, language, 'blocked');
    await shown(page.getByText(text(language, 'state.blockedHelp'), { exact: true }));
    const reactivation = page.getByRole('form', { name: text(language, 'activation.reactivateTitle') });
    await shown(reactivation.getByText(text(language, 'activation.blockedHelp'), { exact: true }));
    // A blocked cascade rings no one: nothing on the page may read as if it were on.
    const activatedOn = page.locator('main').getByText(text(language, 'cascade.activatedAt').split('{date}')[0]);
    expect(await activatedOn.count()).toBe(0);
    await shot(page, 'blocked-fr-01-blocked');

    const code = reactivation.getByLabel(text(language, 'field.contactCode'), { exact: true });
    const consent = reactivation.getByRole('checkbox', { name: text(language, 'activation.consent', { version: CURRENT_TERMS_VERSION }) });
    await code.fill(card.contactCode);
    await consent.check();
    await reactivation.getByRole('button', { name: text(language, 'activation.reactivate') }).click();
    await shown(page.getByRole('alert').filter({ hasText: text(language, 'error.seeFields') }));
    // The refusal, in French, next to the field, which is marked and has the focus.
    await shown(reactivation.getByText(text(language, 'fieldError.contactCode.wrong-code'), { exact: true }));
    expect(await code.getAttribute('aria-invalid')).toBe('true');
    expect(await focused(code)).toBe(true);
    expect((await storedCascade(card.nationalNumber)).status).toBe('blocked');
    await shot(page, 'blocked-fr-02-old-code-refused');

    await code.fill(newCard.contactCode);
    await reactivation.getByRole('button', { name: text(language, 'activation.reactivate') }).click();
    await shown(page.getByRole('status').filter({ hasText: text(language, 'activation.done') }));
    await stateIs(page, language, 'active');
    await shown(activatedOn);
    expect(await storedCascade(card.nationalNumber)).toMatchObject({ status: 'active', numbers: [[NUMBERS[0].e164, 'BE', NUMBERS[0].label]] });
    await shot(page, 'blocked-fr-03-reactivated');

    // Saving the list as shown (numbers grouped for reading) stores the same numbers; it stays active.
    expect(await page.getByLabel(text(language, 'cascade.number', { position: 1 }), { exact: true }).inputValue()).toBe(NUMBERS[0].formatted);
    await page.getByRole('button', { name: text(language, 'cascade.save') }).click();
    await shown(page.getByRole('status').filter({ hasText: text(language, 'cascade.saved') }));
    expect(await storedCascade(card.nationalNumber)).toMatchObject({ status: 'active', numbers: [[NUMBERS[0].e164, 'BE', NUMBERS[0].label]] });
  });

  it('given two-step sign-in turned on in the page, when the parent makes new recovery codes, then a recovery code is refused in the page language, a current app code shows eight new codes, and the old ones no longer work', async () => {
    const language: Language = 'de';
    const page = await newPage('en-GB');
    await openIn(page, 'en', language);
    await registerVerifyAndSignIn(page, language, 'recovery-de');
    const codeNow = (secret: string, laterMs = 0) => TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: Date.now() + laterMs });

    await page.getByRole('button', { name: text(language, 'nav.security') }).click();
    await page.getByRole('button', { name: text(language, 'totp.start') }).click();
    const secret = (await page.locator('code.secret').innerText()).replace(/\s/g, '');
    await page.getByLabel(text(language, 'totp.code'), { exact: true }).fill(codeNow(secret));
    await page.getByRole('button', { name: text(language, 'totp.confirm') }).click();
    await shown(page.getByRole('heading', { level: 1, name: text(language, 'totp.recoveryHeading') }));
    const codesShown = () => page.getByRole('list', { name: text(language, 'totp.recoveryListLabel') }).getByRole('listitem').allInnerTexts();
    const old = await codesShown();
    expect(old).toHaveLength(8);
    await page.getByRole('button', { name: text(language, 'totp.done') }).click();

    const renew = page.getByRole('form', { name: text(language, 'totp.newCodesTitle') });
    await shown(renew.getByText(text(language, 'totp.newCodesHelp'), { exact: true }));
    const code = renew.getByLabel(text(language, 'totp.code'), { exact: true });
    await code.fill(old[0]);
    await renew.getByRole('button', { name: text(language, 'totp.newCodes') }).click();
    // The refusal in German next to its field (not the API's English), the field marked and focused.
    await shown(renew.getByText(text(language, 'fieldError.code.app-code-needed'), { exact: true }));
    expect(await code.getAttribute('aria-invalid')).toBe('true');
    expect(await focused(code)).toBe(true);
    await shot(page, 'recovery-de-01-recovery-code-refused');
    // A wrong app code: the one field-message table translates it too.
    const wrong = ['000000', '111111', '222222', '333333'].find((c) => ![-30_000, 0, 30_000, 60_000].some((ms) => codeNow(secret, ms) === c))!;
    await code.fill(wrong);
    await renew.getByRole('button', { name: text(language, 'totp.newCodes') }).click();
    await shown(renew.getByText(text(language, 'fieldError.code.wrong-code'), { exact: true }));

    // The code that turned TOTP on is spent (no code works twice): the app's next one, accepted for clock drift.
    await code.fill(codeNow(secret, 30_000));
    await renew.getByRole('button', { name: text(language, 'totp.newCodes') }).click();
    await shown(page.getByRole('heading', { level: 1, name: text(language, 'totp.recoveryHeading') }));
    await shown(page.getByRole('status').filter({ hasText: text(language, 'totp.newCodesDone') }));
    const fresh = await codesShown();
    expect([fresh.length, fresh.filter((c) => old.includes(c))]).toEqual([8, []]);
    await noRawText(page);
    await shot(page, 'recovery-de-02-new-codes');
    await page.getByRole('button', { name: text(language, 'totp.done') }).click();
    await shown(page.getByText(text(language, 'totp.recoveryLeft.other', { count: 8 }), { exact: true }));
  });

  it('on the security screen, the parent turns number checks off and picks Dutch for the notices; the blocking notice cannot be turned off; the choice is kept', async () => {
    const language: Language = 'fr';
    const page = await newPage('en-GB');
    await openIn(page, 'en', language);
    await registerVerifyAndSignIn(page, language, 'notices-fr');

    const openNotices = async () => {
      await page.getByRole('button', { name: text(language, 'nav.security') }).click();
      const form = page.getByRole('form', { name: text(language, 'notices.title') });
      await shown(form);
      return form;
    };
    let form = await openNotices();
    const blocking = form.getByRole('checkbox', { name: text(language, 'notices.kind.cascadeBlocked') });
    expect([await blocking.isChecked(), await blocking.isDisabled()]).toEqual([true, true]);
    await shown(form.getByText(text(language, 'notices.mandatory'), { exact: true }));
    await form.getByRole('checkbox', { name: text(language, 'notices.kind.numberCheck') }).uncheck();
    await form.getByLabel(text(language, 'notices.language'), { exact: true }).selectOption('nl');
    await form.getByRole('button', { name: text(language, 'notices.save') }).click();
    await shown(page.getByRole('status').filter({ hasText: text(language, 'notices.saved') }));
    await noRawText(page);
    await shot(page, 'notices-fr-01-saved');

    await page.reload();
    form = await openNotices();
    expect(await form.getByRole('checkbox', { name: text(language, 'notices.kind.numberCheck') }).isChecked()).toBe(false);
    expect(await form.getByRole('checkbox', { name: text(language, 'notices.kind.serviceSwitch') }).isChecked()).toBe(true);
    expect(await form.getByLabel(text(language, 'notices.language'), { exact: true }).inputValue()).toBe('nl');
  });

  it('after the journeys, nginx\'s access and error logs hold none of the addresses, national numbers, codes, names and tokens they used', async () => {
    // One journey of its own, so the check has values even when this test runs alone.
    const card = cardRecord({ issuedOn: daysAgo(3) });
    await ingest(card);
    const page = await newPage('en-GB');
    await openIn(page, 'en', 'en');
    await registerVerifyAndSignIn(page, 'en', 'logs-en');
    await fillLinkForm(page, 'en', card.nationalNumber, card.contactCode);
    await shown(page.getByRole('status').filter({ hasText: text('en', 'link.done') }));

    const tokens = mailer.mails.flatMap((m) => [m.to, new URLSearchParams(new URL(m.link ?? 'https://x/').hash.slice(1)).get('token') ?? '']);
    const secrets = [...used, ...tokens, authority.token].filter((value) => value.length >= 6);
    const logs = proxy.logs();
    expect(logs).toMatch(/"POST \/api\/v1\/auth\/verify-email HTTP\/[\d.]+" 200/);
    expect(secrets.filter((secret) => logs.includes(secret))).toEqual([]);
  });
});

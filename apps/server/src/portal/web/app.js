// Allo Parents — the parents' web UI (issue 5). A plain ES module, no build step, no CDN.
// Security: API data only ever reaches the page through textContent / value (never innerHTML);
// every POST/PUT/DELETE echoes the ap_csrf cookie in X-CSRF-Token; same-origin fetch with cookies.

const LANGUAGES = ['fr', 'nl', 'de', 'en'];
const MAX_NUMBERS = 7;
const COUNTRIES = ['BE', 'NL', 'FR', 'DE', 'LU', 'GB', 'ES', 'IT', 'PT', 'PL', 'RO', 'MA', 'TR', 'CH', 'AT', 'US'];

let messages = {};
let language = 'en';
let current = { render: () => undefined };

// ---------- i18n ----------

/** The text for a key in the current language (the key itself if missing: the test keeps them complete). */
function t(key, values) {
  let text = Object.prototype.hasOwnProperty.call(messages, key) ? messages[key] : key;
  for (const [name, value] of Object.entries(values ?? {})) text = text.split(`{${name}}`).join(String(value));
  return text;
}

function initialLanguage() {
  const stored = localStorage.getItem('language');
  if (LANGUAGES.includes(stored)) return stored;
  for (const wanted of navigator.languages ?? [navigator.language]) {
    const code = String(wanted).slice(0, 2).toLowerCase();
    if (LANGUAGES.includes(code)) return code;
  }
  return 'en';
}

async function setLanguage(code) {
  const response = await fetch(`/i18n/${code}.json`, { credentials: 'same-origin' });
  messages = await response.json();
  language = code;
  localStorage.setItem('language', code);
  document.documentElement.lang = code;
  document.getElementById('language').value = code;
  document.getElementById('language-label').textContent = t('app.language');
  document.getElementById('skip-link').textContent = t('app.skip');
  document.getElementById('terms-link').textContent = t('footer.terms');
  document.getElementById('privacy-link').textContent = t('footer.privacy');
  document.title = t('app.title');
}

// ---------- DOM helpers (textContent only) ----------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'value') node.value = value;
    else if (name === 'checked') node.checked = Boolean(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

/** A labelled input with its error slot (aria-describedby), keyed by the API's field name. */
function field(id, label, attributes = {}, hint) {
  const input = el(attributes.tag ?? 'input', { id, name: id, 'aria-describedby': `${id}-error${hint ? ` ${id}-hint` : ''}`, ...attributes, tag: undefined });
  return el(
    'div',
    { class: 'field' },
    el('label', { for: id, text: label }),
    hint ? el('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null,
    input,
    el('p', { class: 'error', id: `${id}-error` }),
  );
}

function announce(text) {
  document.getElementById('alert').textContent = '';
  const live = document.getElementById('live');
  live.textContent = '';
  // A fresh text node so screen readers announce a repeated message too.
  setTimeout(() => (live.textContent = text), 50);
}

function alertError(text) {
  document.getElementById('live').textContent = '';
  const alert = document.getElementById('alert');
  alert.textContent = '';
  setTimeout(() => (alert.textContent = text), 50);
}

function clearMessages() {
  document.getElementById('live').textContent = '';
  document.getElementById('alert').textContent = '';
}

/**
 * One refused field in the page's language. The API's sentences are English: its stable codes pick
 * the translation (by field and code, else by field); a problem without a code is the page's own.
 */
function fieldMessage(problem) {
  if (!problem.code) return problem.message;
  // numbers[2].number -> number; numbers[7] -> numbers
  const name = String(problem.field ?? '').replace(/\[\d+\]/g, '').split('.').pop();
  const byCode = {
    'code.app-code-needed': t('totp.appCodeNeeded'),
    'code.wrong-code': t('totp.wrongCode'),
    'contactCode.wrong-code': t('fieldError.contactCodeWrong'),
    'number.duplicate': t('fieldError.numberDuplicate'),
    'number.hotline': t('fieldError.numberHotline'),
    'number.invalid': t('fieldError.numberInvalid'),
    'number.premium-rate': t('fieldError.numberPremiumRate'),
    'number.country-not-allowed': t('fieldError.numberCountryNotAllowed'),
    'number.type-not-allowed': t('fieldError.numberTypeNotAllowed'),
    'number.service-number': t('fieldError.numberService'),
    'numbers.empty': t('fieldError.numbersEmpty'),
    'numbers.empty-active': t('fieldError.numbersEmptyActive'),
    'numbers.too-many': t('fieldError.numbersTooMany', { max: MAX_NUMBERS }),
    'password.like-email': t('fieldError.passwordLikeEmail'),
    'password.maxLength': t('fieldError.passwordTooLong'),
    'password.too-common': t('fieldError.passwordTooCommon'),
    'password.too-long': t('fieldError.passwordTooLong'),
    'password.too-short': t('fieldError.passwordTooShort'),
    'password.wrong-password': t('totp.wrongPassword'),
  };
  const byField = {
    contactCode: t('fieldError.contactCode'),
    country: t('fieldError.country'),
    email: t('fieldError.email'),
    label: t('fieldError.label'),
    nationalNumber: t('fieldError.nationalNumber'),
    number: t('fieldError.number'),
    password: t('fieldError.password'),
    termsVersion: t('activation.consentNeeded'),
  };
  return byCode[`${name}.${problem.code}`] ?? byField[name] ?? problem.message;
}

/** Shows the API's per-field messages next to the fields; `idOf` maps an API field name to an input id. */
function showFieldErrors(root, fields, idOf = (name) => name) {
  for (const slot of root.querySelectorAll('.error')) slot.textContent = '';
  for (const input of root.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  let first = null;
  for (const problem of fields ?? []) {
    const id = idOf(problem.field);
    const input = id ? root.querySelector(`#${CSS.escape(id)}`) : null;
    const slot = id ? root.querySelector(`#${CSS.escape(`${id}-error`)}`) : null;
    if (input && slot) {
      const message = fieldMessage(problem);
      // One sentence per field even when the API gives several codes that translate alike.
      if (!slot.textContent.includes(message)) slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
      input.setAttribute('aria-invalid', 'true');
      first = first ?? input;
    }
  }
  return first;
}

// ---------- API ----------

function csrfCookie() {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'ap_csrf') return decodeURIComponent(rest.join('='));
  }
  return null;
}

async function ensureCsrf() {
  if (!csrfCookie()) await fetch('/api/v1/auth/csrf', { credentials: 'same-origin' });
}

class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body ?? {};
  }
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    await ensureCsrf();
    headers['X-CSRF-Token'] = csrfCookie() ?? '';
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, { message: t('error.network') });
  }
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

/** The general message for a refused request; a lost session goes back to the sign-in screen. */
function handleError(error, form, idOf) {
  if (error instanceof ApiError && error.status === 401 && current.name !== 'signInScreen') {
    go(signInScreen);
    alertError(t('error.session'));
    return;
  }
  const first = form ? showFieldErrors(form, error.body?.fields, idOf) : null;
  // The refusals without fields, in the page's language (the API's own messages are in English).
  const known = {
    unauthenticated: t('error.wrongCredentials'),
    'email-not-verified': t('error.emailNotVerified'),
    'link-refused': t('error.linkRefused'),
    'link-locked': t('error.linkLocked'),
    'token-invalid': t('error.tokenInvalid'),
    csrf: t('error.csrf'),
    'not-found': t('error.notFound'),
    conflict: t('error.conflict'),
    'rate-limited': t('error.tooMany'),
  };
  const code = error instanceof ApiError ? error.body?.error : undefined;
  if (error instanceof ApiError && error.status === 0) alertError(t('error.network'));
  else if (!first && typeof code === 'string' && Object.prototype.hasOwnProperty.call(known, code)) alertError(known[code]);
  else if (error instanceof ApiError && error.status === 429) alertError(t('error.tooMany'));
  else if (first) alertError(t('error.seeFields'));
  else alertError(error instanceof ApiError ? error.message : t('error.unexpected'));
  first?.focus();
}

// ---------- screens ----------

const main = () => document.getElementById('main');

/** Shows a screen: renders it, then moves the focus to its heading. */
async function go(screen, ...args) {
  current = { name: screen.name, render: () => screen(...args) };
  clearMessages();
  await renderCurrent();
}

async function renderCurrent() {
  const content = await current.render();
  if (!content) return;
  main().replaceChildren(content);
  renderNav();
  const heading = main().querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
}

let signedIn = false;
/** The cascade editor's rows while the screen is redrawn in another language: {childId, rows} or null. */
let keptRows = null;

function renderNav() {
  const nav = document.getElementById('nav');
  nav.replaceChildren();
  if (!signedIn) return;
  nav.append(
    el('button', { type: 'button', class: 'secondary', text: t('nav.children'), onclick: () => go(childrenScreen) }),
    el('button', { type: 'button', class: 'secondary', text: t('nav.security'), onclick: () => go(securityScreen) }),
    el('button', {
      type: 'button',
      class: 'secondary',
      text: t('nav.signOut'),
      onclick: async () => {
        try {
          await api('POST', '/auth/sign-out', {});
        } catch {
          // signed out anyway
        }
        signedIn = false;
        await go(signInScreen);
        announce(t('signIn.signedOut'));
      },
    }),
  );
}

function submitting(form, busy) {
  for (const button of form.querySelectorAll('button')) button.disabled = busy;
}

function signInScreen() {
  const signIn = el(
    'form',
    { novalidate: true, 'aria-labelledby': 'sign-in-title' },
    el('h2', { id: 'sign-in-title', text: t('signIn.title') }),
    field('email', t('field.email'), { type: 'email', autocomplete: 'username', required: true }),
    field('password', t('field.password'), { type: 'password', autocomplete: 'current-password', required: true }),
    el('button', { type: 'submit', text: t('signIn.submit') }),
  );
  signIn.addEventListener('submit', async (event) => {
    event.preventDefault();
    submitting(signIn, true);
    try {
      await api('POST', '/auth/sign-in', { email: signIn.querySelector('#email').value, password: signIn.querySelector('#password').value });
      signedIn = true;
      await go(childrenScreen);
      announce(t('signIn.done'));
    } catch (error) {
      // Right password, TOTP on: no session yet, the code comes next.
      if (error instanceof ApiError && error.body?.error === 'second-factor-required') return go(secondFactorScreen);
      handleError(error, signIn);
    } finally {
      submitting(signIn, false);
    }
  });

  const register = el(
    'form',
    { novalidate: true, 'aria-labelledby': 'register-title' },
    el('h2', { id: 'register-title', text: t('register.title') }),
    field('register-email', t('field.email'), { type: 'email', autocomplete: 'email', required: true }),
    field('register-password', t('field.newPassword'), { type: 'password', autocomplete: 'new-password', required: true }, t('register.passwordHint')),
    el('button', { type: 'submit', text: t('register.submit') }),
  );
  register.addEventListener('submit', async (event) => {
    event.preventDefault();
    submitting(register, true);
    try {
      await api('POST', '/auth/register', { email: register.querySelector('#register-email').value, password: register.querySelector('#register-password').value, language });
      showFieldErrors(register, []);
      announce(t('register.checkMail'));
    } catch (error) {
      handleError(error, register, (name) => `register-${name}`);
    } finally {
      submitting(register, false);
    }
  });

  const forgot = el(
    'form',
    { novalidate: true, 'aria-labelledby': 'forgot-title' },
    el('h2', { id: 'forgot-title', text: t('forgot.title') }),
    field('forgot-email', t('field.email'), { type: 'email', autocomplete: 'email', required: true }),
    el('button', { type: 'submit', class: 'secondary', text: t('forgot.submit') }),
  );
  forgot.addEventListener('submit', async (event) => {
    event.preventDefault();
    submitting(forgot, true);
    try {
      await api('POST', '/auth/password-reset', { email: forgot.querySelector('#forgot-email').value, language });
      showFieldErrors(forgot, []);
      announce(t('register.checkMail'));
    } catch (error) {
      handleError(error, forgot, (name) => `forgot-${name}`);
    } finally {
      submitting(forgot, false);
    }
  });

  return el(
    'div',
    {},
    el('h1', { text: t('signIn.heading') }),
    el('p', { text: t('app.intro') }),
    el('div', { class: 'columns' }, el('div', {}, signIn, providerSignIn(), forgot), register),
  );
}

/** The sign-in providers the server offers (GET /auth/providers): an OpenID Connect login, when configured. */
let providers = [];

/** "Sign in with <provider>": a plain link, since the browser leaves for the provider and comes back signed in. */
function providerSignIn() {
  if (providers.length === 0) return null;
  return el(
    'section',
    { class: 'box', 'aria-labelledby': 'provider-title' },
    el('h2', { id: 'provider-title', text: t('signIn.providerTitle') }),
    el('div', { class: 'buttons' }, ...providers.map((provider) => el('a', { class: 'button', href: provider.startUrl, text: t('signIn.withProvider', { name: provider.displayName }) }))),
  );
}

/** Why the provider's sign-in was refused: the callback sends the browser to /?oidc-error=<reason>. */
function providerRefusal() {
  const reason = new URLSearchParams(location.search).get('oidc-error');
  if (reason === null) return null;
  leaveLink();
  const messages = {
    state: t('error.oidcState'),
    provider: t('error.oidcProvider'),
    unavailable: t('error.oidcUnavailable'),
    'email-unverified': t('error.oidcEmailUnverified'),
    'account-exists': t('error.oidcAccountExists'),
  };
  return Object.prototype.hasOwnProperty.call(messages, reason) ? messages[reason] : t('error.oidcProvider');
}

function tokenFromLink() {
  return new URLSearchParams(location.search).get('token') ?? '';
}

/** Leaves a mailed link's path (and its token) once used, so a reload does not replay it. */
function leaveLink() {
  history.replaceState(null, '', '/');
}

/** 'done' | 'failed' | 'network' once the link's token was sent (a token is spent once: never resent on a redraw). */
let verifyOutcome = null;

async function verifyEmailScreen() {
  if (verifyOutcome === null) {
    try {
      await api('POST', '/auth/verify-email', { token: tokenFromLink() });
      verifyOutcome = 'done';
    } catch (error) {
      verifyOutcome = error instanceof ApiError && error.status !== 0 ? 'failed' : 'network';
    }
    leaveLink();
  }
  const outcomes = { done: t('verify.done'), failed: t('verify.failed'), network: t('error.network') };
  const box = el('div', {}, el('h1', { text: t('verify.heading') }));
  box.append(el('p', { class: verifyOutcome === 'done' ? undefined : 'error', text: outcomes[verifyOutcome] }));
  box.append(el('button', { type: 'button', text: t('verify.continue'), onclick: () => go(signInScreen) }));
  return box;
}

function resetPasswordScreen() {
  const token = tokenFromLink();
  const form = el(
    'form',
    { novalidate: true },
    field('password', t('field.newPassword'), { type: 'password', autocomplete: 'new-password', required: true }, t('register.passwordHint')),
    el('p', { class: 'error', id: 'token-error' }),
    el('button', { type: 'submit', text: t('reset.submit') }),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submitting(form, true);
    try {
      await api('POST', '/auth/password-reset/confirm', { token, password: form.querySelector('#password').value });
      leaveLink();
      await go(signInScreen);
      announce(t('reset.done'));
    } catch (error) {
      handleError(error, form);
    } finally {
      submitting(form, false);
    }
  });
  return el('div', {}, el('h1', { text: t('reset.heading') }), form);
}

/** The sign-in's second step: the code from the authenticator app, or a recovery code. */
function secondFactorScreen() {
  const form = el(
    'form',
    { novalidate: true },
    el('p', { class: 'hint', text: t('secondFactor.help') }),
    field('code', t('totp.codeOrRecovery'), { type: 'text', autocomplete: 'one-time-code', autocapitalize: 'characters', spellcheck: 'false', required: true }),
    el('div', { class: 'buttons' }, el('button', { type: 'submit', text: t('secondFactor.submit') }), el('button', { type: 'button', class: 'secondary', text: t('secondFactor.back'), onclick: () => go(signInScreen) })),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submitting(form, true);
    try {
      await api('POST', '/auth/sign-in/totp', { code: form.querySelector('#code').value });
      signedIn = true;
      await go(childrenScreen);
      announce(t('signIn.done'));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        // The 5 minutes between password and code are over: start again.
        await go(signInScreen);
        alertError(t('secondFactor.expired'));
      } else {
        handleError(error, form);
      }
    } finally {
      submitting(form, false);
    }
  });
  return el('div', {}, el('h1', { text: t('secondFactor.heading') }), form);
}

/** The account's security: two-step sign-in (TOTP) on or off. */
async function securityScreen() {
  let status;
  try {
    status = await api('GET', '/account/totp');
  } catch (error) {
    handleError(error);
    return null;
  }
  const box = el('section', { class: 'box', 'aria-labelledby': 'totp-title' }, el('h2', { id: 'totp-title', text: t('totp.title') }), el('p', { text: t('totp.intro') }));
  if (!status.enabled) {
    box.append(
      el('p', { text: t('totp.off') }),
      el('button', {
        type: 'button',
        text: t('totp.start'),
        onclick: async (event) => {
          event.target.disabled = true;
          try {
            await go(totpEnrolmentScreen, await api('POST', '/account/totp/enrolment', {}));
          } catch (error) {
            handleError(error);
            event.target.disabled = false;
          }
        },
      }),
    );
    return el('div', {}, el('h1', { text: t('security.heading') }), box);
  }

  box.append(el('p', { text: t('totp.on') }), el('p', { class: 'hint', text: t('totp.recoveryLeft', { count: status.recoveryCodesLeft }) }));
  // Its own field id: the turn-off form below has a 'code' field too.
  const renew = el(
    'form',
    { novalidate: true, 'aria-labelledby': 'totp-renew-title' },
    el('h2', { id: 'totp-renew-title', text: t('totp.newCodesTitle') }),
    el('p', { class: 'hint', text: t('totp.newCodesHelp') }),
    // No maxlength: a pasted recovery code reaches the server whole and gets its own explanation.
    field('renew-code', t('totp.code'), { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', required: true }),
    el('button', { type: 'submit', class: 'secondary', text: t('totp.newCodes') }),
  );
  renew.addEventListener('submit', async (event) => {
    event.preventDefault();
    submitting(renew, true);
    try {
      const { recoveryCodes } = await api('POST', '/account/totp/recovery-codes', { code: renew.querySelector('#renew-code').value });
      await go(totpRecoveryCodesScreen, recoveryCodes);
      announce(t('totp.newCodesDone'));
    } catch (error) {
      handleError(error, renew, (name) => (name === 'code' ? 'renew-code' : null));
    } finally {
      submitting(renew, false);
    }
  });
  const disable = el(
    'form',
    { novalidate: true, 'aria-labelledby': 'totp-disable-title' },
    el('h2', { id: 'totp-disable-title', text: t('totp.disableTitle') }),
    el('p', { class: 'hint', text: t('totp.disableHelp') }),
    field('password', t('field.password'), { type: 'password', autocomplete: 'current-password', required: true }),
    field('code', t('totp.codeOrRecovery'), { type: 'text', autocomplete: 'one-time-code', autocapitalize: 'characters', spellcheck: 'false', required: true }),
    el('button', { type: 'submit', class: 'secondary', text: t('totp.disable') }),
  );
  disable.addEventListener('submit', async (event) => {
    event.preventDefault();
    submitting(disable, true);
    try {
      await api('DELETE', '/account/totp', { password: disable.querySelector('#password').value, code: disable.querySelector('#code').value });
      await go(securityScreen);
      announce(t('totp.off'));
    } catch (error) {
      handleError(error, disable);
    } finally {
      submitting(disable, false);
    }
  });
  return el('div', {}, el('h1', { text: t('security.heading') }), box, renew, disable);
}

/** Setting up TOTP: the QR code (an SVG from our own endpoint), the key by hand, then a first code. */
function totpEnrolmentScreen(enrolment) {
  const key = enrolment.secret.replace(/(.{4})(?=.)/g, '$1 ');
  const form = el(
    'form',
    { novalidate: true, 'aria-labelledby': 'totp-confirm-title' },
    el('h2', { id: 'totp-confirm-title', text: t('totp.step3') }),
    field('code', t('totp.code'), { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', required: true, maxlength: '7' }),
    el('div', { class: 'buttons' }, el('button', { type: 'submit', text: t('totp.confirm') }), el('button', { type: 'button', class: 'secondary', text: t('totp.cancel'), onclick: () => go(securityScreen) })),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submitting(form, true);
    try {
      const { recoveryCodes } = await api('POST', '/account/totp/enrolment/confirmation', { code: form.querySelector('#code').value });
      await go(totpRecoveryCodesScreen, recoveryCodes);
      announce(t('totp.on'));
    } catch (error) {
      handleError(error, form);
    } finally {
      submitting(form, false);
    }
  });
  return el(
    'div',
    {},
    el('h1', { text: t('totp.setUpHeading') }),
    el(
      'section',
      { class: 'box' },
      el('p', { text: t('totp.step1') }),
      el('p', { text: t('totp.step2') }),
      el('img', { class: 'qr', src: enrolment.qrCode, alt: t('totp.qrAlt'), width: '220', height: '220' }),
      el('p', {}, el('span', { text: `${t('totp.key')} ` }), el('code', { class: 'secret', text: key })),
      el('p', {}, el('a', { href: enrolment.uri, text: t('totp.openApp') })),
    ),
    form,
  );
}

/** The recovery codes, shown this once. */
function totpRecoveryCodesScreen(codes) {
  return el(
    'div',
    {},
    el('h1', { text: t('totp.recoveryHeading') }),
    el('p', { text: t('totp.recoveryHelp') }),
    el('ul', { class: 'recovery-codes', 'aria-label': t('totp.recoveryListLabel') }, codes.map((code) => el('li', {}, el('code', { text: code })))),
    el('button', { type: 'button', text: t('totp.done'), onclick: () => go(securityScreen) }),
  );
}

function stateBadge(status) {
  const labels = { active: t('state.active'), draft: t('state.draft'), blocked: t('state.blocked') };
  return el('span', { class: `state ${status ?? 'none'}`, text: status ? labels[status] ?? status : t('state.none') });
}

async function childrenScreen() {
  let children;
  try {
    children = await api('GET', '/children');
    signedIn = true;
  } catch (error) {
    handleError(error);
    return null;
  }
  const list = el('ul', { class: 'children' });
  for (const child of children) {
    const name = child.firstName ?? t('children.unnamed');
    list.append(
      el(
        'li',
        {},
        el('span', {}, el('strong', { text: name }), ' ', stateBadge(child.cascadeStatus)),
        el('button', { type: 'button', text: t('children.open', { name }), onclick: () => go(cascadeScreen, child.id, name) }),
      ),
    );
  }

  const link = el(
    'form',
    { novalidate: true, 'aria-labelledby': 'link-title' },
    el('h2', { id: 'link-title', text: t('link.title') }),
    el('p', { class: 'hint', text: t('link.help') }),
    field('nationalNumber', t('field.nationalNumber'), { type: 'text', inputmode: 'numeric', autocomplete: 'off', required: true }, t('link.nationalNumberHint')),
    field('contactCode', t('field.contactCode'), { type: 'text', autocomplete: 'off', required: true, autocapitalize: 'characters' }),
    el('button', { type: 'submit', text: t('link.submit') }),
  );
  link.addEventListener('submit', async (event) => {
    event.preventDefault();
    submitting(link, true);
    try {
      const child = await api('POST', '/children/links', { nationalNumber: link.querySelector('#nationalNumber').value, contactCode: link.querySelector('#contactCode').value });
      await go(cascadeScreen, child.id, child.firstName ?? t('children.unnamed'));
      announce(t('link.done'));
    } catch (error) {
      // The refusal of a wrong code is one generic message (no field): show it as it is.
      handleError(error, link);
    } finally {
      submitting(link, false);
    }
  });

  return el(
    'div',
    {},
    el('h1', { text: t('children.heading') }),
    children.length === 0 ? el('p', { text: t('children.none') }) : list,
    link,
    lostCodeForm(),
  );
}

/** A lost contact code: the service calls the active cascade's first number and reads it out. */
function lostCodeForm() {
  const form = el(
    'form',
    { novalidate: true, 'aria-labelledby': 'lost-code-title' },
    el('h2', { id: 'lost-code-title', text: t('lostCode.title') }),
    el('p', { class: 'hint', text: t('lostCode.help') }),
    field('lostCodeNationalNumber', t('field.nationalNumber'), { type: 'text', inputmode: 'numeric', autocomplete: 'off', required: true }, t('link.nationalNumberHint')),
    el('button', { type: 'submit', text: t('lostCode.submit') }),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submitting(form, true);
    clearMessages();
    try {
      await api('POST', '/children/code-requests', { nationalNumber: form.querySelector('#lostCodeNationalNumber').value });
      form.querySelector('#lostCodeNationalNumber').value = '';
      // The same answer whatever the number: the API's answer carries no more than this.
      announce(t('lostCode.sent'));
    } catch (error) {
      handleError(error, form, (f) => (f === 'nationalNumber' ? 'lostCodeNationalNumber' : f));
    } finally {
      submitting(form, false);
    }
  });
  return form;
}

/** The cascade editor and its activation, for one child. */
async function cascadeScreen(childId, name) {
  let cascade;
  let calls;
  let terms;
  try {
    [cascade, calls, terms] = await Promise.all([
      api('GET', `/children/${encodeURIComponent(childId)}/cascade`),
      api('GET', `/children/${encodeURIComponent(childId)}/calls`),
      legalDocument('terms'),
    ]);
  } catch (error) {
    handleError(error);
    return null;
  }
  // The rows being edited: {number, country, label}.
  const saved = cascade.numbers.length > 0 ? cascade.numbers.map((n) => ({ number: n.formatted ?? n.number, country: n.country || 'BE', label: n.label ?? '' })) : [{ number: '', country: 'BE', label: '' }];
  // Unsaved rows survive a redraw in another language (see the language selector).
  const rows = keptRows?.childId === childId ? keptRows.rows : saved;
  keptRows = null;

  const rowsList = el('ol', { class: 'rows', 'aria-label': t('cascade.listLabel') });
  const editor = el('form', { novalidate: true, 'aria-labelledby': 'numbers-title' });
  const addButton = el('button', { type: 'button', class: 'secondary', text: t('cascade.add') });
  const numbersError = el('p', { class: 'error', id: 'numbers-error' });

  /** Keeps what was typed before redrawing the rows. */
  function readRows() {
    rows.forEach((row, i) => {
      row.number = editor.querySelector(`#n-${i}-number`)?.value ?? row.number;
      row.country = editor.querySelector(`#n-${i}-country`)?.value ?? row.country;
      row.label = editor.querySelector(`#n-${i}-label`)?.value ?? row.label;
    });
  }

  function drawRows(focusId) {
    rowsList.replaceChildren();
    rows.forEach((row, i) => {
      const country = el('select', { id: `n-${i}-country`, name: `n-${i}-country`, 'aria-describedby': `n-${i}-country-error` });
      const countries = COUNTRIES.includes(row.country) ? COUNTRIES : [...COUNTRIES, row.country];
      for (const code of countries) country.append(el('option', { value: code, text: countryName(code) }));
      country.value = row.country;
      const move = (delta) => {
        readRows();
        const [moved] = rows.splice(i, 1);
        rows.splice(i + delta, 0, moved);
        drawRows(`n-${i + delta}-${delta < 0 ? 'up' : 'down'}`);
        announce(t('cascade.moved', { position: i + delta + 1 }));
      };
      rowsList.append(
        el(
          'li',
          { class: 'row' },
          el('span', { class: 'position', 'aria-hidden': 'true', text: String(i + 1) }),
          field(`n-${i}-number`, t('cascade.number', { position: i + 1 }), { type: 'tel', autocomplete: 'off', value: row.number }),
          el('div', { class: 'field' }, el('label', { for: `n-${i}-country`, text: t('cascade.country') }), country, el('p', { class: 'error', id: `n-${i}-country-error` })),
          field(`n-${i}-label`, t('cascade.label'), { type: 'text', maxlength: '60', value: row.label }, t('cascade.labelHint')),
          el(
            'div',
            { class: 'actions' },
            el('button', { type: 'button', class: 'secondary', id: `n-${i}-up`, disabled: i === 0, text: t('cascade.moveUp'), 'aria-label': t('cascade.moveUpOf', { position: i + 1 }), onclick: () => move(-1) }),
            el('button', { type: 'button', class: 'secondary', id: `n-${i}-down`, disabled: i === rows.length - 1, text: t('cascade.moveDown'), 'aria-label': t('cascade.moveDownOf', { position: i + 1 }), onclick: () => move(1) }),
            el('button', {
              type: 'button',
              class: 'secondary',
              id: `n-${i}-remove`,
              text: t('cascade.remove'),
              'aria-label': t('cascade.removeOf', { position: i + 1 }),
              onclick: () => {
                readRows();
                rows.splice(i, 1);
                drawRows(rows.length > 0 ? `n-${Math.min(i, rows.length - 1)}-number` : 'add-number');
                announce(t('cascade.removed'));
              },
            }),
          ),
        ),
      );
    });
    addButton.disabled = rows.length >= MAX_NUMBERS;
    if (focusId) {
      let target = editor.querySelector(`#${CSS.escape(focusId)}`);
      // A move button that became disabled (first/last row) cannot hold the focus: use the number.
      if (!target || target.disabled) target = editor.querySelector(`#${CSS.escape(focusId.replace(/-(up|down)$/, '-number'))}`);
      target?.focus();
    }
  }

  addButton.id = 'add-number';
  addButton.addEventListener('click', () => {
    readRows();
    if (rows.length >= MAX_NUMBERS) return;
    rows.push({ number: '', country: 'BE', label: '' });
    drawRows(`n-${rows.length - 1}-number`);
  });

  const idOfCascadeField = (name) => {
    const match = /^numbers\[(\d+)\](?:\.(number|country|label))?$/.exec(name ?? '');
    if (!match) return name === 'numbers' ? 'numbers' : null;
    return match[2] ? `n-${match[1]}-${match[2]}` : 'numbers';
  };

  editor.append(
    el('h2', { id: 'numbers-title', text: t('cascade.numbersTitle') }),
    el('p', { class: 'hint', text: t('cascade.help', { max: MAX_NUMBERS }) }),
    rowsList,
    el('input', { type: 'hidden', id: 'numbers' }),
    numbersError,
    el('div', { class: 'buttons' }, addButton, el('button', { type: 'submit', text: t('cascade.save') })),
  );
  editor.addEventListener('submit', async (event) => {
    event.preventDefault();
    readRows();
    submitting(editor, true);
    try {
      const numbers = rows.filter((r) => r.number.trim() !== '' || r.label.trim() !== '').map((r) => ({ number: r.number.trim(), country: r.country, label: r.label.trim() }));
      cascade = await api('PUT', `/children/${encodeURIComponent(childId)}/cascade`, { numbers, language });
      await go(cascadeScreen, childId, name);
      announce(t('cascade.saved'));
    } catch (error) {
      handleError(error, editor, idOfCascadeField);
      if (error instanceof ApiError && error.body?.fields?.some((f) => idOfCascadeField(f.field) === 'numbers')) {
        numbersError.textContent = error.body.fields.filter((f) => idOfCascadeField(f.field) === 'numbers').map(fieldMessage).join(' ');
      }
    } finally {
      submitting(editor, false);
      addButton.disabled = rows.length >= MAX_NUMBERS;
    }
  });
  drawRows();
  current.unsavedRows = () => {
    readRows();
    return { childId, rows: rows.map((row) => ({ ...row })) };
  };

  // Activation (consent), or re-activation of a blocked cascade with the new card's code. The
  // version accepted is the one of the text shown (the server refuses it if it is not current).
  const termsVersion = terms.version;
  const activation = el('form', { novalidate: true, 'aria-labelledby': 'activation-title' });
  const blocked = cascade.status === 'blocked';
  const alreadyActive = cascade.status === 'active' && cascade.termsVersion === termsVersion;
  // Node.append would write a skipped (null) part as the text "null": keep only the parts shown.
  const parts = [
    el('h2', { id: 'activation-title', text: blocked ? t('activation.reactivateTitle') : t('activation.title') }),
    // Re-activation starts with what is new: the code from the new letter.
    blocked ? el('p', { text: t('activation.blockedHelp') }) : null,
    blocked ? field('contactCode', t('field.contactCode'), { type: 'text', autocomplete: 'off', required: true }) : null,
    el('p', { text: t('activation.terms', { version: termsVersion }) }),
    cascade.termsVersion && cascade.termsVersion !== termsVersion ? el('p', { class: 'notice', text: t('activation.termsChanged', { version: cascade.termsVersion }) }) : null,
    el('div', { class: 'terms', tabindex: '0', role: 'region', 'aria-labelledby': 'terms-title' }, legalText(terms, 'terms-title', 'h3')),
    callerHint(cascade),
    el(
      'div',
      { class: 'check' },
      el('input', { type: 'checkbox', id: 'termsVersion', 'aria-describedby': 'termsVersion-error' }),
      el('label', { for: 'termsVersion', text: t('activation.consent', { version: termsVersion }) }),
    ),
    el('p', { class: 'error', id: 'termsVersion-error' }),
    el('p', { class: 'error', id: 'numbers-activation-error' }),
    el('button', { type: 'submit', text: blocked ? t('activation.reactivate') : t('activation.submit') }),
  ];
  activation.append(...parts.filter(Boolean));
  activation.addEventListener('submit', async (event) => {
    event.preventDefault();
    const consent = activation.querySelector('#termsVersion');
    if (!consent.checked) {
      showFieldErrors(activation, [{ field: 'termsVersion', message: t('activation.consentNeeded') }]);
      alertError(t('error.seeFields'));
      consent.focus();
      return;
    }
    submitting(activation, true);
    try {
      const body = { termsVersion };
      if (blocked) body.contactCode = activation.querySelector('#contactCode').value;
      await api('POST', `/children/${encodeURIComponent(childId)}/cascade/activation`, body);
      await go(cascadeScreen, childId, name);
      announce(t('activation.done'));
    } catch (error) {
      handleError(error, activation, (f) => (f === 'numbers' ? 'numbers-activation' : f));
    } finally {
      submitting(activation, false);
    }
  });
  // The activation's "numbers" message has no input of its own: give it one to attach to.
  activation.prepend(el('input', { type: 'hidden', id: 'numbers-activation' }));
  // Active under the current terms: nothing to consent to again, say what "active" means instead.
  const activeBox = el(
    'section',
    { class: 'box', 'aria-labelledby': 'activation-title' },
    el('h2', { id: 'activation-title', text: t('activation.activeTitle') }),
    el('p', { text: t('activation.activeHelp') }),
    callerHint(cascade),
  );

  return el(
    'div',
    {},
    el('h1', { text: t('cascade.heading', { name }) }),
    el('p', {}, el('span', { text: `${t('cascade.state')} ` }), stateBadge(cascade.status)),
    blocked ? el('p', { class: 'error', text: t('state.blockedHelp') }) : null,
    // Only while active: a blocked (or draft) cascade still carries its last activation date, which would read as if it were on.
    cascade.status === 'active' && cascade.activatedAt
      ? el('p', { class: 'hint', text: t('cascade.activatedAt', { date: new Date(cascade.activatedAt).toLocaleString(language) }) })
      : null,
    editor,
    cascade.numbers.length > 0 ? await testSection(childId) : null,
    alreadyActive ? activeBox : activation,
    callHistory(calls),
    el('button', { type: 'button', class: 'secondary', text: t('cascade.back'), onclick: () => go(childrenScreen) }),
  );
}

/** Which number will ring the parent's phone: saved as a contact, phones that screen unknown callers let it through. */
function callerHint(cascade) {
  if (!cascade.callerNumber) return el('p', { class: 'caller', text: t('activation.callerFinder') });
  // The number in bold and never broken across lines: the sentence is split at its placeholder.
  const [before, after = ''] = t('activation.callerNumber').split('{number}');
  return el('p', { class: 'caller' }, before, el('strong', { class: 'phone', text: cascade.callerNumber }), after);
}

/** The terms of use or the privacy statement (GET /legal/:document), in the page's language. */
function legalDocument(documentId) {
  return api('GET', `/legal/${documentId}?language=${encodeURIComponent(language)}`);
}

/** A legal document's title, version and sections; `level` is the title's heading level. */
function legalText(doc, titleId, level) {
  const sub = `h${Number(level.slice(1)) + 1}`;
  const effective = new Date(`${doc.effectiveOn}T12:00:00Z`).toLocaleDateString(language, { dateStyle: 'long' });
  return [
    el(level, { id: titleId, text: doc.title }),
    el('p', { class: 'hint', text: t('legal.version', { version: doc.version, date: effective }) }),
    ...doc.sections.map((section) => el('section', {}, el(sub, { text: section.heading }), section.paragraphs.map((paragraph) => el('p', { text: paragraph })))),
  ];
}

/** /terms and /privacy: a document on its own page, reachable signed in or not. */
async function legalScreen(documentId) {
  let doc;
  try {
    doc = await legalDocument(documentId);
  } catch (error) {
    handleError(error);
    return null;
  }
  return el('article', { class: 'legal' }, legalText(doc, 'legal-title', 'h1'), el('p', {}, el('a', { href: '/', text: t('legal.back') })));
}

/** Which leg: the hotline, or a number of the list by position and the label it had then. */
function legName(leg) {
  if (leg.hotline) return t('calls.hotline');
  return leg.label ? t('calls.numberLabelled', { position: leg.position, label: leg.label }) : t('cascade.number', { position: leg.position });
}

/** The calls about the child (GET /children/:id/calls), newest first; the legs of each in a disclosure. */
function callHistory(calls) {
  const outcomes = {
    'connected-parent': t('calls.outcomeParent'),
    'connected-hotline': t('calls.outcomeHotline'),
    'hotline-unreachable': t('calls.outcomeHotlineUnreachable'),
    'finder-hung-up': t('calls.outcomeFinderHungUp'),
    'refused-withheld': t('calls.outcomeRefused'),
    failed: t('calls.outcomeFailed'),
  };
  const results = {
    accepted: t('calls.resultAccepted'),
    connected: t('calls.resultConnected'),
    busy: t('calls.resultBusy'),
    'no-answer': t('calls.resultNoAnswer'),
    unreachable: t('calls.resultUnreachable'),
    machine: t('calls.resultMachine'),
    declined: t('calls.resultDeclined'),
    'no-key': t('calls.resultNoKey'),
    failed: t('calls.resultFailed'),
    cancelled: t('calls.resultCancelled'),
    'not-allowed': t('calls.resultNotAllowed'),
  };
  const known = (map, code) => (Object.prototype.hasOwnProperty.call(map, code) ? map[code] : code);
  const section = el('section', { class: 'box', 'aria-labelledby': 'calls-title' }, el('h2', { id: 'calls-title', text: t('calls.title') }), el('p', { class: 'hint', text: t('calls.help') }));
  if (calls.length === 0) {
    section.append(el('p', { text: t('calls.none') }));
    return section;
  }
  const list = el('ol', { class: 'calls' });
  for (const call of calls) {
    const when = new Date(call.startedAt).toLocaleString(language, { dateStyle: 'medium', timeStyle: 'short' });
    list.append(
      el(
        'li',
        {},
        el('p', {}, el('time', { datetime: call.startedAt, text: when }), ' — ', el('span', { text: call.outcome ? known(outcomes, call.outcome) : t('calls.outcomeUnknown') })),
        call.answeredBy ? el('p', { text: t('calls.answeredBy', { leg: legName(call.answeredBy) }) }) : null,
        call.legs.length > 0
          ? el(
              'details',
              {},
              el('summary', { text: t('calls.legs', { count: call.legs.length }) }),
              el('ol', { class: 'legs' }, call.legs.map((leg) => el('li', { text: t('calls.leg', { leg: legName(leg), result: known(results, leg.result) }) }))),
            )
          : null,
      ),
    );
  }
  section.append(list);
  return section;
}

/** Testing the list: start a test call to each number, and per number the last result. */
async function testSection(childId) {
  const path = `/children/${encodeURIComponent(childId)}/cascade/test`;
  const section = el('section', { class: 'box', 'aria-labelledby': 'test-title' });
  const status = el('p', { class: 'hint', role: 'status' });
  const results = el('ul', { class: 'checks' });
  const startButton = el('button', { type: 'button', class: 'secondary', id: 'start-test', text: t('check.start') });
  let timer;
  let wasRunning = false;
  const when = (iso) => new Date(iso).toLocaleString(language);

  function draw(view) {
    const running = Boolean(view.test?.running);
    status.textContent = running ? t('check.running', { position: view.test.currentPosition ?? 1 }) : '';
    startButton.disabled = running;
    results.replaceChildren(
      ...view.numbers.map((n) =>
        el(
          'li',
          {},
          el('strong', { text: `${n.position}. ${n.number}` }),
          n.label ? el('span', { text: ` (${n.label})` }) : null,
          el('br'),
          el('span', { text: n.lastCheckAt ? t('check.lastCheck', { date: when(n.lastCheckAt), result: t(`check.result.${n.lastCheckResult}`) }) : t('check.never') }),
          el('br'),
          el('span', { class: 'hint', text: n.lastVerifiedAt ? t('check.confirmedAt', { date: when(n.lastVerifiedAt) }) : t('check.neverConfirmed') }),
        ),
      ),
    );
    clearTimeout(timer);
    // While the calls run, follow them; stop once the section has left the page.
    if (running) timer = setTimeout(refresh, 3000);
    else if (wasRunning) announce(t('check.done'));
    wasRunning = running;
  }

  async function refresh() {
    if (!section.isConnected) return;
    try {
      draw(await api('GET', path));
    } catch (error) {
      handleError(error);
    }
  }

  startButton.addEventListener('click', async () => {
    startButton.disabled = true;
    clearMessages();
    try {
      draw(await api('POST', path, {}));
      announce(t('check.started'));
    } catch (error) {
      startButton.disabled = false;
      handleError(error);
    }
  });

  section.append(el('h2', { id: 'test-title', text: t('check.heading') }), el('p', { class: 'hint', text: t('check.help') }), results, status, startButton);
  try {
    draw(await api('GET', path));
  } catch {
    // The editor still works without the test results.
  }
  return section;
}

function countryName(code) {
  try {
    return `${new Intl.DisplayNames([language], { type: 'region' }).of(code)} (${code})`;
  } catch {
    return code;
  }
}

// ---------- start ----------

async function start() {
  await setLanguage(initialLanguage());
  const selector = document.getElementById('language');
  selector.addEventListener('change', async (event) => {
    // The screen is drawn again in the new language: what was typed stays, and so does the focus.
    const typed = [...main().querySelectorAll('input[id]:not([type=hidden]), select[id]')].map((input) => [input.id, input.type === 'checkbox' ? input.checked : input.value]);
    keptRows = current.unsavedRows?.() ?? null;
    await setLanguage(event.target.value);
    await renderCurrent();
    keptRows = null;
    for (const [id, value] of typed) {
      const input = document.getElementById(id);
      if (input && input.type === 'checkbox') input.checked = value;
      else if (input) input.value = value;
    }
    selector.focus();
    announce(t('app.languageChanged'));
  });
  await ensureCsrf();
  if (location.pathname === '/verify-email') return go(verifyEmailScreen);
  if (location.pathname === '/reset-password') return go(resetPasswordScreen);
  if (location.pathname === '/terms') return go(legalScreen, 'terms');
  if (location.pathname === '/privacy') return go(legalScreen, 'privacy');
  const refusal = providerRefusal();
  providers = await api('GET', '/auth/providers').then((body) => body?.providers ?? [], () => []);
  try {
    await api('GET', '/account');
    signedIn = true;
    return go(childrenScreen);
  } catch {
    await go(signInScreen);
    if (refusal) alertError(refusal);
  }
}

void start();

// Allo Parents — the parents' web UI. Plain ES modules served by the app (no build step, no CDN):
// this file starts the page; js/ holds the i18n, the API client, the forms' plumbing, the
// navigation and one file per screen (js/screens/). The languages come from the server
// (/languages.js, made from apps/server/src/languages.ts).
// Security: API data only ever reaches the page through textContent / value (never innerHTML);
// every POST/PUT/DELETE echoes the CSRF cookie in X-CSRF-Token; same-origin fetch with cookies.
import { LANGUAGE_NAMES, LANGUAGES } from './languages.js';
import { api, ensureCsrf } from './js/api.js';
import { alertError, announce, el } from './js/dom.js';
import { initialLanguage, loadLanguage, t } from './js/i18n.js';
import { go, redraw, setScreens } from './js/navigation.js';
import { cascadeScreen } from './js/screens/cascade.js';
import { childrenScreen } from './js/screens/children.js';
import { legalScreen } from './js/screens/legal.js';
import { recoveryCodesScreen } from './js/screens/recovery-codes.js';
import { resetPasswordScreen } from './js/screens/reset-password.js';
import { secondFactorScreen } from './js/screens/second-factor.js';
import { securityScreen } from './js/screens/security.js';
import { providerRefusal, signInScreen } from './js/screens/sign-in.js';
import { totpEnrolmentScreen } from './js/screens/totp-enrolment.js';
import { verifyEmailScreen } from './js/screens/verify-email.js';
import { session } from './js/session.js';

/** The navigation bar, once signed in. */
function nav() {
  if (!session.signedIn) return [];
  return [
    el('button', { type: 'button', class: 'secondary', text: t('nav.children'), onclick: () => go('children') }),
    el('button', { type: 'button', class: 'secondary', text: t('nav.security'), onclick: () => go('security') }),
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
        session.signedIn = false;
        await go('signIn');
        announce(t('signIn.signedOut'));
      },
    }),
  ];
}

setScreens(
  {
    signIn: signInScreen,
    verifyEmail: verifyEmailScreen,
    resetPassword: resetPasswordScreen,
    secondFactor: secondFactorScreen,
    security: securityScreen,
    totpEnrolment: totpEnrolmentScreen,
    recoveryCodes: recoveryCodesScreen,
    children: childrenScreen,
    cascade: cascadeScreen,
    legal: legalScreen,
  },
  nav,
);

async function start() {
  const selector = document.getElementById('language');
  selector.replaceChildren(...LANGUAGES.map((code) => el('option', { value: code, lang: code, text: LANGUAGE_NAMES[code] })));
  await loadLanguage(initialLanguage());
  selector.addEventListener('change', async (event) => {
    // The screen is drawn again in the new language, from its state: what was typed stays, and so does the focus.
    await loadLanguage(event.target.value);
    await redraw();
    selector.focus();
    announce(t('app.languageChanged'));
  });
  await ensureCsrf();
  if (location.pathname === '/verify-email') return go('verifyEmail');
  if (location.pathname === '/reset-password') return go('resetPassword');
  if (location.pathname === '/terms') return go('legal', 'terms');
  if (location.pathname === '/privacy') return go('legal', 'privacy');
  const refusal = providerRefusal();
  session.providers = await api('GET', '/auth/providers').then((body) => body?.providers ?? [], () => []);
  try {
    await api('GET', '/account');
    session.signedIn = true;
    return go('children');
  } catch {
    await go('signIn');
    if (refusal) alertError(refusal);
  }
}

void start();

// Signing in, registering, a forgotten password, and the sign-in providers (OpenID Connect).
import { api, ApiError } from '../api.js';
import { announce, el, field } from '../dom.js';
import { onSubmit, showFieldErrors, titledForm } from '../forms.js';
import { has, language, t } from '../i18n.js';
import { go } from '../navigation.js';
import { session } from '../session.js';

export function signInScreen(state) {
  const signIn = titledForm(
    'sign-in-title',
    t('signIn.title'),
    null,
    field('email', t('field.email'), { type: 'email', autocomplete: 'username', required: true, bind: [state, 'email'] }),
    field('password', t('field.password'), { type: 'password', autocomplete: 'current-password', required: true, bind: [state, 'password'] }),
    el('button', { type: 'submit', text: t('signIn.submit') }),
  );
  onSubmit(
    signIn,
    async () => {
      await api('POST', '/auth/sign-in', { email: state.email ?? '', password: state.password ?? '' });
      session.signedIn = true;
      await go('children');
      announce(t('signIn.done'));
    },
    {
      // Right password, TOTP on: no session yet, the code comes next.
      refused: async (error) => {
        if (!(error instanceof ApiError && error.body?.error === 'second-factor-required')) return false;
        await go('secondFactor');
        return true;
      },
    },
  );

  const register = titledForm(
    'register-title',
    t('register.title'),
    null,
    field('register-email', t('field.email'), { type: 'email', autocomplete: 'email', required: true, bind: [state, 'registerEmail'] }),
    field('register-password', t('field.newPassword'), { type: 'password', autocomplete: 'new-password', required: true, bind: [state, 'registerPassword'] }, t('register.passwordHint')),
    el('button', { type: 'submit', text: t('register.submit') }),
  );
  onSubmit(
    register,
    async () => {
      await api('POST', '/auth/register', { email: state.registerEmail ?? '', password: state.registerPassword ?? '', language });
      showFieldErrors(register, []);
      announce(t('register.checkMail'));
    },
    { idOf: (name) => `register-${name}` },
  );

  const forgot = titledForm(
    'forgot-title',
    t('forgot.title'),
    null,
    field('forgot-email', t('field.email'), { type: 'email', autocomplete: 'email', required: true, bind: [state, 'forgotEmail'] }),
    el('button', { type: 'submit', class: 'secondary', text: t('forgot.submit') }),
  );
  onSubmit(
    forgot,
    async () => {
      await api('POST', '/auth/password-reset', { email: state.forgotEmail ?? '', language });
      showFieldErrors(forgot, []);
      announce(t('register.checkMail'));
    },
    { idOf: (name) => `forgot-${name}` },
  );

  return el(
    'div',
    {},
    el('h1', { text: t('signIn.heading') }),
    el('p', { text: t('app.intro') }),
    el('div', { class: 'columns' }, el('div', {}, signIn, providerSignIn(), forgot), register),
  );
}

/** "Sign in with <provider>": a plain link, since the browser leaves for the provider and comes back signed in. */
function providerSignIn() {
  if (session.providers.length === 0) return null;
  return el(
    'section',
    { class: 'box', 'aria-labelledby': 'provider-title' },
    el('h2', { id: 'provider-title', text: t('signIn.providerTitle') }),
    el('div', { class: 'buttons' }, ...session.providers.map((provider) => el('a', { class: 'button', href: provider.startUrl, text: t('signIn.withProvider', { name: provider.displayName }) }))),
  );
}

/** Why the provider's sign-in was refused: the callback sends the browser to /?oidc-error=<reason>. */
export function providerRefusal() {
  const reason = new URLSearchParams(location.search).get('oidc-error');
  if (reason === null) return null;
  leaveLink();
  return has(`oidcError.${reason}`) ? t(`oidcError.${reason}`) : t('oidcError.provider');
}

/** The token of a mailed link (verify-email, reset-password): in the fragment, which no server sees. */
export function tokenFromLink() {
  return new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
}

/** Leaves a mailed link's path (and its token, fragment included) once used, so a reload does not replay it. */
export function leaveLink() {
  history.replaceState(null, '', '/');
}

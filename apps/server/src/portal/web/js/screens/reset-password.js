// The mailed link that sets a new password.
import { api } from '../api.js';
import { announce, el, field } from '../dom.js';
import { onSubmit } from '../forms.js';
import { t } from '../i18n.js';
import { go } from '../navigation.js';
import { leaveLink, tokenFromLink } from './sign-in.js';

export function resetPasswordScreen(state) {
  state.token ??= tokenFromLink();
  const form = el(
    'form',
    { novalidate: true },
    field('password', t('field.newPassword'), { type: 'password', autocomplete: 'new-password', required: true, bind: [state, 'password'] }, t('register.passwordHint')),
    el('p', { class: 'error', id: 'token-error' }),
    el('button', { type: 'submit', text: t('reset.submit') }),
  );
  onSubmit(form, async () => {
    await api('POST', '/auth/password-reset/confirm', { token: state.token, password: state.password ?? '' });
    leaveLink();
    await go('signIn');
    announce(t('reset.done'));
  });
  return el('div', {}, el('h1', { text: t('reset.heading') }), form);
}

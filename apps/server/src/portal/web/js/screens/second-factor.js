// The sign-in's second step: the code from the authenticator app, or a recovery code.
import { api, ApiError } from '../api.js';
import { alertError, announce, el, field } from '../dom.js';
import { onSubmit } from '../forms.js';
import { t } from '../i18n.js';
import { go } from '../navigation.js';
import { session } from '../session.js';

export function secondFactorScreen(state) {
  const form = el(
    'form',
    { novalidate: true },
    el('p', { class: 'hint', text: t('secondFactor.help') }),
    field('code', t('totp.codeOrRecovery'), { type: 'text', autocomplete: 'one-time-code', autocapitalize: 'characters', spellcheck: 'false', required: true, bind: [state, 'code'] }),
    el('div', { class: 'buttons' }, el('button', { type: 'submit', text: t('secondFactor.submit') }), el('button', { type: 'button', class: 'secondary', text: t('secondFactor.back'), onclick: () => go('signIn') })),
  );
  onSubmit(
    form,
    async () => {
      await api('POST', '/auth/sign-in/totp', { code: state.code ?? '' });
      session.signedIn = true;
      await go('children');
      announce(t('signIn.done'));
    },
    {
      refused: async (error) => {
        if (!(error instanceof ApiError && error.status === 401)) return false;
        // The 5 minutes between password and code are over: start again.
        await go('signIn');
        alertError(t('secondFactor.expired'));
        return true;
      },
    },
  );
  return el('div', {}, el('h1', { text: t('secondFactor.heading') }), form);
}

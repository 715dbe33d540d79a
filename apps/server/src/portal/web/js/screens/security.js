// The account's security: two-step sign-in (TOTP) on or off, and new recovery codes; and the notices it gets by e-mail.
import { api } from '../api.js';
import { announce, el, field } from '../dom.js';
import { handleError, onSubmit, titledForm } from '../forms.js';
import { plural, t } from '../i18n.js';
import { go } from '../navigation.js';
import { noticesSection } from '../sections/notices.js';

export async function securityScreen(state) {
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
            await go('totpEnrolment', await api('POST', '/account/totp/enrolment', {}));
          } catch (error) {
            handleError(error);
            event.target.disabled = false;
          }
        },
      }),
    );
    return el('div', {}, el('h1', { text: t('security.heading') }), box, await noticesSection());
  }

  box.append(el('p', { text: t('totp.on') }), el('p', { class: 'hint', text: plural('totp.recoveryLeft', status.recoveryCodesLeft) }));
  // Its own field id: the turn-off form below has a 'code' field too.
  const renew = titledForm(
    'totp-renew-title',
    t('totp.newCodesTitle'),
    t('totp.newCodesHelp'),
    // No maxlength: a pasted recovery code reaches the server whole and gets its own explanation.
    field('renew-code', t('totp.code'), { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', required: true, bind: [state, 'renewCode'] }),
    el('button', { type: 'submit', class: 'secondary', text: t('totp.newCodes') }),
  );
  onSubmit(
    renew,
    async () => {
      const { recoveryCodes } = await api('POST', '/account/totp/recovery-codes', { code: state.renewCode ?? '' });
      await go('recoveryCodes', recoveryCodes);
      announce(t('totp.newCodesDone'));
    },
    { idOf: (name) => (name === 'code' ? 'renew-code' : null) },
  );
  const disable = titledForm(
    'totp-disable-title',
    t('totp.disableTitle'),
    t('totp.disableHelp'),
    field('password', t('field.password'), { type: 'password', autocomplete: 'current-password', required: true, bind: [state, 'password'] }),
    field('code', t('totp.codeOrRecovery'), { type: 'text', autocomplete: 'one-time-code', autocapitalize: 'characters', spellcheck: 'false', required: true, bind: [state, 'code'] }),
    el('button', { type: 'submit', class: 'secondary', text: t('totp.disable') }),
  );
  onSubmit(disable, async () => {
    await api('DELETE', '/account/totp', { password: state.password ?? '', code: state.code ?? '' });
    await go('security');
    announce(t('totp.off'));
  });
  return el('div', {}, el('h1', { text: t('security.heading') }), box, renew, disable, await noticesSection());
}

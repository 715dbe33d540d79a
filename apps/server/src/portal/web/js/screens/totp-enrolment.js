// Setting up two-step sign-in: the QR code (an SVG from our own endpoint), the key by hand, then a first code.
import { api } from '../api.js';
import { announce, el, field } from '../dom.js';
import { onSubmit, titledForm } from '../forms.js';
import { t } from '../i18n.js';
import { go } from '../navigation.js';

export function totpEnrolmentScreen(state, enrolment) {
  const key = enrolment.secret.replace(/(.{4})(?=.)/g, '$1 ');
  const form = titledForm(
    'totp-confirm-title',
    t('totp.step3'),
    null,
    field('code', t('totp.code'), { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', required: true, maxlength: '7', bind: [state, 'code'] }),
    el('div', { class: 'buttons' }, el('button', { type: 'submit', text: t('totp.confirm') }), el('button', { type: 'button', class: 'secondary', text: t('totp.cancel'), onclick: () => go('security') })),
  );
  onSubmit(form, async () => {
    const { recoveryCodes } = await api('POST', '/account/totp/enrolment/confirmation', { code: state.code ?? '' });
    await go('recoveryCodes', recoveryCodes);
    announce(t('totp.on'));
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

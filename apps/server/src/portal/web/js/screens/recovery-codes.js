// The recovery codes, shown this once.
import { el } from '../dom.js';
import { t } from '../i18n.js';
import { go } from '../navigation.js';

export function recoveryCodesScreen(_state, codes) {
  return el(
    'div',
    {},
    el('h1', { text: t('totp.recoveryHeading') }),
    el('p', { text: t('totp.recoveryHelp') }),
    el('ul', { class: 'recovery-codes', 'aria-label': t('totp.recoveryListLabel') }, codes.map((code) => el('li', {}, el('code', { text: code })))),
    el('button', { type: 'button', text: t('totp.done'), onclick: () => go('security') }),
  );
}

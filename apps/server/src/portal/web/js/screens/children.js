// My children: the linked children with their cascade's state, linking a child, a lost contact code.
import { api } from '../api.js';
import { announce, clearMessages, el, field } from '../dom.js';
import { handleError, onSubmit, titledForm } from '../forms.js';
import { has, t } from '../i18n.js';
import { go } from '../navigation.js';
import { session } from '../session.js';

/** A cascade's state (the API's status code, and for a blocked one its reason when known), or "no cascade yet". */
export function stateBadge(status, blockedReason = null) {
  const key = status === 'blocked' ? blockedKey('state.blocked', blockedReason) : `state.${status}`;
  const label = !status ? t('state.none') : has(key) ? t(key) : status;
  return el('span', { class: `state ${status ?? 'none'}`, text: label });
}

/** The text key for a blocked cascade: the revoked card's own text, else the new card's. */
export function blockedKey(base, blockedReason) {
  return blockedReason === 'card-revoked' ? `${base}Revoked` : base;
}

export async function childrenScreen(state) {
  let children;
  try {
    children = await api('GET', '/children');
    session.signedIn = true;
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
        el('button', { type: 'button', text: t('children.open', { name }), onclick: () => go('cascade', child.id, name) }),
      ),
    );
  }

  const link = titledForm(
    'link-title',
    t('link.title'),
    t('link.help'),
    field('nationalNumber', t('field.nationalNumber'), { type: 'text', inputmode: 'numeric', autocomplete: 'off', required: true, bind: [state, 'nationalNumber'] }, t('link.nationalNumberHint')),
    field('contactCode', t('field.contactCode'), { type: 'text', autocomplete: 'off', required: true, autocapitalize: 'characters', bind: [state, 'contactCode'] }),
    el('button', { type: 'submit', text: t('link.submit') }),
  );
  // The refusal of a wrong code is one generic message (no field): handleError shows it as it is.
  onSubmit(link, async () => {
    const child = await api('POST', '/children/links', { nationalNumber: state.nationalNumber ?? '', contactCode: state.contactCode ?? '' });
    await go('cascade', child.id, child.firstName ?? t('children.unnamed'));
    announce(t('link.done'));
  });

  return el('div', {}, el('h1', { text: t('children.heading') }), children.length === 0 ? el('p', { text: t('children.none') }) : list, link, lostCodeForm(state));
}

/** A lost contact code: the service calls the active cascade's first number and reads it out. */
function lostCodeForm(state) {
  const form = titledForm(
    'lost-code-title',
    t('lostCode.title'),
    t('lostCode.help'),
    field('lostCodeNationalNumber', t('field.nationalNumber'), { type: 'text', inputmode: 'numeric', autocomplete: 'off', required: true, bind: [state, 'lostCodeNationalNumber'] }, t('link.nationalNumberHint')),
    el('button', { type: 'submit', text: t('lostCode.submit') }),
  );
  onSubmit(
    form,
    async () => {
      clearMessages();
      await api('POST', '/children/code-requests', { nationalNumber: state.lostCodeNationalNumber ?? '' });
      state.lostCodeNationalNumber = '';
      form.querySelector('#lostCodeNationalNumber').value = '';
      // The same answer whatever the number: the API's answer carries no more than this.
      announce(t('lostCode.sent'));
    },
    { idOf: (name) => (name === 'nationalNumber' ? 'lostCodeNationalNumber' : name) },
  );
  return form;
}

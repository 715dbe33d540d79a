// The account's notices by e-mail: which kinds it gets (the blocking notice always) and in which language.
import { api } from '../api.js';
import { announce, el } from '../dom.js';
import { handleError, onSubmit, titledForm } from '../forms.js';
import { t } from '../i18n.js';
import { LANGUAGE_NAMES, LANGUAGES } from '../../languages.js';

// Literal keys, one per kind the API lists (GET /api/v1/account/notices).
const KIND_LABELS = {
  'cascade-blocked': () => t('notices.kind.cascadeBlocked'),
  'card-expired': () => t('notices.kind.cardExpired'),
  'deletion-soon': () => t('notices.kind.deletionSoon'),
  'number-check': () => t('notices.kind.numberCheck'),
  'service-switch': () => t('notices.kind.serviceSwitch'),
};

export async function noticesSection() {
  let preferences;
  try {
    preferences = await api('GET', '/account/notices');
  } catch (error) {
    handleError(error);
    return null;
  }
  const boxes = preferences.kinds.map((kind) => ({
    kind: kind.kind,
    input: el('input', { type: 'checkbox', id: `notice-${kind.kind}`, checked: kind.enabled, disabled: kind.mandatory, 'aria-describedby': kind.mandatory ? `notice-${kind.kind}-hint` : undefined }),
    mandatory: kind.mandatory,
  }));
  const language = el(
    'select',
    { id: 'notice-language', name: 'language', 'aria-describedby': 'notice-language-error' },
    el('option', { value: '', text: t('notices.languageDefault') }),
    ...LANGUAGES.map((code) => el('option', { value: code, lang: code, text: LANGUAGE_NAMES[code] })),
  );
  language.value = preferences.language ?? '';
  const form = titledForm(
    'notices-title',
    t('notices.title'),
    t('notices.intro'),
    ...boxes.map(({ kind, input, mandatory }) =>
      el(
        'div',
        { class: 'check' },
        input,
        el(
          'div',
          {},
          el('label', { for: input.id, text: (KIND_LABELS[kind] ?? (() => kind))() }),
          mandatory ? el('p', { class: 'hint', id: `notice-${kind}-hint`, text: t('notices.mandatory') }) : null,
        ),
      ),
    ),
    el('div', { class: 'field' }, el('label', { for: 'notice-language', text: t('notices.language') }), language, el('p', { class: 'error', id: 'notice-language-error' })),
    el('button', { type: 'submit', class: 'secondary', text: t('notices.save') }),
  );
  onSubmit(
    form,
    async () => {
      const disabled = boxes.filter((box) => !box.mandatory && !box.input.checked).map((box) => box.kind);
      await api('PUT', '/account/notices', { disabled, language: language.value || null });
      announce(t('notices.saved'));
    },
    { idOf: (name) => (name === 'language' ? 'notice-language' : null) },
  );
  return form;
}

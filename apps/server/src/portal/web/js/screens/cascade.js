// One child's cascade: the list of numbers (edit, reorder, save), its activation (consent to the
// terms, or re-activation with a new card's code), pausing and resuming it, the test calls and the
// call history. The list's rules and the countries offered come from the server (/cascade-rules.js).
import { COUNTRIES, DEFAULT_COUNTRY, LABEL_MAX_LENGTH, MAX_NUMBERS } from '../../cascade-rules.js';
import { api, ApiError } from '../api.js';
import { announce, alertError, clearMessages, el, field } from '../dom.js';
import { fieldMessage, handleError, onSubmit, showFieldErrors } from '../forms.js';
import { countryName, dateTime, language, t } from '../i18n.js';
import { go } from '../navigation.js';
import { callHistory } from '../sections/call-history.js';
import { cascadeTest } from '../sections/cascade-test.js';
import { blockedKey, stateBadge } from './children.js';
import { legalDocument, legalText } from './legal.js';

export async function cascadeScreen(state, childId, name) {
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
  // The rows being edited, {number, country, label}: the saved list until the parent edits it.
  state.rows ??= cascade.numbers.length > 0 ? cascade.numbers.map((n) => ({ number: n.formatted ?? n.number, country: n.country || DEFAULT_COUNTRY, label: n.label ?? '' })) : [{ number: '', country: DEFAULT_COUNTRY, label: '' }];
  const blocked = cascade.status === 'blocked';
  const paused = cascade.status === 'paused';
  const alreadyActive = cascade.status === 'active' && cascade.termsVersion === terms.version;
  return el(
    'div',
    {},
    el('h1', { text: t('cascade.heading', { name }) }),
    el('p', {}, el('span', { text: `${t('cascade.state')} ` }), stateBadge(cascade.status, cascade.blockedReason)),
    blocked ? el('p', { class: 'error', text: t(blockedKey('state.blocked', cascade.blockedReason) + 'Help') }) : null,
    // Paused: said at the top, so nobody reads the list below as ringing.
    paused ? el('p', { class: 'error', text: t('state.pausedHelp') }) : null,
    paused && cascade.pausedAt ? el('p', { class: 'hint', text: t('cascade.pausedAt', { date: dateTime(cascade.pausedAt) }) }) : null,
    // Only while active: a blocked, paused (or draft) cascade still carries its last activation date, which would read as if it were on.
    cascade.status === 'active' && cascade.activatedAt ? el('p', { class: 'hint', text: t('cascade.activatedAt', { date: dateTime(cascade.activatedAt) }) }) : null,
    numbersEditor(state, childId, name),
    cascade.numbers.length > 0 ? await cascadeTest(childId) : null,
    paused
      ? statusChange(childId, name, { action: 'resume', title: t('resume.title'), help: t('resume.help'), submit: t('resume.submit'), done: t('resume.done') })
      : alreadyActive
        ? activeBox(cascade)
        : activationForm(state, childId, name, cascade, terms),
    cascade.status === 'active' ? statusChange(childId, name, { action: 'pause', title: t('pause.title'), help: t('pause.help'), submit: t('pause.submit'), done: t('pause.done') }) : null,
    callHistory(calls),
    el('button', { type: 'button', class: 'secondary', text: t('cascade.back'), onclick: () => go('children') }),
  );
}

/** The API's field for the list (`numbers`) or one of its rows (`numbers[2].label`) → the editor's input id. */
function idOfCascadeField(name) {
  const match = /^numbers\[(\d+)\](?:\.(number|country|label))?$/.exec(name ?? '');
  if (!match) return name === 'numbers' ? 'numbers' : null;
  return match[2] ? `n-${match[1]}-${match[2]}` : 'numbers';
}

/**
 * The countries the service dials, by their names in the page's language; a number saved before
 * the operator narrowed the list keeps its own country as a choice (the server then says why it
 * refuses it).
 */
function countryChoices(current) {
  const codes = COUNTRIES.includes(current) ? COUNTRIES : [...COUNTRIES, current];
  return codes.map((code) => ({ code, name: countryName(code) })).sort((a, b) => a.name.localeCompare(b.name, language));
}

function numbersEditor(state, childId, name) {
  const rows = state.rows;
  const rowsList = el('ol', { class: 'rows', 'aria-label': t('cascade.listLabel') });
  const editor = el('form', { novalidate: true, 'aria-labelledby': 'numbers-title' });
  const addButton = el('button', { type: 'button', class: 'secondary', id: 'add-number', text: t('cascade.add') });
  const numbersError = el('p', { class: 'error', id: 'numbers-error' });

  function drawRows(focusId) {
    rowsList.replaceChildren(...rows.map((row, i) => rowItem(row, i)));
    addButton.disabled = rows.length >= MAX_NUMBERS;
    if (focusId) {
      let target = editor.querySelector(`#${CSS.escape(focusId)}`);
      // A move button that became disabled (first/last row) cannot hold the focus: use the number.
      if (!target || target.disabled) target = editor.querySelector(`#${CSS.escape(focusId.replace(/-(up|down)$/, '-number'))}`);
      target?.focus();
    }
  }

  function rowItem(row, i) {
    const country = el(
      'select',
      { id: `n-${i}-country`, name: `n-${i}-country`, 'aria-describedby': `n-${i}-country-error`, bind: [row, 'country'] },
      countryChoices(row.country).map(({ code, name }) => el('option', { value: code, text: name })),
    );
    const move = (delta) => {
      const [moved] = rows.splice(i, 1);
      rows.splice(i + delta, 0, moved);
      drawRows(`n-${i + delta}-${delta < 0 ? 'up' : 'down'}`);
      announce(t('cascade.moved', { position: i + delta + 1 }));
    };
    const remove = () => {
      rows.splice(i, 1);
      drawRows(rows.length > 0 ? `n-${Math.min(i, rows.length - 1)}-number` : 'add-number');
      announce(t('cascade.removed'));
    };
    return el(
      'li',
      { class: 'row' },
      el('span', { class: 'position', 'aria-hidden': 'true', text: String(i + 1) }),
      field(`n-${i}-number`, t('cascade.number', { position: i + 1 }), { type: 'tel', autocomplete: 'off', bind: [row, 'number'] }),
      el('div', { class: 'field' }, el('label', { for: `n-${i}-country`, text: t('cascade.country') }), country, el('p', { class: 'error', id: `n-${i}-country-error` })),
      field(`n-${i}-label`, t('cascade.label'), { type: 'text', maxlength: String(LABEL_MAX_LENGTH), bind: [row, 'label'] }, t('cascade.labelHint')),
      el(
        'div',
        { class: 'actions' },
        el('button', { type: 'button', class: 'secondary', id: `n-${i}-up`, disabled: i === 0, text: t('cascade.moveUp'), 'aria-label': t('cascade.moveUpOf', { position: i + 1 }), onclick: () => move(-1) }),
        el('button', { type: 'button', class: 'secondary', id: `n-${i}-down`, disabled: i === rows.length - 1, text: t('cascade.moveDown'), 'aria-label': t('cascade.moveDownOf', { position: i + 1 }), onclick: () => move(1) }),
        el('button', { type: 'button', class: 'secondary', id: `n-${i}-remove`, text: t('cascade.remove'), 'aria-label': t('cascade.removeOf', { position: i + 1 }), onclick: remove }),
      ),
    );
  }

  addButton.addEventListener('click', () => {
    if (rows.length >= MAX_NUMBERS) return;
    rows.push({ number: '', country: DEFAULT_COUNTRY, label: '' });
    drawRows(`n-${rows.length - 1}-number`);
  });

  editor.append(
    el('h2', { id: 'numbers-title', text: t('cascade.numbersTitle') }),
    el('p', { class: 'hint', text: t('cascade.help', { max: MAX_NUMBERS }) }),
    rowsList,
    el('input', { type: 'hidden', id: 'numbers' }),
    numbersError,
    el('div', { class: 'buttons' }, addButton, el('button', { type: 'submit', text: t('cascade.save') })),
  );
  onSubmit(
    editor,
    async () => {
      const numbers = rows.filter((r) => r.number.trim() !== '' || r.label.trim() !== '').map((r) => ({ number: r.number.trim(), country: r.country, label: r.label.trim() }));
      await api('PUT', `/children/${encodeURIComponent(childId)}/cascade`, { numbers, language });
      await go('cascade', childId, name);
      announce(t('cascade.saved'));
    },
    {
      refused: (error) => {
        handleError(error, editor, idOfCascadeField);
        // The problems of the list as a whole, together under it.
        const listProblems = error instanceof ApiError ? (error.body?.fields ?? []).filter((f) => idOfCascadeField(f.field) === 'numbers') : [];
        if (listProblems.length > 0) numbersError.textContent = listProblems.map(fieldMessage).join(' ');
        return true;
      },
      settled: () => (addButton.disabled = rows.length >= MAX_NUMBERS),
    },
  );
  drawRows();
  return editor;
}

/**
 * Activation (consent), or re-activation of a blocked cascade with the new card's code. The version
 * accepted is the one of the text shown (the server refuses it if it is not current).
 */
function activationForm(state, childId, name, cascade, terms) {
  const termsVersion = terms.version;
  const blocked = cascade.status === 'blocked';
  const activation = el(
    'form',
    { novalidate: true, 'aria-labelledby': 'activation-title' },
    // The activation's "numbers" message has no input of its own: give it one to attach to.
    el('input', { type: 'hidden', id: 'numbers-activation' }),
    el('h2', { id: 'activation-title', text: blocked ? t('activation.reactivateTitle') : t('activation.title') }),
    // Re-activation starts with what is new: the code from the new letter.
    blocked ? el('p', { text: t(cascade.blockedReason === 'card-revoked' ? 'activation.blockedRevokedHelp' : 'activation.blockedHelp') }) : null,
    blocked ? field('contactCode', t('field.contactCode'), { type: 'text', autocomplete: 'off', required: true, bind: [state, 'contactCode'] }) : null,
    el('p', { text: t('activation.terms', { version: termsVersion }) }),
    cascade.termsVersion && cascade.termsVersion !== termsVersion ? el('p', { class: 'notice', text: t('activation.termsChanged', { version: cascade.termsVersion }) }) : null,
    el('div', { class: 'terms', tabindex: '0', role: 'region', 'aria-labelledby': 'terms-title' }, legalText(terms, 'terms-title', 'h3')),
    callerHint(cascade),
    el(
      'div',
      { class: 'check' },
      el('input', { type: 'checkbox', id: 'termsVersion', 'aria-describedby': 'termsVersion-error', bind: [state, 'consent'] }),
      el('label', { for: 'termsVersion', text: t('activation.consent', { version: termsVersion }) }),
    ),
    el('p', { class: 'error', id: 'termsVersion-error' }),
    el('p', { class: 'error', id: 'numbers-activation-error' }),
    el('button', { type: 'submit', text: blocked ? t('activation.reactivate') : t('activation.submit') }),
  );
  onSubmit(
    activation,
    async () => {
      if (!state.consent) {
        showFieldErrors(activation, [{ field: 'termsVersion', message: t('fieldError.termsVersion') }]);
        alertError(t('error.seeFields'));
        activation.querySelector('#termsVersion').focus();
        return;
      }
      const body = { termsVersion };
      if (blocked) body.contactCode = state.contactCode ?? '';
      await api('POST', `/children/${encodeURIComponent(childId)}/cascade/activation`, body);
      await go('cascade', childId, name);
      announce(t('activation.done'));
    },
    { idOf: (f) => (f === 'numbers' ? 'numbers-activation' : f) },
  );
  return activation;
}

/** Active under the current terms: nothing to consent to again, say what "active" means instead. */
function activeBox(cascade) {
  return el(
    'section',
    { class: 'box', 'aria-labelledby': 'activation-title' },
    el('h2', { id: 'activation-title', text: t('activation.activeTitle') }),
    el('p', { text: t('activation.activeHelp') }),
    callerHint(cascade),
  );
}

/**
 * Pausing an active cascade, or resuming a paused one: one button, no form (nothing to type, no
 * new consent). The screen is drawn again from the server's answer.
 */
function statusChange(childId, name, { action, title, help, submit, done }) {
  const button = el('button', { type: 'button', class: action === 'pause' ? 'secondary' : null, id: `${action}-cascade`, text: submit });
  button.addEventListener('click', async () => {
    button.disabled = true;
    clearMessages();
    try {
      await api('POST', `/children/${encodeURIComponent(childId)}/cascade/${action}`, {});
      await go('cascade', childId, name);
      announce(done);
    } catch (error) {
      button.disabled = false;
      handleError(error);
    }
  });
  return el('section', { class: 'box', 'aria-labelledby': `${action}-title` }, el('h2', { id: `${action}-title`, text: title }), el('p', { text: help }), button);
}

/** Which number will ring the parent's phone: saved as a contact, phones that screen unknown callers let it through. */
function callerHint(cascade) {
  if (!cascade.callerNumber) return el('p', { class: 'caller', text: t('activation.callerFinder') });
  // The number in bold and never broken across lines: the sentence is split at its placeholder.
  const [before, after = ''] = t('activation.callerNumber').split('{number}');
  return el('p', { class: 'caller' }, before, el('strong', { class: 'phone', text: cascade.callerNumber }), after);
}

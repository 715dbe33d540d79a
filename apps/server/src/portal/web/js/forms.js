// Forms: one submission helper for every form, and the API's refusals shown in the page's language
// (next to their fields, or as one alert). Messages are chosen by the API's stable codes:
// `error.<code>` for a refusal, `fieldError.<field>.<code>` (else `fieldError.<field>`) per field.
import { LABEL_MAX_LENGTH, MAX_NUMBERS } from '../cascade-rules.js';
import { ApiError } from './api.js';
import { alertError, el } from './dom.js';
import { has, t } from './i18n.js';
import { currentScreen, go } from './navigation.js';

/** The limit a field's messages name as {max}: the server's (/cascade-rules.js). */
const LIMITS = { numbers: { max: MAX_NUMBERS }, label: { max: LABEL_MAX_LENGTH } };

/** Field codes that read the same as another one: the validator's own name for a rule the API also checks. */
const SAME_AS = { 'password.maxLength': 'password.too-long' };

/** One refused field in the page's language; a problem without a code is the page's own. */
export function fieldMessage(problem) {
  if (!problem.code) return problem.message;
  // numbers[2].number -> number; numbers[7] -> numbers
  const name = String(problem.field ?? '').replace(/\[\d+\]/g, '').split('.').pop();
  const coded = `fieldError.${SAME_AS[`${name}.${problem.code}`] ?? `${name}.${problem.code}`}`;
  if (has(coded)) return t(coded, LIMITS[name]);
  return has(`fieldError.${name}`) ? t(`fieldError.${name}`, LIMITS[name]) : problem.message;
}

/** Shows the API's per-field messages next to the fields; `idOf` maps an API field name to an input id. */
export function showFieldErrors(root, fields, idOf = (name) => name) {
  for (const slot of root.querySelectorAll('.error')) slot.textContent = '';
  for (const input of root.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  let first = null;
  for (const problem of fields ?? []) {
    const id = idOf(problem.field);
    const input = id ? root.querySelector(`#${CSS.escape(id)}`) : null;
    const slot = id ? root.querySelector(`#${CSS.escape(`${id}-error`)}`) : null;
    if (input && slot) {
      const message = fieldMessage(problem);
      // One sentence per field even when the API gives several codes that translate alike.
      if (!slot.textContent.includes(message)) slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
      input.setAttribute('aria-invalid', 'true');
      first = first ?? input;
    }
  }
  return first;
}

/** The general message for a refused request; a lost session goes back to the sign-in screen. */
export function handleError(error, form, idOf) {
  if (error instanceof ApiError && error.status === 401 && currentScreen() !== 'signIn') {
    go('signIn');
    alertError(t('error.session'));
    return;
  }
  const first = form ? showFieldErrors(form, error.body?.fields, idOf) : null;
  // The refusals without fields, in the page's language (the API's own messages are in English).
  const code = error instanceof ApiError ? error.body?.error : undefined;
  if (error instanceof ApiError && error.status === 0) alertError(t('error.network'));
  else if (!first && typeof code === 'string' && has(`error.${code}`)) alertError(t(`error.${code}`));
  else if (error instanceof ApiError && error.status === 429) alertError(t('error.rate-limited'));
  else if (first) alertError(t('error.seeFields'));
  else alertError(error instanceof ApiError ? error.message : t('error.unexpected'));
  first?.focus();
}

/**
 * Every form's submission: no page load, its buttons disabled while `send` runs, and a refusal
 * shown by handleError (next to the fields `idOf` names) unless `refused(error)` took care of it
 * and returned true. `settled` runs last, whatever happened.
 */
export function onSubmit(form, send, { idOf, refused, settled } = {}) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const button of form.querySelectorAll('button')) button.disabled = true;
    try {
      await send();
    } catch (error) {
      if (!(await refused?.(error))) handleError(error, form, idOf);
    } finally {
      for (const button of form.querySelectorAll('button')) button.disabled = false;
      settled?.();
    }
  });
  return form;
}

/** A form named by its heading (so it is a `form` landmark with that name), with an optional hint under the heading. */
export function titledForm(titleId, title, hint, ...children) {
  return el('form', { novalidate: true, 'aria-labelledby': titleId }, el('h2', { id: titleId, text: title }), hint ? el('p', { class: 'hint', text: hint }) : null, ...children);
}

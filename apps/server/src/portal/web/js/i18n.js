// The page's language: its messages (i18n/<code>.json), t() and plural(), dates and country names.
import { LANGUAGES } from '../languages.js';

let messages = {};
/** The page's language (a live binding: importers always read the current one). */
export let language = 'en';

/** Whether the current language has a message for the key (used for keys named after API codes). */
export function has(key) {
  return Object.prototype.hasOwnProperty.call(messages, key);
}

/** The text for a key in the current language (the key itself if missing: the test keeps them complete). */
export function t(key, values) {
  let text = has(key) ? messages[key] : key;
  for (const [name, value] of Object.entries(values ?? {})) text = text.split(`{${name}}`).join(String(value));
  return text;
}

/** A message that depends on a count: `<key>.<category>` by the language's plural rules, else `<key>.other`. */
export function plural(key, count, values) {
  const category = new Intl.PluralRules(language).select(count);
  return t(has(`${key}.${category}`) ? `${key}.${category}` : `${key}.other`, { count, ...values });
}

/** The language kept from a previous visit, else the browser's first language the page has, else English. */
export function initialLanguage() {
  const stored = localStorage.getItem('language');
  if (LANGUAGES.includes(stored)) return stored;
  for (const wanted of navigator.languages ?? [navigator.language]) {
    const code = String(wanted).slice(0, 2).toLowerCase();
    if (LANGUAGES.includes(code)) return code;
  }
  return 'en';
}

/** Loads a language's messages and writes the texts of the page's frame (outside <main>) in it. */
export async function loadLanguage(code) {
  const response = await fetch(`/i18n/${code}.json`, { credentials: 'same-origin' });
  messages = await response.json();
  language = code;
  localStorage.setItem('language', code);
  document.documentElement.lang = code;
  document.getElementById('language').value = code;
  document.getElementById('language-label').textContent = t('app.language');
  document.getElementById('skip-link').textContent = t('app.skip');
  document.getElementById('terms-link').textContent = t('footer.terms');
  document.getElementById('privacy-link').textContent = t('footer.privacy');
  document.title = t('app.title');
}

/** A moment from the API (ISO 8601) in the page's language. */
export function dateTime(iso, options) {
  return new Date(iso).toLocaleString(language, options);
}

export function countryName(code) {
  try {
    return `${new Intl.DisplayNames([language], { type: 'region' }).of(code)} (${code})`;
  } catch {
    return code;
  }
}

// The terms of use and the privacy statement: on their own page (/terms, /privacy), and inside the
// cascade screen's activation.
import { api } from '../api.js';
import { el } from '../dom.js';
import { handleError } from '../forms.js';
import { language, t } from '../i18n.js';

/** The terms of use or the privacy statement (GET /legal/:document), in the page's language. */
export function legalDocument(documentId) {
  return api('GET', `/legal/${documentId}?language=${encodeURIComponent(language)}`);
}

/** A legal document's title, version and sections; `level` is the title's heading level. */
export function legalText(doc, titleId, level) {
  const sub = `h${Number(level.slice(1)) + 1}`;
  const effective = new Date(`${doc.effectiveOn}T12:00:00Z`).toLocaleDateString(language, { dateStyle: 'long' });
  return [
    el(level, { id: titleId, text: doc.title }),
    el('p', { class: 'hint', text: t('legal.version', { version: doc.version, date: effective }) }),
    ...doc.sections.map((section) => el('section', {}, el(sub, { text: section.heading }), section.paragraphs.map((paragraph) => el('p', { text: paragraph })))),
  ];
}

/** /terms and /privacy: a document on its own page, reachable signed in or not. */
export async function legalScreen(_state, documentId) {
  let doc;
  try {
    doc = await legalDocument(documentId);
  } catch (error) {
    handleError(error);
    return null;
  }
  return el('article', { class: 'legal' }, legalText(doc, 'legal-title', 'h1'), el('p', {}, el('a', { href: '/', text: t('legal.back') })));
}

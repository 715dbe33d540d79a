import { Language } from '../../languages';
import { OPERATOR_WORDING, PRIVACY_STATEMENT } from './privacy';
import { TERMS_OF_USE } from './terms';


export interface LegalSection {
  heading: string;
  paragraphs: string[];
}

export interface LegalText {
  title: string;
  sections: LegalSection[];
}

/**
 * A versioned document in the four languages. A new version of the terms is a new `version`
 * (parents are asked to accept it again); the texts of earlier versions stay in git history.
 */
export interface LegalDocument {
  id: 'terms' | 'privacy';
  /** YYYY-MM. */
  version: string;
  /** The day this version applies from (YYYY-MM-DD). */
  effectiveOn: string;
  texts: Record<Language, LegalText>;
}

export const LEGAL_DOCUMENTS: Record<LegalDocument['id'], LegalDocument> = { terms: TERMS_OF_USE, privacy: PRIVACY_STATEMENT };

/**
 * The terms version a parent accepts when activating a cascade: the one source of truth for the
 * activation check, the cascade view (`currentTermsVersion`) and the document the UI shows.
 */
export const CURRENT_TERMS_VERSION = TERMS_OF_USE.version;

/** Versions parents may have accepted before the current one (recorded on their cascades). */
export const PAST_TERMS_VERSIONS: readonly string[] = ['2025-01'];

/** Why a terms version sent with an activation is refused, or null when it is the current one. */
export function termsVersionProblem(version: string): { code: 'outdated' | 'unknown'; message: string } | null {
  if (version === CURRENT_TERMS_VERSION) return null;
  if (PAST_TERMS_VERSIONS.includes(version)) {
    return { code: 'outdated', message: `version ${version} of the terms of use has been replaced: read and accept the current version (${CURRENT_TERMS_VERSION}) to activate` };
  }
  return { code: 'unknown', message: `unknown version of the terms of use: read and accept the current version (${CURRENT_TERMS_VERSION}) to activate` };
}

/** A document in one language, as the portal serves it. */
export interface LegalDocumentView extends LegalText {
  document: LegalDocument['id'];
  version: string;
  effectiveOn: string;
  language: Language;
}

/** The data controller as configured (OPERATOR_NAME, OPERATOR_CONTACT). */
export interface Operator {
  name: string;
  contact: string;
}

/**
 * A document in one language with the operator filled in where it says {operator} and
 * {contact}: its name and contact when configured, a description of the role otherwise.
 */
export function legalDocumentView(id: LegalDocument['id'], language: Language, operator: Operator | null = null): LegalDocumentView {
  const document = LEGAL_DOCUMENTS[id];
  const wording = OPERATOR_WORDING[language];
  const fill = (text: string) =>
    text.replaceAll('{operator}', operator ? operator.name : wording.unnamed).replaceAll('{contact}', operator ? wording.contact(operator.contact) : '');
  const { title, sections } = document.texts[language];
  return {
    document: id,
    version: document.version,
    effectiveOn: document.effectiveOn,
    language,
    title,
    sections: sections.map((section) => ({ heading: section.heading, paragraphs: section.paragraphs.map(fill) })),
  };
}

import { LANGUAGES } from '../../languages';
import { ACCOUNT_INACTIVITY_MONTHS, CARD_RECORD_RETENTION_MONTHS, ORPHAN_ACCOUNT_GRACE_DAYS, AUDIT_RETENTION_MONTHS } from '../../retention/retention-policy';
import { FAILED_ATTEMPT_RETENTION_HOURS } from '../../retention/portal-housekeeping-policy';
import { LINK_MAX_FAILURES } from '../domain/link-lockout';
import { MAX_CASCADE_NUMBERS } from '../domain/cascade-numbers';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../domain/sessions';
import { OPERATOR_WORDING } from './privacy';
import { CURRENT_TERMS_VERSION, LEGAL_DOCUMENTS, PAST_TERMS_VERSIONS, legalDocumentView, termsVersionProblem } from './legal-documents';

const plain = (id: 'terms' | 'privacy', language: (typeof LANGUAGES)[number]) => {
  const text = LEGAL_DOCUMENTS[id].texts[language];
  return [text.title, ...text.sections.flatMap((s) => [s.heading, ...s.paragraphs])].join('\n');
};

const plainView = (id: 'terms' | 'privacy', language: (typeof LANGUAGES)[number], operator: { name: string; contact: string } | null) => {
  const view = legalDocumentView(id, language, operator);
  return view.sections.flatMap((s) => s.paragraphs).join('\n');
};

describe('the terms of use and the privacy statement', () => {
  it.each(Object.keys(LEGAL_DOCUMENTS) as ('terms' | 'privacy')[])('given the %s, then every language has the same sections, none empty, each translated (not the English text)', (id) => {
    const document = LEGAL_DOCUMENTS[id];
    expect(document.version).toMatch(/^\d{4}-(0[1-9]|1[0-2])$/);
    expect(document.effectiveOn.startsWith(document.version)).toBe(true);
    const english = document.texts.en;
    for (const language of LANGUAGES) {
      const text = document.texts[language];
      expect([language, text.sections.map((s) => s.paragraphs.length)]).toEqual([language, english.sections.map((s) => s.paragraphs.length)]);
      for (const part of [text.title, ...text.sections.flatMap((s) => [s.heading, ...s.paragraphs])]) expect(part.trim().length).toBeGreaterThan(3);
      if (language === 'en') continue;
      const paragraphs = text.sections.flatMap((s) => s.paragraphs);
      english.sections.flatMap((s) => s.paragraphs).forEach((paragraph, i) => expect([language, i, paragraphs[i] === paragraph]).toEqual([language, i, false]));
    }
  });

  it('given the terms version, then the activation accepts only the current one, and tells an outdated version from an unknown one', () => {
    expect(CURRENT_TERMS_VERSION).toBe(LEGAL_DOCUMENTS.terms.version);
    expect(PAST_TERMS_VERSIONS).not.toContain(CURRENT_TERMS_VERSION);
    expect(termsVersionProblem(CURRENT_TERMS_VERSION)).toBeNull();
    expect(termsVersionProblem('2025-01')).toEqual({ code: 'outdated', message: expect.stringContaining(`current version (${CURRENT_TERMS_VERSION})`) });
    for (const version of ['', '2099-01', CURRENT_TERMS_VERSION.toLowerCase() + ' ', 'latest']) {
      expect([version, termsVersionProblem(version)?.code]).toEqual([version, 'unknown']);
    }
    expect(legalDocumentView('terms', 'nl')).toMatchObject({ document: 'terms', version: CURRENT_TERMS_VERSION, language: 'nl', title: 'Gebruiksvoorwaarden' });
  });

  it('given an operator configured or not, then the privacy statement names it and its contact in every language, or describes the role, with no placeholder left', () => {
    const operator = { name: 'Ville de Bruxelles', contact: 'privacy@ville.example' };
    for (const language of LANGUAGES) {
      const named = JSON.stringify(legalDocumentView('privacy', language, operator));
      const unnamed = JSON.stringify(legalDocumentView('privacy', language, null));
      expect([language, named.includes(operator.name), named.includes(operator.contact)]).toEqual([language, true, true]);
      expect([language, /\{operator\}|\{contact\}/.test(named), /\{operator\}|\{contact\}/.test(unnamed)]).toEqual([language, false, false]);
      expect([language, unnamed.includes(OPERATOR_WORDING[language].unnamed)]).toEqual([language, true]);
    }
    // The contact closes the sentence that tells parents where to write.
    expect(plainView('privacy', 'en', operator)).toContain('contact the operator: privacy@ville.example.');
    expect(plainView('privacy', 'fr', operator)).toContain("adressez-vous à l'exploitant : privacy@ville.example.");
    expect(plainView('privacy', 'en', operator)).toContain('run by Ville de Bruxelles (the operator)');
    expect(plainView('privacy', 'en', null)).toContain('contact the operator. You may');
    // The terms carry no placeholder: filling them changes nothing.
    expect(legalDocumentView('terms', 'de', operator).sections).toEqual(LEGAL_DOCUMENTS.terms.texts.de.sections);
  });

  it('given the privacy statement, then the durations and limits it states are the ones the code applies', () => {
    // The code's figures, as the statement writes them in English.
    expect(CARD_RECORD_RETENTION_MONTHS).toBe(42);
    expect(ACCOUNT_INACTIVITY_MONTHS).toBe(42);
    expect(AUDIT_RETENTION_MONTHS).toBe(42);
    const en = plain('privacy', 'en');
    expect(en).toContain('deleted 3 years and 6 months after the card was made');
    expect(en).toContain('inactive for 3 years and 6 months');
    expect(en).toContain(`${ORPHAN_ACCOUNT_GRACE_DAYS} days after it is left without any child`);
    expect(en).toContain(`after ${SESSION_IDLE_MS / 60_000} minutes without use, and after ${SESSION_ABSOLUTE_MS / 3_600_000} hours`);
    expect(en).toContain(`after ${LINK_MAX_FAILURES} wrong tries`);
    // The portal's daily housekeeping (retention/portal-housekeeping-policy.ts).
    expect(FAILED_ATTEMPT_RETENTION_HOURS).toBe(24);
    expect(en).toContain('both deleted after 1 day');
    expect(en).toContain('deleted within a day after they are used or expire');
    expect(en).toContain('a recovery code once used is deleted within a day');
    expect(plain('terms', 'en')).toContain(`up to seven numbers`);
    expect(MAX_CASCADE_NUMBERS).toBe(7);
    // Every translation states the same figures.
    for (const language of LANGUAGES) {
      const text = plain('privacy', language);
      for (const figure of [' 3 ', ' 6 ', ` ${ORPHAN_ACCOUNT_GRACE_DAYS} `, ` ${SESSION_IDLE_MS / 60_000} `, ` ${SESSION_ABSOLUTE_MS / 3_600_000} `, ` ${LINK_MAX_FAILURES} `, 'argon2id', ' 1 ']) {
        expect([language, figure, text.includes(figure)]).toEqual([language, figure, true]);
      }
    }
  });
});

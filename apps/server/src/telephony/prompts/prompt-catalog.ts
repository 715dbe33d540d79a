import { readFileSync } from 'node:fs';

import { LANGUAGES, Language } from '../../languages';

export { LANGUAGES };
export type { Language };

/** espeak-ng voices for the rendered prompts and the children's names, per language. */
export const ESPEAK_VOICES: Record<Language, string> = { fr: 'fr-be', nl: 'nl', de: 'de', en: 'en-gb' };

export interface PromptCatalog {
  digits: Record<Language, string[]>;
  /** A to Z, to read a contact code out character by character. */
  letters: Record<Language, string[]>;
  prompts: Record<string, Record<Language, string>>;
}

/** Reads and checks the catalog: every prompt, all ten digits and the 26 letters in every language. */
export function loadPromptCatalog(file: string): PromptCatalog {
  const catalog = JSON.parse(readFileSync(file, 'utf8')) as PromptCatalog;
  const problems: string[] = [];
  for (const lang of LANGUAGES) {
    if (catalog.digits?.[lang]?.length !== 10) problems.push(`digits for ${lang} must list 0 to 9`);
    if (catalog.letters?.[lang]?.length !== 26) problems.push(`letters for ${lang} must list A to Z`);
    for (const [id, texts] of Object.entries(catalog.prompts ?? {})) {
      if (!texts[lang]?.trim()) problems.push(`prompt '${id}' has no ${lang} text`);
    }
  }
  if (problems.length) throw new Error(`${file}: ${problems.join('; ')}`);
  return catalog;
}

/**
 * Asterisk media URIs. The language is part of the path (sounds/alloparents/<lang>/) rather than
 * left to the channel's language, so one call can mix languages (the language menu) and the
 * files live in a directory the service owns.
 */
export const promptSound = (lang: Language, id: string) => `sound:alloparents/${lang}/${id}`;
export const digitSound = (lang: Language, digit: string) => `sound:alloparents/${lang}/digits/${digit}`;
/** `letter` is one of A-Z (upper case). */
export const letterSound = (lang: Language, letter: string) => `sound:alloparents/${lang}/letters/${letter.toLowerCase()}`;

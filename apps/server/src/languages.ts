/**
 * The languages the service speaks: on the phone (prompts, the child's name), in mail, in the legal
 * texts and on the parents' web page. This list is the only one; everything else imports it (the
 * web page gets it from GET /languages.js). A new language is a code here plus its texts: the
 * prompt catalog, the mail templates, the legal documents and the page's i18n file, which the
 * type checker and the tests then ask for.
 */
/** In the order of the finder's language menu: key 1 is French, 2 Dutch, 3 German, 4 English. */
export const LANGUAGES = ['fr', 'nl', 'de', 'en'] as const;

export type Language = (typeof LANGUAGES)[number];

/** Each language's name in itself, for the page's language selector. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { fr: 'Français', nl: 'Nederlands', de: 'Deutsch', en: 'English' };

export function isLanguage(value: unknown): value is Language {
  return (LANGUAGES as readonly unknown[]).includes(value);
}

/** "fr, nl, de or en", for messages that name the accepted codes. */
export const LANGUAGE_CHOICES = `${LANGUAGES.slice(0, -1).join(', ')} or ${LANGUAGES[LANGUAGES.length - 1]}`;

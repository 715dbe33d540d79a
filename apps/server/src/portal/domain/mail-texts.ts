import { Language } from '../../languages';

export type MailKind = 'verify-email' | 'reset-password' | 'already-registered' | 'cascade-suspended' | 'cascade-resumed';

interface Template {
  subject: string;
  /** `{link}` is replaced by the mailed link. */
  text: string;
}

/**
 * What the portal mails, in the parent's language: the language of the page they were on when
 * they asked (the account keeps no language), else the deployment's DEFAULT_LANGUAGE.
 */
const TEMPLATES: Record<Language, Record<MailKind, Template>> = {
  fr: {
    'verify-email': {
      subject: 'Allo Parents : confirmez votre adresse e-mail',
      text: "Bonjour,\n\nPour confirmer votre adresse e-mail et activer votre compte Allo Parents, ouvrez ce lien (valable 24 heures) :\n{link}\n\nSi vous n'avez pas créé de compte, ignorez ce message.",
    },
    'reset-password': {
      subject: 'Allo Parents : choisissez un nouveau mot de passe',
      text: "Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable 1 heure) :\n{link}\n\nSi vous n'avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.",
    },
    'already-registered': {
      subject: "Allo Parents : quelqu'un a voulu créer un compte avec votre adresse",
      text: "Bonjour,\n\nUn compte Allo Parents existe déjà avec cette adresse. Si c'était vous, connectez-vous ou choisissez un nouveau mot de passe (« Mot de passe oublié ») ; sinon, ignorez ce message.",
    },
    'cascade-suspended': {
      subject: 'Allo Parents : la cascade de votre enfant est suspendue',
      text: "Bonjour,\n\nL'opérateur du service a suspendu la cascade d'appels de votre enfant. Tant qu'elle est suspendue, une personne qui appelle au sujet de votre enfant est mise en relation directement avec Child Focus (116 000), et vos numéros ne sont pas appelés.\n\nPour toute question, contactez l'opérateur du service (voir la déclaration de confidentialité sur le portail).",
    },
    'cascade-resumed': {
      subject: "Allo Parents : la cascade de votre enfant fonctionne à nouveau",
      text: "Bonjour,\n\nL'opérateur du service a levé la suspension de la cascade d'appels de votre enfant : vos numéros sont de nouveau appelés dans l'ordre choisi. Vérifiez-les sur le portail.",
    },
  },
  nl: {
    'verify-email': {
      subject: 'Allo Parents: bevestig uw e-mailadres',
      text: 'Goeddag,\n\nOpen deze link om uw e-mailadres te bevestigen en uw Allo Parents-account te activeren (24 uur geldig):\n{link}\n\nHebt u geen account aangemaakt? Dan kunt u dit bericht negeren.',
    },
    'reset-password': {
      subject: 'Allo Parents: kies een nieuw wachtwoord',
      text: 'Goeddag,\n\nOpen deze link om een nieuw wachtwoord te kiezen (1 uur geldig):\n{link}\n\nHebt u niets aangevraagd? Negeer dan dit bericht: uw wachtwoord blijft ongewijzigd.',
    },
    'already-registered': {
      subject: 'Allo Parents: iemand wilde een account aanmaken met uw adres',
      text: 'Goeddag,\n\nEr bestaat al een Allo Parents-account met dit adres. Was u dat zelf? Meld u dan aan of kies een nieuw wachtwoord ("Wachtwoord vergeten"). Zo niet, negeer dan dit bericht.',
    },
    'cascade-suspended': {
      subject: 'Allo Parents: de belketen van uw kind is opgeschort',
      text: 'Goeddag,\n\nDe beheerder van de dienst heeft de belketen van uw kind opgeschort. Zolang ze opgeschort is, wordt wie over uw kind belt meteen doorverbonden met Child Focus (116 000) en worden uw nummers niet gebeld.\n\nMet vragen kunt u terecht bij de beheerder van de dienst (zie de privacyverklaring op het portaal).',
    },
    'cascade-resumed': {
      subject: 'Allo Parents: de belketen van uw kind werkt weer',
      text: 'Goeddag,\n\nDe beheerder van de dienst heeft de opschorting van de belketen van uw kind opgeheven: uw nummers worden weer gebeld in de gekozen volgorde. Controleer ze op het portaal.',
    },
  },
  de: {
    'verify-email': {
      subject: 'Allo Parents: Bestätigen Sie Ihre E-Mail-Adresse',
      text: 'Guten Tag,\n\nÖffnen Sie diesen Link, um Ihre E-Mail-Adresse zu bestätigen und Ihr Allo-Parents-Konto zu aktivieren (24 Stunden gültig):\n{link}\n\nWenn Sie kein Konto angelegt haben, ignorieren Sie diese Nachricht.',
    },
    'reset-password': {
      subject: 'Allo Parents: Wählen Sie ein neues Passwort',
      text: 'Guten Tag,\n\nÖffnen Sie diesen Link, um ein neues Passwort zu wählen (1 Stunde gültig):\n{link}\n\nWenn Sie nichts angefordert haben, ignorieren Sie diese Nachricht: Ihr Passwort bleibt unverändert.',
    },
    'already-registered': {
      subject: 'Allo Parents: Jemand wollte mit Ihrer Adresse ein Konto anlegen',
      text: 'Guten Tag,\n\nMit dieser Adresse besteht bereits ein Allo-Parents-Konto. Wenn Sie das waren, melden Sie sich an oder wählen Sie ein neues Passwort („Passwort vergessen“); andernfalls ignorieren Sie diese Nachricht.',
    },
    'cascade-suspended': {
      subject: 'Allo Parents: Die Anrufkette Ihres Kindes ist ausgesetzt',
      text: 'Guten Tag,\n\nDer Betreiber des Dienstes hat die Anrufkette Ihres Kindes ausgesetzt. Solange sie ausgesetzt ist, wird jemand, der wegen Ihres Kindes anruft, direkt mit Child Focus (116 000) verbunden, und Ihre Nummern werden nicht angerufen.\n\nBei Fragen wenden Sie sich an den Betreiber des Dienstes (siehe die Datenschutzerklärung im Portal).',
    },
    'cascade-resumed': {
      subject: 'Allo Parents: Die Anrufkette Ihres Kindes ist wieder aktiv',
      text: 'Guten Tag,\n\nDer Betreiber des Dienstes hat die Aussetzung der Anrufkette Ihres Kindes aufgehoben: Ihre Nummern werden wieder in der gewählten Reihenfolge angerufen. Prüfen Sie sie im Portal.',
    },
  },
  en: {
    'verify-email': {
      subject: 'Allo Parents: confirm your e-mail address',
      text: 'Hello,\n\nOpen this link to confirm your e-mail address and activate your Allo Parents account (valid 24 hours):\n{link}\n\nIf you did not create an account, ignore this message.',
    },
    'reset-password': {
      subject: 'Allo Parents: choose a new password',
      text: 'Hello,\n\nOpen this link to choose a new password (valid 1 hour):\n{link}\n\nIf you did not ask for this, ignore this message: your password stays as it is.',
    },
    'already-registered': {
      subject: 'Allo Parents: someone tried to create an account with your address',
      text: 'Hello,\n\nAn Allo Parents account with this address already exists. If it was you, sign in or choose a new password ("Forgotten password"); otherwise ignore this message.',
    },
    'cascade-suspended': {
      subject: "Allo Parents: your child's cascade is suspended",
      text: "Hello,\n\nThe service's operator has suspended your child's call cascade. While it is suspended, anyone who calls about your child is put straight through to Child Focus (116 000), and your numbers are not called.\n\nFor any question, contact the service's operator (see the privacy statement on the portal).",
    },
    'cascade-resumed': {
      subject: "Allo Parents: your child's cascade works again",
      text: "Hello,\n\nThe service's operator has lifted the suspension of your child's call cascade: your numbers are called again in the order you chose. Check them on the portal.",
    },
  },
};

export function mailText(kind: MailKind, language: Language, link = ''): { subject: string; text: string } {
  const template = TEMPLATES[language][kind];
  return { subject: template.subject, text: template.text.split('{link}').join(link) };
}

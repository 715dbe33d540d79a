import { Language } from '../../languages';

export type MailKind =
  | 'verify-email'
  | 'reset-password'
  | 'already-registered'
  | 'cascade-suspended'
  | 'cascade-resumed'
  // Notices (apps/server/src/notices): {name} is the child's first name, {link} the portal, {day}/{until} dates, {position} a number's place in the list.
  | 'notice-blocked-new-card'
  | 'notice-blocked-card-revoked'
  | 'notice-blocked'
  | 'notice-card-expired'
  | 'notice-deletion-soon'
  | 'notice-number-failed'
  | 'notice-number-unverified'
  | 'notice-service-suspended'
  | 'notice-service-resumed';

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
    'notice-blocked-new-card': {
      subject: "Allo Parents : la cascade de votre enfant est bloquée (nouvelle carte)",
      text: "Bonjour,\n\nUne nouvelle carte a été émise pour {name}. La cascade d'appels est bloquée jusqu'à ce qu'un parent saisisse sur le portail le code « Contact Parents » de la lettre jointe à la nouvelle carte :\n{link}\n\nEn attendant, une personne qui appelle au sujet de {name} est mise en relation directement avec Child Focus (116 000), et vos numéros ne sont pas appelés.",
    },
    'notice-blocked-card-revoked': {
      subject: "Allo Parents : la cascade de votre enfant est bloquée (carte révoquée)",
      text: "Bonjour,\n\nLa carte de {name} a été révoquée. La cascade d'appels est bloquée jusqu'à ce qu'un parent saisisse sur le portail le code « Contact Parents » de la lettre jointe à une nouvelle carte :\n{link}\n\nEn attendant, une personne qui appelle au sujet de {name} est mise en relation directement avec Child Focus (116 000), et vos numéros ne sont pas appelés.",
    },
    'notice-blocked': {
      subject: "Allo Parents : la cascade de votre enfant est bloquée",
      text: "Bonjour,\n\nLa cascade d'appels de {name} est bloquée. Pour la réactiver, saisissez sur le portail le code « Contact Parents » de la lettre jointe à la carte la plus récente :\n{link}\n\nEn attendant, une personne qui appelle au sujet de {name} est mise en relation directement avec Child Focus (116 000).",
    },
    'notice-card-expired': {
      subject: "Allo Parents : commandez une nouvelle carte pour votre enfant",
      text: "Bonjour,\n\nLa carte de {name} n'est plus valable depuis le {day}. Commandez une nouvelle carte : la cascade d'appels continue de sonner jusqu'au {until} inclus, puis elle est supprimée avec la carte.\n\nVous pouvez désactiver ce type d'avis sur le portail : {link}",
    },
    'notice-deletion-soon': {
      subject: "Allo Parents : la cascade de votre enfant sera bientôt supprimée",
      text: "Bonjour,\n\nLa durée de conservation de la carte de {name} se termine : la carte et la cascade d'appels seront supprimées le {day}. Ensuite, une personne qui appelle au sujet de {name} sera mise en relation avec Child Focus (116 000). Avec une nouvelle carte, vous pourrez créer une nouvelle cascade sur le portail.\n\nVous pouvez désactiver ce type d'avis sur le portail : {link}",
    },
    'notice-number-failed': {
      subject: "Allo Parents : un numéro de la cascade n'a pas répondu au test",
      text: "Bonjour,\n\nLors du dernier test de la cascade de {name}, le numéro en position {position} n'a pas été confirmé (personne n'a répondu et appuyé sur 1). Vérifiez-le et testez à nouveau la liste sur le portail :\n{link}\n\nVous pouvez désactiver ce type d'avis sur le portail.",
    },
    'notice-number-unverified': {
      subject: "Allo Parents : vérifiez un numéro de la cascade",
      text: "Bonjour,\n\nLe numéro en position {position} de la cascade de {name} n'a plus été confirmé depuis plus de six mois. Testez la liste sur le portail pour vous assurer qu'il fonctionne toujours :\n{link}\n\nVous pouvez désactiver ce type d'avis sur le portail.",
    },
    'notice-service-suspended': {
      subject: "Allo Parents : le service est suspendu",
      text: "Bonjour,\n\nL'opérateur a suspendu le service Allo Parents. Tant qu'il est suspendu, une personne qui appelle au sujet de votre enfant est mise en relation directement avec Child Focus (116 000), et vos numéros ne sont pas appelés. Vous recevrez un message quand le service reprendra.\n\nVous pouvez désactiver ce type d'avis sur le portail : {link}",
    },
    'notice-service-resumed': {
      subject: "Allo Parents : le service fonctionne à nouveau",
      text: "Bonjour,\n\nL'opérateur a rétabli le service Allo Parents : vos numéros sont de nouveau appelés dans l'ordre choisi.\n\nVous pouvez désactiver ce type d'avis sur le portail : {link}",
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
    'notice-blocked-new-card': {
      subject: "Allo Parents: de belketen van uw kind is geblokkeerd (nieuwe kaart)",
      text: "Goeddag,\n\nEr is een nieuwe kaart uitgegeven voor {name}. De belketen blijft geblokkeerd tot een ouder op het portaal de code \"Contact Ouders\" invoert uit de brief bij de nieuwe kaart:\n{link}\n\nIntussen wordt wie over {name} belt meteen doorverbonden met Child Focus (116 000) en worden uw nummers niet gebeld.",
    },
    'notice-blocked-card-revoked': {
      subject: "Allo Parents: de belketen van uw kind is geblokkeerd (kaart ingetrokken)",
      text: "Goeddag,\n\nDe kaart van {name} is ingetrokken. De belketen blijft geblokkeerd tot een ouder op het portaal de code \"Contact Ouders\" invoert uit de brief bij een nieuwe kaart:\n{link}\n\nIntussen wordt wie over {name} belt meteen doorverbonden met Child Focus (116 000) en worden uw nummers niet gebeld.",
    },
    'notice-blocked': {
      subject: "Allo Parents: de belketen van uw kind is geblokkeerd",
      text: "Goeddag,\n\nDe belketen van {name} is geblokkeerd. Voer op het portaal de code \"Contact Ouders\" in uit de brief bij de nieuwste kaart om ze weer te activeren:\n{link}\n\nIntussen wordt wie over {name} belt meteen doorverbonden met Child Focus (116 000).",
    },
    'notice-card-expired': {
      subject: "Allo Parents: bestel een nieuwe kaart voor uw kind",
      text: "Goeddag,\n\nDe kaart van {name} is niet meer geldig sinds {day}. Bestel een nieuwe kaart: de belketen blijft bellen tot en met {until} en wordt daarna samen met de kaart gewist.\n\nU kunt dit soort berichten uitschakelen op het portaal: {link}",
    },
    'notice-deletion-soon': {
      subject: "Allo Parents: de belketen van uw kind wordt binnenkort gewist",
      text: "Goeddag,\n\nDe bewaartermijn van de kaart van {name} loopt af: de kaart en de belketen worden gewist op {day}. Daarna wordt wie over {name} belt doorverbonden met Child Focus (116 000). Met een nieuwe kaart kunt u op het portaal een nieuwe belketen aanmaken.\n\nU kunt dit soort berichten uitschakelen op het portaal: {link}",
    },
    'notice-number-failed': {
      subject: "Allo Parents: een nummer van de belketen antwoordde niet bij de test",
      text: "Goeddag,\n\nBij de laatste test van de belketen van {name} werd het nummer op plaats {position} niet bevestigd (niemand nam op en drukte op 1). Controleer het en test de lijst opnieuw op het portaal:\n{link}\n\nU kunt dit soort berichten uitschakelen op het portaal.",
    },
    'notice-number-unverified': {
      subject: "Allo Parents: controleer een nummer van de belketen",
      text: "Goeddag,\n\nHet nummer op plaats {position} van de belketen van {name} is al meer dan zes maanden niet bevestigd. Test de lijst op het portaal om zeker te zijn dat het nog werkt:\n{link}\n\nU kunt dit soort berichten uitschakelen op het portaal.",
    },
    'notice-service-suspended': {
      subject: "Allo Parents: de dienst is opgeschort",
      text: "Goeddag,\n\nDe beheerder heeft de dienst Allo Parents opgeschort. Zolang ze opgeschort is, wordt wie over uw kind belt meteen doorverbonden met Child Focus (116 000) en worden uw nummers niet gebeld. U krijgt een bericht wanneer de dienst hervat.\n\nU kunt dit soort berichten uitschakelen op het portaal: {link}",
    },
    'notice-service-resumed': {
      subject: "Allo Parents: de dienst werkt weer",
      text: "Goeddag,\n\nDe beheerder heeft de dienst Allo Parents hervat: uw nummers worden weer gebeld in de gekozen volgorde.\n\nU kunt dit soort berichten uitschakelen op het portaal: {link}",
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
    'notice-blocked-new-card': {
      subject: "Allo Parents: Die Anrufkette Ihres Kindes ist gesperrt (neue Karte)",
      text: "Guten Tag,\n\nFür {name} wurde eine neue Karte ausgestellt. Die Anrufkette bleibt gesperrt, bis ein Elternteil im Portal den Code „Kontakt Eltern“ aus dem Brief zur neuen Karte eingibt:\n{link}\n\nBis dahin wird, wer {name} findet und anruft, direkt mit Child Focus (116 000) verbunden, und Ihre Nummern werden nicht angerufen.",
    },
    'notice-blocked-card-revoked': {
      subject: "Allo Parents: Die Anrufkette Ihres Kindes ist gesperrt (Karte widerrufen)",
      text: "Guten Tag,\n\nDie Karte für {name} wurde widerrufen. Die Anrufkette bleibt gesperrt, bis ein Elternteil im Portal den Code „Kontakt Eltern“ aus dem Brief zu einer neuen Karte eingibt:\n{link}\n\nBis dahin wird, wer {name} findet und anruft, direkt mit Child Focus (116 000) verbunden, und Ihre Nummern werden nicht angerufen.",
    },
    'notice-blocked': {
      subject: "Allo Parents: Die Anrufkette Ihres Kindes ist gesperrt",
      text: "Guten Tag,\n\nDie Anrufkette für {name} ist gesperrt. Geben Sie im Portal den Code „Kontakt Eltern“ aus dem Brief zur neuesten Karte ein, um sie wieder zu aktivieren:\n{link}\n\nBis dahin wird, wer {name} findet und anruft, direkt mit Child Focus (116 000) verbunden.",
    },
    'notice-card-expired': {
      subject: "Allo Parents: Bestellen Sie eine neue Karte für Ihr Kind",
      text: "Guten Tag,\n\nDie Karte für {name} ist seit dem {day} nicht mehr gültig. Bestellen Sie eine neue Karte: Die Anrufkette klingelt noch bis einschließlich {until} und wird danach mit der Karte gelöscht.\n\nSie können diese Art von Hinweisen im Portal abschalten: {link}",
    },
    'notice-deletion-soon': {
      subject: "Allo Parents: Die Anrufkette Ihres Kindes wird bald gelöscht",
      text: "Guten Tag,\n\nDie Aufbewahrungsfrist der Karte für {name} läuft ab: Karte und Anrufkette werden am {day} gelöscht. Danach wird, wer {name} findet und anruft, mit Child Focus (116 000) verbunden. Mit einer neuen Karte können Sie im Portal eine neue Anrufkette anlegen.\n\nSie können diese Art von Hinweisen im Portal abschalten: {link}",
    },
    'notice-number-failed': {
      subject: "Allo Parents: Eine Nummer der Anrufkette hat beim Test nicht geantwortet",
      text: "Guten Tag,\n\nBeim letzten Test der Anrufkette für {name} wurde die Nummer an Position {position} nicht bestätigt (niemand hat abgenommen und 1 gedrückt). Prüfen Sie sie und testen Sie die Liste im Portal erneut:\n{link}\n\nSie können diese Art von Hinweisen im Portal abschalten.",
    },
    'notice-number-unverified': {
      subject: "Allo Parents: Prüfen Sie eine Nummer der Anrufkette",
      text: "Guten Tag,\n\nDie Nummer an Position {position} der Anrufkette für {name} wurde seit mehr als sechs Monaten nicht bestätigt. Testen Sie die Liste im Portal, um sicherzugehen, dass sie noch funktioniert:\n{link}\n\nSie können diese Art von Hinweisen im Portal abschalten.",
    },
    'notice-service-suspended': {
      subject: "Allo Parents: Der Dienst ist ausgesetzt",
      text: "Guten Tag,\n\nDer Betreiber hat den Dienst Allo Parents ausgesetzt. Solange er ausgesetzt ist, wird jemand, der wegen Ihres Kindes anruft, direkt mit Child Focus (116 000) verbunden, und Ihre Nummern werden nicht angerufen. Sie erhalten eine Nachricht, wenn der Dienst wieder läuft.\n\nSie können diese Art von Hinweisen im Portal abschalten: {link}",
    },
    'notice-service-resumed': {
      subject: "Allo Parents: Der Dienst funktioniert wieder",
      text: "Guten Tag,\n\nDer Betreiber hat den Dienst Allo Parents wieder aufgenommen: Ihre Nummern werden wieder in der gewählten Reihenfolge angerufen.\n\nSie können diese Art von Hinweisen im Portal abschalten: {link}",
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
    'notice-blocked-new-card': {
      subject: "Allo Parents: your child's cascade is blocked (new card)",
      text: "Hello,\n\nA new card was issued for {name}. The call cascade stays blocked until a parent enters on the portal the \"Contact Parents\" code from the letter sent with the new card:\n{link}\n\nUntil then, anyone who calls about {name} is put straight through to Child Focus (116 000), and your numbers are not called.",
    },
    'notice-blocked-card-revoked': {
      subject: "Allo Parents: your child's cascade is blocked (card revoked)",
      text: "Hello,\n\nThe issuing authority revoked {name}'s card. The call cascade stays blocked until a parent enters on the portal the \"Contact Parents\" code from the letter sent with a new card:\n{link}\n\nUntil then, anyone who calls about {name} is put straight through to Child Focus (116 000), and your numbers are not called.",
    },
    'notice-blocked': {
      subject: "Allo Parents: your child's cascade is blocked",
      text: "Hello,\n\nThe call cascade for {name} is blocked. To activate it again, enter on the portal the \"Contact Parents\" code from the letter sent with the newest card:\n{link}\n\nUntil then, anyone who calls about {name} is put straight through to Child Focus (116 000).",
    },
    'notice-card-expired': {
      subject: "Allo Parents: order a new card for your child",
      text: "Hello,\n\nThe card for {name} is no longer valid since {day}. Order a new card: the call cascade keeps ringing until {until} included, then it is deleted with the card.\n\nYou can turn this kind of notice off on the portal: {link}",
    },
    'notice-deletion-soon': {
      subject: "Allo Parents: your child's cascade will soon be deleted",
      text: "Hello,\n\nThe retention period of {name}'s card is ending: the card and the call cascade will be deleted on {day}. After that, anyone who calls about {name} is put through to Child Focus (116 000). With a new card you can set up a new cascade on the portal.\n\nYou can turn this kind of notice off on the portal: {link}",
    },
    'notice-number-failed': {
      subject: "Allo Parents: a number of the cascade did not answer its test",
      text: "Hello,\n\nIn the last test of {name}'s cascade, the number in position {position} was not confirmed (nobody answered and pressed 1). Check it and test the list again on the portal:\n{link}\n\nYou can turn this kind of notice off on the portal.",
    },
    'notice-number-unverified': {
      subject: "Allo Parents: check a number of the cascade",
      text: "Hello,\n\nThe number in position {position} of {name}'s cascade has not been confirmed for more than six months. Test the list on the portal to make sure it still works:\n{link}\n\nYou can turn this kind of notice off on the portal.",
    },
    'notice-service-suspended': {
      subject: "Allo Parents: the service is suspended",
      text: "Hello,\n\nThe operator has suspended the Allo Parents service. While it is suspended, anyone who calls about your child is put straight through to Child Focus (116 000), and your numbers are not called. You will get a message when the service resumes.\n\nYou can turn this kind of notice off on the portal: {link}",
    },
    'notice-service-resumed': {
      subject: "Allo Parents: the service works again",
      text: "Hello,\n\nThe operator has resumed the Allo Parents service: your numbers are called again in the order you chose.\n\nYou can turn this kind of notice off on the portal: {link}",
    },
  },
};

/** `vars` fill the notices' other placeholders ({name}, {day}…); `{link}` is the mailed link. */
/** Stands for the child's first name when it cannot be read (a revoked card keeps no name); fits every sentence that names the child. */
export const CHILD_WITHOUT_NAME: Readonly<Record<Language, string>> = { fr: 'votre enfant', nl: 'uw kind', de: 'Ihr Kind', en: 'your child' };

export function mailText(kind: MailKind, language: Language, link = '', vars: Readonly<Record<string, string>> = {}): { subject: string; text: string } {
  const template = TEMPLATES[language][kind];
  const fill = (text: string) => Object.entries({ ...vars, link }).reduce((out, [name, value]) => out.split(`{${name}}`).join(value), text);
  return { subject: template.subject, text: fill(template.text) };
}

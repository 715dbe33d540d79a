import type { Language } from '../../languages';
import type { LegalDocument } from './legal-documents';

/**
 * The privacy statement: what the system really keeps (docs/data.md is the technical version;
 * keep both true to the code: retention in retention/retention-policy.ts and
 * CALL_RECORD_RETENTION_DAYS, sessions in portal/domain/sessions.ts).
 */
/**
 * How each language names the operator where the statement says {operator} and gives its contact
 * where it says {contact}: OPERATOR_NAME and OPERATOR_CONTACT when configured, a description of
 * the role otherwise (legal-documents.ts fills them in).
 */
export const OPERATOR_WORDING: Record<Language, { unnamed: string; contact: (contact: string) => string }> = {
  en: { unnamed: 'the organisation that operates this Allo Parents installation', contact: (contact) => `: ${contact}` },
  fr: { unnamed: "l'organisation qui exploite cette installation d'Allo Parents", contact: (contact) => ` : ${contact}` },
  nl: { unnamed: 'de organisatie die deze installatie van Allo Parents beheert', contact: (contact) => `: ${contact}` },
  de: { unnamed: 'der Betreiberorganisation dieser Allo-Parents-Installation', contact: (contact) => `: ${contact}` },
};

export const PRIVACY_STATEMENT: LegalDocument = {
  id: 'privacy',
  version: '2026-11',
  effectiveOn: '2026-11-30',
  texts: {
    en: {
      title: 'Privacy statement',
      sections: [
        {
          heading: 'In short',
          paragraphs: [
            'We keep only what is needed to call you when your child is found, we protect it, and we delete it on a fixed schedule. Nothing is sold or used for anything else: no advertising, no profiling, no automated decisions about anyone.',
            'The service is run by {operator} (the operator), on its own servers. The operator decides what is kept and why: it is the data controller. The software is open source.',
          ],
        },
        {
          heading: 'About your child',
          paragraphs: [
            "The authority that issues the identity card sends us the child's national register number, the card's date, the child's first and last name, and the \"Contact Parents\" code mailed to you.",
            "The national register number is not stored as such: only a keyed fingerprint of it, enough to find the list when a finder types the number. The name and the code are encrypted. The child's first name may be spoken to the parent who answers a call.",
            "When a new card is issued, the name and code of the old card are erased. The card's record, with the list of numbers, is deleted 3 years and 6 months after the card was made.",
          ],
        },
        {
          heading: 'About you',
          paragraphs: [
            'Your e-mail address (encrypted, plus a keyed fingerprint to sign you in) and when you confirmed it; your password, only as a one-way hash (argon2id) that cannot be turned back into the password.',
            'If you sign in through an OpenID Connect provider (such as a government login): which provider, a keyed fingerprint of your identifier there (never the identifier itself, which can be a national register number), and when the link was made and last used.',
            'If you turn on two-step sign-in: the secret your authenticator app shares with us (encrypted) and fingerprints of your recovery codes, until you turn it off (a recovery code once used is deleted within a day).',
            'Your sessions: your browser holds a random token in a cookie and we keep only its fingerprint. A session ends after 15 minutes without use, and after 12 hours in any case; its record is deleted within a day after it ends. The links we e-mail you (to confirm your address, to choose a new password) are deleted within a day after they are used or expire.',
            'The children you manage, and for each list: the numbers, their country and label, the language of the calls, and your consent (the version of the terms you accepted, and when).',
            'A record of the actions taken on the lists (which account did what, with counts), never your numbers or labels, kept 3 years and 6 months. Failed attempts at linking a child, as fingerprints only, to stop guessing after 5 wrong tries, and the times of wrong two-step sign-in codes: both deleted after 1 day.',
          ],
        },
        {
          heading: 'About the calls',
          paragraphs: [
            "For each call: when it started and ended and how it ended; keyed fingerprints of the caller's number and of the number they typed (to limit abuse and to show you the history of your child's calls); and for each of your numbers that rang: its position, its label, the result and the times. The caller's number itself is not stored, and no conversation is recorded.",
            'These call records are kept 6 months, unless the operator sets another period, then deleted.',
            "When you answer, you can hear the caller's number (key 2) to call them back. If nobody answers, the hotline receives the caller's call and number, not your data.",
          ],
        },
        {
          heading: 'Who receives what',
          paragraphs: [
            'To ring your phones, your numbers are passed to the telephone network that carries the calls. To write to you, your e-mail address is passed to the mail server that delivers our messages. No one else receives your data.',
          ],
        },
        {
          heading: 'How long',
          paragraphs: [
            'Your account is deleted when every list it manages has been inactive for 3 years and 6 months, or 7 days after it is left without any child. Deleting a list or your account yourself takes effect at once.',
          ],
        },
        {
          heading: 'Protection',
          paragraphs: [
            'Fingerprints and encryption use keys kept outside the database, so a copy of the database alone reveals no national register number, name, code or e-mail address. The logs never contain them, nor your phone numbers.',
          ],
        },
        {
          heading: 'Your rights',
          paragraphs: [
            'In your account you can see and download all the data held about you (as a JSON file), correct your numbers, withdraw your consent by deleting the list, and delete your account.',
            'For any other question, or to exercise your rights in another way, contact the operator{contact}. You may also complain to the data protection authority (in Belgium, the Data Protection Authority).',
          ],
        },
      ],
    },
    fr: {
      title: 'Déclaration de confidentialité',
      sections: [
        {
          heading: 'En bref',
          paragraphs: [
            "Nous ne gardons que ce qu'il faut pour vous appeler quand votre enfant est trouvé, nous le protégeons, et nous le supprimons selon un calendrier fixe. Rien n'est vendu ni utilisé à d'autres fins : pas de publicité, pas de profilage, aucune décision automatisée concernant qui que ce soit.",
            "Le service est assuré par {operator} (l'exploitant), sur ses propres serveurs. L'exploitant décide de ce qui est conservé et pourquoi : il est le responsable du traitement. Le logiciel est libre.",
          ],
        },
        {
          heading: 'Concernant votre enfant',
          paragraphs: [
            "L'autorité qui émet la carte d'identité nous transmet le numéro de registre national de l'enfant, la date de la carte, le prénom et le nom de l'enfant, et le code « Contact Parents » qui vous est envoyé.",
            "Le numéro de registre national n'est pas conservé tel quel : seule une empreinte à clé l'est, suffisante pour retrouver la liste quand l'appelant tape le numéro. Le nom et le code sont chiffrés. Le prénom de l'enfant peut être annoncé au parent qui répond à un appel.",
            "Quand une nouvelle carte est émise, le nom et le code de l'ancienne carte sont effacés. La fiche de la carte, avec la liste de numéros, est supprimée 3 ans et 6 mois après la création de la carte.",
          ],
        },
        {
          heading: 'Vous concernant',
          paragraphs: [
            "Votre adresse e-mail (chiffrée, plus une empreinte à clé pour vous connecter) et la date à laquelle vous l'avez confirmée ; votre mot de passe, uniquement sous forme d'empreinte à sens unique (argon2id) dont on ne peut pas retrouver le mot de passe.",
            "Si vous vous connectez par un fournisseur OpenID Connect (comme une connexion des autorités) : quel fournisseur, une empreinte à clé de votre identifiant chez lui (jamais l'identifiant lui-même, qui peut être un numéro de registre national), et quand le lien a été créé et utilisé pour la dernière fois.",
            "Si vous activez la connexion en deux étapes : le secret partagé avec votre application d'authentification (chiffré) et les empreintes de vos codes de secours, jusqu'à ce que vous la désactiviez (un code de secours utilisé est supprimé dans la journée).",
            "Vos sessions : votre navigateur garde un jeton aléatoire dans un cookie et nous n'en gardons que l'empreinte. Une session prend fin après 15 minutes sans utilisation, et après 12 heures dans tous les cas ; sa trace est supprimée dans la journée qui suit. Les liens que nous vous envoyons par e-mail (pour confirmer votre adresse, pour choisir un nouveau mot de passe) sont supprimés dans la journée qui suit leur utilisation ou leur expiration.",
            "Les enfants que vous gérez et, pour chaque liste : les numéros, leur pays et leur libellé, la langue des appels, et votre consentement (la version des conditions acceptée, et quand).",
            "Un journal des actions faites sur les listes (quel compte a fait quoi, avec des nombres), jamais vos numéros ni vos libellés, gardé 3 ans et 6 mois. Les tentatives manquées de lier un enfant, sous forme d'empreintes uniquement, pour bloquer les essais au hasard après 5 erreurs, et les heures des codes de connexion en deux étapes erronés : les deux sont supprimés après 1 jour.",
          ],
        },
        {
          heading: 'Concernant les appels',
          paragraphs: [
            "Pour chaque appel : quand il a commencé et fini, et comment il s'est terminé ; des empreintes à clé du numéro de l'appelant et du numéro qu'il a tapé (pour limiter les abus et vous montrer l'historique des appels de votre enfant) ; et pour chacun de vos numéros qui a sonné : sa position, son libellé, le résultat et les heures. Le numéro de l'appelant lui-même n'est pas conservé, et aucune conversation n'est enregistrée.",
            "Ces traces d'appel sont gardées 6 mois, sauf si l'exploitant fixe une autre durée, puis supprimées.",
            "Quand vous répondez, vous pouvez entendre le numéro de l'appelant (touche 2) pour le rappeler. Si personne ne répond, la ligne d'aide reçoit l'appel et le numéro de l'appelant, pas vos données.",
          ],
        },
        {
          heading: 'Qui reçoit quoi',
          paragraphs: [
            "Pour faire sonner vos téléphones, vos numéros sont transmis au réseau téléphonique qui achemine les appels. Pour vous écrire, votre adresse e-mail est transmise au serveur de messagerie qui distribue nos messages. Personne d'autre ne reçoit vos données.",
          ],
        },
        {
          heading: 'Combien de temps',
          paragraphs: [
            "Votre compte est supprimé quand toutes les listes qu'il gère sont inactives depuis 3 ans et 6 mois, ou 7 jours après qu'il s'est retrouvé sans aucun enfant. Si vous supprimez vous-même une liste ou votre compte, c'est immédiat.",
          ],
        },
        {
          heading: 'Protection',
          paragraphs: [
            "Les empreintes et le chiffrement utilisent des clés gardées hors de la base de données : une copie de la base seule ne révèle aucun numéro de registre national, nom, code ni adresse e-mail. Les journaux techniques n'en contiennent jamais, pas plus que vos numéros de téléphone.",
          ],
        },
        {
          heading: 'Vos droits',
          paragraphs: [
            "Dans votre compte, vous pouvez voir et télécharger toutes les données qui vous concernent (en fichier JSON), corriger vos numéros, retirer votre consentement en supprimant la liste, et supprimer votre compte.",
            "Pour toute autre question, ou pour exercer vos droits autrement, adressez-vous à l'exploitant{contact}. Vous pouvez aussi introduire une plainte auprès de l'autorité de protection des données (en Belgique, l'Autorité de protection des données).",
          ],
        },
      ],
    },
    nl: {
      title: 'Privacyverklaring',
      sections: [
        {
          heading: 'In het kort',
          paragraphs: [
            'We bewaren alleen wat nodig is om u te bellen wanneer uw kind gevonden wordt, we beschermen het en we verwijderen het volgens een vast schema. Niets wordt verkocht of voor iets anders gebruikt: geen reclame, geen profilering, geen geautomatiseerde beslissingen over wie dan ook.',
            'De dienst wordt geleverd door {operator} (de beheerder), op eigen servers. De beheerder bepaalt wat bewaard wordt en waarom: hij is de verwerkingsverantwoordelijke. De software is open source.',
          ],
        },
        {
          heading: 'Over uw kind',
          paragraphs: [
            'De overheid die de identiteitskaart uitreikt, bezorgt ons het rijksregisternummer van het kind, de datum van de kaart, de voor- en achternaam van het kind en de code "Contact Parents" die u per post krijgt.',
            'Het rijksregisternummer wordt niet als zodanig bewaard: alleen een vingerafdruk met sleutel ervan, genoeg om de lijst terug te vinden wanneer een vinder het nummer intoetst. De naam en de code worden versleuteld. De voornaam van het kind kan worden uitgesproken voor de ouder die een oproep beantwoordt.',
            'Wanneer een nieuwe kaart wordt uitgereikt, worden de naam en de code van de oude kaart gewist. De gegevens van de kaart worden, samen met de lijst van nummers, 3 jaar en 6 maanden na het aanmaken van de kaart verwijderd.',
          ],
        },
        {
          heading: 'Over u',
          paragraphs: [
            'Uw e-mailadres (versleuteld, plus een vingerafdruk met sleutel om u aan te melden) en wanneer u het bevestigde; uw wachtwoord, alleen als eenrichtingsvingerafdruk (argon2id) waaruit het wachtwoord niet terug te halen is.',
            'Meldt u zich aan via een OpenID Connect-aanbieder (zoals een aanmelding van de overheid): welke aanbieder, een vingerafdruk met sleutel van uw identificatie daar (nooit de identificatie zelf, die een rijksregisternummer kan zijn), en wanneer de koppeling gemaakt en het laatst gebruikt werd.',
            'Zet u aanmelden in twee stappen aan: het geheim dat uw authenticator-app met ons deelt (versleuteld) en vingerafdrukken van uw herstelcodes, tot u het weer uitzet (een gebruikte herstelcode wordt binnen een dag verwijderd).',
            'Uw sessies: uw browser bewaart een willekeurig token in een cookie en wij bewaren alleen de vingerafdruk ervan. Een sessie eindigt na 15 minuten zonder gebruik, en hoe dan ook na 12 uur; de gegevens ervan worden binnen een dag daarna verwijderd. De links die we u mailen (om uw adres te bevestigen, om een nieuw wachtwoord te kiezen) worden binnen een dag na gebruik of na het verlopen verwijderd.',
            'De kinderen die u beheert en, voor elke lijst: de nummers, hun land en label, de taal van de oproepen, en uw toestemming (welke versie van de voorwaarden u aanvaardde, en wanneer).',
            'Een logboek van de handelingen op de lijsten (welk account wat deed, met aantallen), nooit uw nummers of labels, 3 jaar en 6 maanden bewaard. Mislukte pogingen om een kind te koppelen, alleen als vingerafdrukken, om gokken na 5 foute pogingen te blokkeren, en de tijdstippen van foute codes bij aanmelden in twee stappen: beide worden na 1 dag verwijderd.',
          ],
        },
        {
          heading: 'Over de oproepen',
          paragraphs: [
            'Voor elke oproep: wanneer ze begon en eindigde, en hoe ze afliep; vingerafdrukken met sleutel van het nummer van de beller en van het nummer dat hij intoetste (om misbruik te beperken en u de oproepgeschiedenis van uw kind te tonen); en voor elk van uw nummers dat overging: de plaats in de lijst, het label, het resultaat en de tijden. Het nummer van de beller zelf wordt niet bewaard en er wordt geen gesprek opgenomen.',
            'Deze oproepgegevens worden 6 maanden bewaard, tenzij de beheerder een andere termijn instelt, en daarna verwijderd.',
            'Wanneer u opneemt, kunt u het nummer van de beller horen (toets 2) om hem terug te bellen. Neemt niemand op, dan krijgt de hulplijn de oproep en het nummer van de beller, niet uw gegevens.',
          ],
        },
        {
          heading: 'Wie wat ontvangt',
          paragraphs: [
            'Om uw telefoons te laten overgaan, worden uw nummers doorgegeven aan het telefoonnetwerk dat de oproepen vervoert. Om u te schrijven, wordt uw e-mailadres doorgegeven aan de mailserver die onze berichten aflevert. Niemand anders krijgt uw gegevens.',
          ],
        },
        {
          heading: 'Hoe lang',
          paragraphs: [
            'Uw account wordt verwijderd wanneer alle lijsten die het beheert 3 jaar en 6 maanden inactief zijn, of 7 dagen nadat het zonder kind is komen te staan. Verwijdert u zelf een lijst of uw account, dan gebeurt dat meteen.',
          ],
        },
        {
          heading: 'Bescherming',
          paragraphs: [
            'Vingerafdrukken en versleuteling gebruiken sleutels die buiten de databank bewaard worden: een kopie van de databank alleen onthult geen rijksregisternummer, naam, code of e-mailadres. De technische logboeken bevatten ze nooit, net zomin als uw telefoonnummers.',
          ],
        },
        {
          heading: 'Uw rechten',
          paragraphs: [
            'In uw account kunt u alle gegevens over u bekijken en downloaden (als JSON-bestand), uw nummers verbeteren, uw toestemming intrekken door de lijst te verwijderen, en uw account verwijderen.',
            'Voor andere vragen, of om uw rechten op een andere manier uit te oefenen, kunt u terecht bij de beheerder{contact}. U kunt ook klacht indienen bij de toezichthouder voor gegevensbescherming (in België de Gegevensbeschermingsautoriteit).',
          ],
        },
      ],
    },
    de: {
      title: 'Datenschutzerklärung',
      sections: [
        {
          heading: 'Kurz gesagt',
          paragraphs: [
            'Wir speichern nur, was nötig ist, um Sie anzurufen, wenn Ihr Kind gefunden wird, wir schützen es und löschen es nach festen Fristen. Nichts wird verkauft oder für anderes verwendet: keine Werbung, kein Profiling, keine automatisierten Entscheidungen über irgendjemanden.',
            'Der Dienst wird von {operator} (dem Betreiber) auf eigenen Servern betrieben. Der Betreiber entscheidet, was aufbewahrt wird und wozu: Er ist der Verantwortliche für die Verarbeitung. Die Software ist quelloffen.',
          ],
        },
        {
          heading: 'Über Ihr Kind',
          paragraphs: [
            'Die Behörde, die den Ausweis ausstellt, übermittelt uns die Nationalregisternummer des Kindes, das Datum des Ausweises, Vor- und Nachnamen des Kindes und den Code „Contact Parents“, der Ihnen zugeschickt wird.',
            'Die Nationalregisternummer wird nicht als solche gespeichert: nur ein schlüsselbasierter Fingerabdruck davon, genug, um die Liste zu finden, wenn ein Finder die Nummer eingibt. Name und Code werden verschlüsselt. Der Vorname des Kindes kann dem Elternteil angesagt werden, der einen Anruf annimmt.',
            'Wird ein neuer Ausweis ausgestellt, werden Name und Code des alten Ausweises gelöscht. Der Datensatz des Ausweises wird mit der Nummernliste 3 Jahre und 6 Monate nach Ausstellung des Ausweises gelöscht.',
          ],
        },
        {
          heading: 'Über Sie',
          paragraphs: [
            'Ihre E-Mail-Adresse (verschlüsselt, dazu ein schlüsselbasierter Fingerabdruck für die Anmeldung) und wann Sie sie bestätigt haben; Ihr Passwort nur als Einweg-Hash (argon2id), aus dem sich das Passwort nicht zurückgewinnen lässt.',
            'Wenn Sie sich über einen OpenID-Connect-Anbieter anmelden (etwa eine behördliche Anmeldung): welcher Anbieter, ein schlüsselbasierter Fingerabdruck Ihrer Kennung dort (nie die Kennung selbst, die eine Nationalregisternummer sein kann) und wann die Verknüpfung angelegt und zuletzt genutzt wurde.',
            'Wenn Sie die Anmeldung in zwei Schritten einschalten: das Geheimnis, das Ihre Authenticator-App mit uns teilt (verschlüsselt), und Fingerabdrücke Ihrer Wiederherstellungscodes, bis Sie sie wieder ausschalten (ein benutzter Wiederherstellungscode wird innerhalb eines Tages gelöscht).',
            'Ihre Sitzungen: Ihr Browser hält ein zufälliges Token in einem Cookie, wir speichern nur dessen Fingerabdruck. Eine Sitzung endet nach 15 Minuten ohne Nutzung und in jedem Fall nach 12 Stunden; ihre Daten werden innerhalb eines Tages danach gelöscht. Die Links, die wir Ihnen per E-Mail schicken (um Ihre Adresse zu bestätigen, um ein neues Passwort zu wählen), werden innerhalb eines Tages nach ihrer Nutzung oder ihrem Ablauf gelöscht.',
            'Die Kinder, die Sie verwalten, und für jede Liste: die Nummern, ihr Land und ihre Bezeichnung, die Sprache der Anrufe und Ihre Zustimmung (welche Version der Bedingungen Sie angenommen haben und wann).',
            'Ein Protokoll der Aktionen an den Listen (welches Konto was getan hat, mit Anzahlen), nie Ihre Nummern oder Bezeichnungen, 3 Jahre und 6 Monate aufbewahrt. Fehlgeschlagene Versuche, ein Kind zu verknüpfen, nur als Fingerabdrücke, um Raten nach 5 Fehlversuchen zu sperren, und die Zeitpunkte falscher Codes bei der Anmeldung in zwei Schritten: beide werden nach 1 Tag gelöscht.',
          ],
        },
        {
          heading: 'Über die Anrufe',
          paragraphs: [
            'Für jeden Anruf: wann er begann und endete und wie er ausging; schlüsselbasierte Fingerabdrücke der Nummer des Anrufers und der Nummer, die er eingegeben hat (um Missbrauch zu begrenzen und Ihnen den Anrufverlauf Ihres Kindes zu zeigen); und für jede Ihrer Nummern, die geklingelt hat: ihre Position, ihre Bezeichnung, das Ergebnis und die Uhrzeiten. Die Nummer des Anrufers selbst wird nicht gespeichert, und kein Gespräch wird aufgezeichnet.',
            'Diese Anrufdaten werden 6 Monate aufbewahrt, sofern der Betreiber keine andere Frist festlegt, und dann gelöscht.',
            'Wenn Sie abnehmen, können Sie die Nummer des Anrufers hören (Taste 2), um ihn zurückzurufen. Nimmt niemand ab, erhält die Hotline den Anruf und die Nummer des Anrufers, nicht Ihre Daten.',
          ],
        },
        {
          heading: 'Wer was erhält',
          paragraphs: [
            'Damit Ihre Telefone klingeln, werden Ihre Nummern an das Telefonnetz weitergegeben, das die Anrufe überträgt. Damit wir Ihnen schreiben können, wird Ihre E-Mail-Adresse an den Mailserver weitergegeben, der unsere Nachrichten zustellt. Niemand sonst erhält Ihre Daten.',
          ],
        },
        {
          heading: 'Wie lange',
          paragraphs: [
            'Ihr Konto wird gelöscht, wenn alle Listen, die es verwaltet, seit 3 Jahren und 6 Monaten inaktiv sind, oder 7 Tage, nachdem ihm kein Kind mehr zugeordnet ist. Löschen Sie selbst eine Liste oder Ihr Konto, geschieht das sofort.',
          ],
        },
        {
          heading: 'Schutz',
          paragraphs: [
            'Fingerabdrücke und Verschlüsselung verwenden Schlüssel, die außerhalb der Datenbank aufbewahrt werden: Eine Kopie der Datenbank allein verrät keine Nationalregisternummer, keinen Namen, keinen Code und keine E-Mail-Adresse. Die technischen Protokolle enthalten sie nie, ebenso wenig Ihre Telefonnummern.',
          ],
        },
        {
          heading: 'Ihre Rechte',
          paragraphs: [
            'In Ihrem Konto können Sie alle Daten über Sie einsehen und herunterladen (als JSON-Datei), Ihre Nummern berichtigen, Ihre Zustimmung durch Löschen der Liste widerrufen und Ihr Konto löschen.',
            'Bei anderen Fragen, oder um Ihre Rechte auf anderem Weg auszuüben, wenden Sie sich an den Betreiber{contact}. Sie können sich auch bei der Datenschutzaufsichtsbehörde beschweren (in Belgien bei der Datenschutzbehörde).',
          ],
        },
      ],
    },
  },
};

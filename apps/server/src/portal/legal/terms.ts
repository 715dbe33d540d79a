import type { LegalDocument } from './legal-documents';

/**
 * The terms of use a parent accepts when activating a cascade. Changing what they say means a new
 * `version` (parents are then asked to accept again; add the old one to PAST_TERMS_VERSIONS in
 * legal-documents.ts) and the same change in all four languages.
 */
export const TERMS_OF_USE: LegalDocument = {
  id: 'terms',
  version: '2026-11',
  effectiveOn: '2026-11-30',
  texts: {
    en: {
      title: 'Terms of use',
      sections: [
        {
          heading: 'What Allo Parents does',
          paragraphs: [
            "Someone who finds your child calls the number printed on the child's identity card and types the child's national register number. The service then calls the numbers you chose, one after the other, until a person answers and accepts the call, and connects them with the finder.",
            'If nobody on your list can be reached, the finder is put through to the child-protection hotline (Child Focus, 116 000), which is always staffed.',
          ],
        },
        {
          heading: 'Who may use the portal',
          paragraphs: [
            'You may link a child and manage their list if you are a parent or legal guardian of the child and received the "Contact Parents" code sent with the card. Several parents or guardians can manage the same child: each of them sees and can change the same list.',
            'Never use a code that was not meant for you.',
          ],
        },
        {
          heading: 'Your numbers are your responsibility',
          paragraphs: [
            'You choose up to seven numbers and the order in which they are called. Make sure they are right, that they are kept up to date, and that the people who answer them agree to receive these calls.',
            "Save the service's number as a contact on each phone of the list, so that the phone does not screen or silence our calls.",
          ],
        },
        {
          heading: 'How a call runs',
          paragraphs: [
            'Each number rings for a short time, shorter than the time after which mobile networks send a call to voicemail. A number that is busy, refuses the call, cannot be reached, does not answer in time, or is answered by voicemail or an answering machine is skipped, and the next one rings.',
            "The person who answers hears that the call is about their child and presses 1 to speak to the finder, or 2 to hear the finder's phone number.",
          ],
        },
        {
          heading: 'When your list calls no one',
          paragraphs: [
            'Your list calls no one while it is a draft, once a new card has been issued for your child (until you re-activate it with the code from the new letter), after the card has expired, or while the operator has suspended the service, for instance during an incident. The finder is then put through to the hotline.',
          ],
        },
        {
          heading: 'A help, not a guarantee',
          paragraphs: [
            'The service depends on telephone networks, on your phones being switched on and reachable, and on the finder. It does its best to put the finder through to you or to the hotline, but it cannot promise that every call will succeed.',
            'It does not replace the emergency services: if a child is in danger, call 112.',
          ],
        },
        {
          heading: 'Your consent, and changes to these terms',
          paragraphs: [
            'By activating the list you accept these terms. We record which version you accepted and when.',
            'When these terms change, they get a new version number and the portal asks you to accept the new version.',
          ],
        },
        {
          heading: 'Stopping',
          paragraphs: [
            'You can delete the list at any time: it stops calling at once. You can then delete your account, and download all the data held about you beforehand. The privacy statement explains what is kept and for how long.',
          ],
        },
      ],
    },
    fr: {
      title: "Conditions d'utilisation",
      sections: [
        {
          heading: 'Ce que fait Allo Parents',
          paragraphs: [
            "La personne qui trouve votre enfant appelle le numéro imprimé sur sa carte d'identité et tape son numéro de registre national. Le service appelle alors les numéros que vous avez choisis, l'un après l'autre, jusqu'à ce qu'une personne réponde et accepte l'appel, puis la met en relation avec la personne qui a trouvé l'enfant.",
            "Si personne de votre liste ne peut être joint, l'appelant est mis en relation avec la ligne d'aide à l'enfance (Child Focus, 116 000), joignable en permanence.",
          ],
        },
        {
          heading: 'Qui peut utiliser le portail',
          paragraphs: [
            "Vous pouvez lier un enfant et gérer sa liste si vous êtes son parent ou son tuteur légal et que vous avez reçu le code « Contact Parents » envoyé avec la carte. Plusieurs parents ou tuteurs peuvent gérer le même enfant : chacun voit et peut modifier la même liste.",
            "N'utilisez jamais un code qui ne vous est pas destiné.",
          ],
        },
        {
          heading: 'Vos numéros sont sous votre responsabilité',
          paragraphs: [
            "Vous choisissez jusqu'à sept numéros et l'ordre dans lequel ils sont appelés. Veillez à ce qu'ils soient exacts, à les tenir à jour, et à ce que les personnes qui y répondent acceptent de recevoir ces appels.",
            "Enregistrez le numéro du service dans les contacts de chaque téléphone de la liste, pour que le téléphone ne filtre pas nos appels et ne les rende pas silencieux.",
          ],
        },
        {
          heading: "Comment se déroule un appel",
          paragraphs: [
            "Chaque numéro sonne brièvement, moins longtemps que le délai après lequel les réseaux mobiles renvoient l'appel vers la messagerie. Un numéro occupé, qui refuse l'appel, injoignable, qui ne répond pas à temps, ou qui tombe sur une messagerie ou un répondeur est passé, et le suivant sonne.",
            "La personne qui répond entend que l'appel concerne son enfant et appuie sur 1 pour parler à l'appelant, ou sur 2 pour entendre son numéro de téléphone.",
          ],
        },
        {
          heading: "Quand votre liste n'appelle personne",
          paragraphs: [
            "Votre liste n'appelle personne tant qu'elle est un brouillon, dès qu'une nouvelle carte a été émise pour votre enfant (jusqu'à ce que vous la réactiviez avec le code de la nouvelle lettre), après l'expiration de la carte, ou pendant que l'exploitant a suspendu le service, par exemple lors d'un incident. L'appelant est alors mis en relation avec la ligne d'aide.",
          ],
        },
        {
          heading: 'Une aide, pas une garantie',
          paragraphs: [
            "Le service dépend des réseaux téléphoniques, de vos téléphones allumés et joignables, et de l'appelant. Il fait de son mieux pour mettre l'appelant en relation avec vous ou avec la ligne d'aide, mais ne peut pas promettre que chaque appel aboutira.",
            "Il ne remplace pas les services d'urgence : si un enfant est en danger, appelez le 112.",
          ],
        },
        {
          heading: 'Votre consentement, et les changements de ces conditions',
          paragraphs: [
            "En activant la liste, vous acceptez ces conditions. Nous enregistrons la version acceptée et la date.",
            "Quand ces conditions changent, elles reçoivent un nouveau numéro de version et le portail vous demande d'accepter la nouvelle version.",
          ],
        },
        {
          heading: 'Arrêter',
          paragraphs: [
            "Vous pouvez supprimer la liste à tout moment : elle cesse aussitôt d'appeler. Vous pouvez ensuite supprimer votre compte, après avoir téléchargé, si vous le souhaitez, toutes les données qui vous concernent. La déclaration de confidentialité explique ce qui est conservé et pendant combien de temps.",
          ],
        },
      ],
    },
    nl: {
      title: 'Gebruiksvoorwaarden',
      sections: [
        {
          heading: 'Wat Allo Parents doet',
          paragraphs: [
            'Wie uw kind vindt, belt het nummer dat op de identiteitskaart van het kind staat en toetst het rijksregisternummer van het kind in. De dienst belt dan de nummers die u gekozen hebt, het ene na het andere, tot iemand opneemt en de oproep aanvaardt, en verbindt die persoon met de vinder.',
            'Is niemand van uw lijst bereikbaar, dan wordt de vinder doorverbonden met de hulplijn voor kinderen (Child Focus, 116 000), die altijd bemand is.',
          ],
        },
        {
          heading: 'Wie het portaal mag gebruiken',
          paragraphs: [
            'U mag een kind koppelen en zijn lijst beheren als u een ouder of wettelijke voogd van het kind bent en de code "Contact Parents" hebt ontvangen die met de kaart werd meegestuurd. Meerdere ouders of voogden kunnen hetzelfde kind beheren: elk van hen ziet dezelfde lijst en kan ze wijzigen.',
            'Gebruik nooit een code die niet voor u bestemd is.',
          ],
        },
        {
          heading: 'Uw nummers zijn uw verantwoordelijkheid',
          paragraphs: [
            'U kiest tot zeven nummers en de volgorde waarin ze gebeld worden. Zorg dat ze juist zijn, dat u ze bijwerkt en dat wie ze beantwoordt ermee instemt deze oproepen te krijgen.',
            'Sla het nummer van de dienst op als contact op elke telefoon van de lijst, zodat de telefoon onze oproepen niet filtert of dempt.',
          ],
        },
        {
          heading: 'Hoe een oproep verloopt',
          paragraphs: [
            'Elk nummer gaat kort over, korter dan de tijd waarna mobiele netwerken een oproep naar de voicemail sturen. Een nummer dat bezet is, de oproep weigert, onbereikbaar is, niet op tijd opneemt, of waar een voicemail of antwoordapparaat opneemt, wordt overgeslagen en het volgende gaat over.',
            'Wie opneemt, hoort dat de oproep over zijn of haar kind gaat en drukt op 1 om met de vinder te spreken, of op 2 om het telefoonnummer van de vinder te horen.',
          ],
        },
        {
          heading: 'Wanneer uw lijst niemand belt',
          paragraphs: [
            'Uw lijst belt niemand zolang ze een ontwerp is, zodra er een nieuwe kaart voor uw kind is uitgereikt (tot u ze opnieuw activeert met de code uit de nieuwe brief), nadat de kaart vervallen is, of zolang de beheerder de dienst heeft opgeschort, bijvoorbeeld bij een incident. De vinder wordt dan doorverbonden met de hulplijn.',
          ],
        },
        {
          heading: 'Een hulp, geen garantie',
          paragraphs: [
            'De dienst hangt af van de telefoonnetwerken, van uw telefoons die aanstaan en bereikbaar zijn, en van de vinder. Hij doet zijn best om de vinder met u of met de hulplijn te verbinden, maar kan niet beloven dat elke oproep lukt.',
            'Hij vervangt de hulpdiensten niet: is een kind in gevaar, bel dan 112.',
          ],
        },
        {
          heading: 'Uw toestemming, en wijzigingen van deze voorwaarden',
          paragraphs: [
            'Door de lijst te activeren aanvaardt u deze voorwaarden. We registreren welke versie u aanvaardde en wanneer.',
            'Wanneer deze voorwaarden veranderen, krijgen ze een nieuw versienummer en vraagt het portaal u de nieuwe versie te aanvaarden.',
          ],
        },
        {
          heading: 'Stoppen',
          paragraphs: [
            'U kunt de lijst op elk moment verwijderen: ze belt dan meteen niemand meer. Daarna kunt u uw account verwijderen, en vooraf alle gegevens over u downloaden. De privacyverklaring legt uit wat bewaard wordt en hoe lang.',
          ],
        },
      ],
    },
    de: {
      title: 'Nutzungsbedingungen',
      sections: [
        {
          heading: 'Was Allo Parents tut',
          paragraphs: [
            'Wer Ihr Kind findet, ruft die Nummer an, die auf dem Personalausweis des Kindes steht, und gibt die Nationalregisternummer des Kindes ein. Der Dienst ruft dann die von Ihnen gewählten Nummern nacheinander an, bis jemand abnimmt und den Anruf annimmt, und verbindet diese Person mit dem Finder.',
            'Ist niemand auf Ihrer Liste erreichbar, wird der Finder mit der Kinderschutz-Hotline (Child Focus, 116 000) verbunden, die rund um die Uhr besetzt ist.',
          ],
        },
        {
          heading: 'Wer das Portal nutzen darf',
          paragraphs: [
            'Sie dürfen ein Kind verknüpfen und seine Liste verwalten, wenn Sie ein Elternteil oder gesetzlicher Vormund des Kindes sind und den mit dem Ausweis verschickten Code „Contact Parents“ erhalten haben. Mehrere Eltern oder Vormünder können dasselbe Kind verwalten: Alle sehen dieselbe Liste und können sie ändern.',
            'Verwenden Sie nie einen Code, der nicht für Sie bestimmt ist.',
          ],
        },
        {
          heading: 'Ihre Nummern liegen in Ihrer Verantwortung',
          paragraphs: [
            'Sie wählen bis zu sieben Nummern und die Reihenfolge, in der sie angerufen werden. Sorgen Sie dafür, dass sie stimmen, aktuell bleiben und dass die Personen, die dort abnehmen, mit diesen Anrufen einverstanden sind.',
            'Speichern Sie die Nummer des Dienstes auf jedem Telefon der Liste als Kontakt, damit das Telefon unsere Anrufe nicht filtert oder stummschaltet.',
          ],
        },
        {
          heading: 'Wie ein Anruf abläuft',
          paragraphs: [
            'Jede Nummer klingelt nur kurz, kürzer als die Zeit, nach der Mobilfunknetze einen Anruf an die Mailbox weiterleiten. Eine Nummer, die besetzt ist, den Anruf ablehnt, nicht erreichbar ist, nicht rechtzeitig abnimmt oder bei der eine Mailbox oder ein Anrufbeantworter antwortet, wird übersprungen, und die nächste klingelt.',
            'Wer abnimmt, hört, dass es um sein Kind geht, und drückt die 1, um mit dem Finder zu sprechen, oder die 2, um die Telefonnummer des Finders zu hören.',
          ],
        },
        {
          heading: 'Wann Ihre Liste niemanden anruft',
          paragraphs: [
            'Ihre Liste ruft niemanden an, solange sie ein Entwurf ist, sobald für Ihr Kind ein neuer Ausweis ausgestellt wurde (bis Sie sie mit dem Code aus dem neuen Brief wieder aktivieren), nachdem der Ausweis abgelaufen ist, oder solange der Betreiber den Dienst ausgesetzt hat, zum Beispiel bei einer Störung. Der Finder wird dann mit der Hotline verbunden.',
          ],
        },
        {
          heading: 'Eine Hilfe, keine Garantie',
          paragraphs: [
            'Der Dienst hängt von den Telefonnetzen ab, davon, dass Ihre Telefone eingeschaltet und erreichbar sind, und vom Finder. Er tut sein Bestes, den Finder mit Ihnen oder mit der Hotline zu verbinden, kann aber nicht versprechen, dass jeder Anruf gelingt.',
            'Er ersetzt nicht die Notdienste: Ist ein Kind in Gefahr, rufen Sie die 112 an.',
          ],
        },
        {
          heading: 'Ihre Zustimmung und Änderungen dieser Bedingungen',
          paragraphs: [
            'Mit dem Aktivieren der Liste stimmen Sie diesen Bedingungen zu. Wir speichern, welche Version Sie angenommen haben und wann.',
            'Ändern sich diese Bedingungen, erhalten sie eine neue Versionsnummer, und das Portal bittet Sie, der neuen Version zuzustimmen.',
          ],
        },
        {
          heading: 'Beenden',
          paragraphs: [
            'Sie können die Liste jederzeit löschen: Sie ruft dann sofort niemanden mehr an. Danach können Sie Ihr Konto löschen und vorher alle Daten über Sie herunterladen. Die Datenschutzerklärung erklärt, was gespeichert wird und wie lange.',
          ],
        },
      ],
    },
  },
};

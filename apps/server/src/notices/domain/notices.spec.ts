import { ChildFacts, DueNotice, NoticeKind, SwitchChange, childNoticesDue, noticeKey, noticeLanguage, noticesToRecord, switchNoticesDue } from './notices';

const T = (iso: string) => new Date(iso);

function facts(overrides: { cascade?: Partial<NonNullable<ChildFacts['cascade']>> | null; newestCard?: ChildFacts['newestCard'] } = {}): ChildFacts {
  return {
    parentId: 'p1',
    childId: 'c1',
    cascade:
      overrides.cascade === null
        ? null
        : {
            id: 'k1',
            status: 'active',
            blockedReason: null,
            inactiveSince: null,
            activatedAt: T('2026-10-01T10:00:00Z'),
            testRunning: false,
            numbers: [],
            ...overrides.cascade,
          },
    newestCard: overrides.newestCard === undefined ? { id: 'card1', issuedOn: '2025-01-10' } : overrides.newestCard,
  };
}

const kindsAndOccurrences = (due: DueNotice[]) => due.map((n) => `${n.kind} ${n.subject} ${n.occurrence}`);

describe('notices due for a linked child', () => {
  const TODAY = '2026-12-04';
  const cases: [string, ChildFacts, string, string[]][] = [
    ['given no cascade, then nothing is due', facts({ cascade: null }), TODAY, []],
    ['given an active cascade, a fresh card and confirmed numbers, then nothing is due', facts(), TODAY, []],
    [
      'given a cascade blocked by a new card, then the blocking notice is due once for that blocking',
      facts({ cascade: { status: 'blocked', blockedReason: 'new-card', inactiveSince: T('2026-12-01T08:00:00Z') } }),
      TODAY,
      ['cascade-blocked k1 new-card:2026-12-01T08:00:00.000Z'],
    ],
    [
      'given a cascade blocked for a revoked card, then the blocking notice names that reason',
      facts({ cascade: { status: 'blocked', blockedReason: 'card-revoked', inactiveSince: T('2026-12-02T08:00:00Z') } }),
      TODAY,
      ['cascade-blocked k1 card-revoked:2026-12-02T08:00:00.000Z'],
    ],
    ['given a card valid until today, then no expiry notice', facts({ newestCard: { id: 'card1', issuedOn: '2023-12-04' } }), TODAY, []],
    [
      'given a card past its validity since yesterday, then the expiry notice is due (the cascade still rings)',
      facts({ newestCard: { id: 'card1', issuedOn: '2023-12-03' } }),
      TODAY,
      ['card-expired card1 2026-12-03'],
    ],
    [
      'given a card past validity on a blocked cascade, then only the blocking notice (no ringing to announce)',
      facts({ cascade: { status: 'blocked', blockedReason: 'new-card', inactiveSince: T('2026-12-01T08:00:00Z') }, newestCard: { id: 'card1', issuedOn: '2023-06-01' } }),
      TODAY,
      ['cascade-blocked k1 new-card:2026-12-01T08:00:00.000Z'],
    ],
    [
      'given a card whose record goes in 31 days, then no deletion notice yet',
      // deleted on 2027-01-04 (the first day past its 42 months): 31 days from today.
      facts({ newestCard: { id: 'card1', issuedOn: '2023-07-03' } }),
      TODAY,
      ['card-expired card1 2026-07-03'],
    ],
    [
      'given a card whose record goes in 30 days, then the deletion notice is due for that day',
      facts({ newestCard: { id: 'card1', issuedOn: '2023-07-02' } }),
      TODAY,
      ['card-expired card1 2026-07-02', 'deletion-soon k1 2027-01-03'],
    ],
    [
      'given a card whose record is already past retention, then nothing (the purge deletes it)',
      facts({ newestCard: { id: 'card1', issuedOn: '2023-06-03' } }),
      TODAY,
      [],
    ],
    [
      'given a draft cascade near deletion, then the deletion notice only',
      facts({ cascade: { status: 'draft', inactiveSince: T('2026-01-01T00:00:00Z') }, newestCard: { id: 'card1', issuedOn: '2023-07-02' } }),
      TODAY,
      ['deletion-soon k1 2027-01-03'],
    ],
    [
      'given a number that failed its last test after its last confirmation, then a check notice for that test',
      facts({ cascade: { numbers: [{ id: 'n2', position: 2, lastVerifiedAt: T('2026-11-01T00:00:00Z'), lastCheckAt: T('2026-12-03T09:00:00Z'), lastCheckResult: 'no-answer' }] } }),
      TODAY,
      ['number-check k1 failed:2026-12-03T09:00:00.000Z'],
    ],
    [
      'given a number confirmed by its last test, then nothing',
      facts({ cascade: { numbers: [{ id: 'n1', position: 1, lastVerifiedAt: T('2026-12-03T09:00:00Z'), lastCheckAt: T('2026-12-03T09:00:00Z'), lastCheckResult: 'confirmed' }] } }),
      TODAY,
      [],
    ],
    [
      'given a failed number while a test is running, then nothing yet',
      facts({ cascade: { testRunning: true, numbers: [{ id: 'n2', position: 2, lastVerifiedAt: null, lastCheckAt: T('2026-12-03T09:00:00Z'), lastCheckResult: 'busy' }] } }),
      TODAY,
      [],
    ],
    [
      'given a number last confirmed more than six months ago, then an unverified notice for that confirmation',
      facts({ cascade: { numbers: [{ id: 'n1', position: 1, lastVerifiedAt: T('2026-06-03T10:00:00Z'), lastCheckAt: null, lastCheckResult: null }] } }),
      TODAY,
      ['number-check k1 unverified:2026-06-03T10:00:00.000Z'],
    ],
    [
      'given a number never confirmed, in a cascade active for less than six months, then nothing',
      facts({ cascade: { numbers: [{ id: 'n1', position: 1, lastVerifiedAt: null, lastCheckAt: null, lastCheckResult: null }] } }),
      TODAY,
      [],
    ],
    [
      'given a number never confirmed, in a cascade active for more than six months, then an unverified notice',
      facts({ cascade: { activatedAt: T('2026-05-01T10:00:00Z'), numbers: [{ id: 'n1', position: 1, lastVerifiedAt: null, lastCheckAt: null, lastCheckResult: null }] } }),
      TODAY,
      ['number-check k1 unverified:2026-05-01T10:00:00.000Z'],
    ],
    [
      'given a blocked cascade with a failed number, then the blocking notice only (the cascade does not ring)',
      facts({ cascade: { status: 'blocked', blockedReason: 'new-card', inactiveSince: T('2026-12-01T08:00:00Z'), numbers: [{ id: 'n2', position: 2, lastVerifiedAt: null, lastCheckAt: T('2026-12-03T09:00:00Z'), lastCheckResult: 'busy' }] } }),
      TODAY,
      ['cascade-blocked k1 new-card:2026-12-01T08:00:00.000Z'],
    ],
    [
      'given a paused cascade with its card past validity, a failed number and one not confirmed for months, then nothing: it rings no one until resumed',
      facts({
        cascade: {
          status: 'paused',
          inactiveSince: T('2026-11-20T08:00:00Z'),
          activatedAt: T('2026-05-01T10:00:00Z'),
          numbers: [
            { id: 'n1', position: 1, lastVerifiedAt: null, lastCheckAt: null, lastCheckResult: null },
            { id: 'n2', position: 2, lastVerifiedAt: null, lastCheckAt: T('2026-11-19T09:00:00Z'), lastCheckResult: 'busy' },
          ],
        },
        newestCard: { id: 'card1', issuedOn: '2023-12-03' },
      }),
      TODAY,
      [],
    ],
    [
      'given a paused cascade whose card record goes in 30 days, then the deletion notice (the purge deletes it paused or not)',
      facts({ cascade: { status: 'paused', inactiveSince: T('2026-11-20T08:00:00Z') }, newestCard: { id: 'card1', issuedOn: '2023-07-02' } }),
      TODAY,
      ['deletion-soon k1 2027-01-03'],
    ],
    [
      'given a paused cascade that a new card blocked, then the blocking notice, keyed by the pause that began its inactivity',
      facts({ cascade: { status: 'blocked', blockedReason: 'new-card', inactiveSince: T('2026-11-20T08:00:00Z') } }),
      TODAY,
      ['cascade-blocked k1 new-card:2026-11-20T08:00:00.000Z'],
    ],
  ];
  it.each(cases)('%s', (_name, input, today, expected) => {
    expect(kindsAndOccurrences(childNoticesDue(input, today))).toEqual(expected);
  });

  it('given two numbers never confirmed in a cascade active for months and one that failed, then one notice names both unconfirmed positions and another the failed one', () => {
    const due = childNoticesDue(
      facts({
        cascade: {
          activatedAt: T('2026-05-01T10:00:00Z'),
          numbers: [
            { id: 'n1', position: 1, lastVerifiedAt: null, lastCheckAt: null, lastCheckResult: null },
            { id: 'n2', position: 2, lastVerifiedAt: null, lastCheckAt: T('2026-12-03T09:00:00Z'), lastCheckResult: 'busy' },
            { id: 'n3', position: 3, lastVerifiedAt: null, lastCheckAt: null, lastCheckResult: null },
          ],
        },
      }),
      TODAY,
    );
    expect(due.map((n) => [n.occurrence, n.details])).toEqual([
      ['unverified:2026-05-01T10:00:00.000Z', { positions: [1, 3], check: 'unverified' }],
      ['failed:2026-12-03T09:00:00.000Z', { positions: [2], check: 'failed' }],
    ]);
  });

  it('given a card past validity, then the notice carries its last valid day and the last ringing day (the day before the purge)', () => {
    const [notice] = childNoticesDue(facts({ newestCard: { id: 'card1', issuedOn: '2023-12-03' } }), TODAY);
    expect(notice.details).toEqual({ validUntil: '2026-12-03', ringsUntil: '2027-06-03' });
  });
});

describe('notices due after a change of the service switch', () => {
  const NOW = T('2026-12-04T12:00:00Z');
  const suspended: SwitchChange = { eventId: '41', mode: 'suspended', at: T('2026-12-04T11:00:00Z') };
  const resumed: SwitchChange = { eventId: '42', mode: 'normal', at: T('2026-12-04T11:30:00Z') };
  const audience = [
    { parentId: 'p1', toldOfSuspension: true },
    { parentId: 'p2', toldOfSuspension: false },
  ];
  const cases: [string, SwitchChange | null, Date, string[]][] = [
    ['given no change ever, then nothing', null, NOW, []],
    ['given a suspension, then every account managing a cascade is told', suspended, NOW, ['p1 41 suspended', 'p2 41 suspended']],
    ['given a resumption, then only the accounts told of the suspension', resumed, NOW, ['p1 42 normal']],
    ['given a suspension more than a week old, then nothing (later links are not told)', suspended, T('2026-12-11T11:00:01Z'), []],
  ];
  it.each(cases)('%s', (_name, change, now, expected) => {
    expect(switchNoticesDue(change, audience, now).map((n) => `${n.parentId} ${n.subject} ${n.occurrence}`)).toEqual(expected);
  });
});

describe('what is left to record', () => {
  const notice = (parentId: string, kind: NoticeKind, occurrence = 'o'): DueNotice => ({
    parentId,
    kind,
    subject: 's',
    occurrence,
    childId: null,
    cascadeId: null,
    cardId: null,
    switchEventId: null,
    details: {},
  });
  const disabled = new Map([['p1', new Set<NoticeKind>(['number-check', 'card-expired', 'cascade-blocked'])]]);
  const cases: [string, DueNotice[], Set<string>, string[]][] = [
    ['a kind the account turned off is not recorded', [notice('p1', 'number-check')], new Set(), []],
    ['the same kind goes to an account that did not turn it off', [notice('p2', 'number-check')], new Set(), ['p2|number-check|s|o']],
    ['the blocking notice is recorded even if stored as turned off', [notice('p1', 'cascade-blocked')], new Set(), ['p1|cascade-blocked|s|o']],
    ['a notice already recorded is not recorded again', [notice('p2', 'deletion-soon')], new Set(['p2|deletion-soon|s|o']), []],
    ['a new occurrence of a recorded notice is recorded', [notice('p2', 'deletion-soon', 'o2')], new Set(['p2|deletion-soon|s|o']), ['p2|deletion-soon|s|o2']],
    ['a notice due twice in one sweep (two links) is recorded once', [notice('p2', 'service-switch'), notice('p2', 'service-switch')], new Set(), ['p2|service-switch|s|o']],
  ];
  it.each(cases)('%s', (_name, due, recorded, expected) => {
    expect(noticesToRecord(due, disabled, recorded).map(noticeKey)).toEqual(expected);
  });
});

describe("a notice's language", () => {
  it.each([
    ['the account chose one', 'de', 'nl', 'de'],
    ['no choice: the cascade language', null, 'nl', 'nl'],
    ['neither: the deployment default', null, null, 'fr'],
  ] as const)('%s', (_name, chosen, cascade, expected) => {
    expect(noticeLanguage(chosen, cascade, 'fr')).toBe(expected);
  });
});

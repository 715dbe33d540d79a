import { Mail, Mailer } from '../portal/domain/mailer';
import { ClaimedNotice, NoticePreferences, NoticeStore, NoticeSweepSession, RecordedNotice } from './domain/notice-store';
import { ChildFacts, DueNotice, MAX_SEND_ATTEMPTS, NoticeKind, SwitchChange, noticeKey } from './domain/notices';
import { NoticeSweep, formatDay } from './notice-sweep';

/** An in-memory store: the facts given, the recorded notices as rows. */
class MemoryStore extends NoticeStore {
  rows: (DueNotice & { id: string; status: string; attempts: number; lastError?: string })[] = [];
  facts: ChildFacts[] = [];
  switchChange: SwitchChange | null = null;
  locked = false;
  chosenLanguage: NoticeLanguage = null;
  turnedOff = new Set<NoticeKind>();
  noName = false;

  async exclusively<T>(work: (session: NoticeSweepSession) => Promise<T>): Promise<T | undefined> {
    if (this.locked) return undefined;
    const store = this;
    const session: NoticeSweepSession = {
      childFacts: async () => store.facts,
      latestSwitchChange: async () => store.switchChange,
      switchAudience: async () => [],
      disabledKinds: async () => new Map(),
      recordedKeys: async () => new Set(store.rows.map(noticeKey)),
      record: async (notices) => {
        for (const n of notices) store.rows.push({ ...n, id: String(store.rows.length + 1), status: 'pending', attempts: 0 });
        return notices.length;
      },
      claim: async (limit, afterId) => {
        const claimed = store.rows.filter((r) => r.status === 'pending' && Number(r.id) > Number(afterId)).slice(0, limit);
        return claimed.map((r): ClaimedNotice => {
          r.status = 'sending';
          r.attempts += 1;
          return {
            id: r.id,
            parentId: r.parentId,
            kind: r.kind,
            childId: r.childId,
            details: r.details,
            attempts: r.attempts,
            account: { keyId: 'k1', sealed: Buffer.from(`mail:${r.parentId}`) },
            card: r.childId && !store.noName ? { nationalNumberHash: Buffer.alloc(32), keyId: 'k1', sealed: Buffer.from('Lina') } : null,
            chosenLanguage: store.chosenLanguage,
            cascadeLanguage: 'nl',
            turnedOff: store.turnedOff.has(r.kind),
          };
        });
      },
      markSent: async (id) => void (store.rows.find((r) => r.id === id)!.status = 'sent'),
      markFailed: async (id, reason, abandon) => {
        const row = store.rows.find((r) => r.id === id)!;
        row.status = abandon ? 'abandoned' : 'pending';
        row.lastError = reason;
      },
      countStuck: async () => store.rows.filter((r) => r.status === 'sending').length,
    };
    return work(session);
  }
  async preferences(): Promise<NoticePreferences> {
    return { language: null, disabledKinds: [] };
  }
  async setPreferences(): Promise<void> {}
  async recordedFor(): Promise<RecordedNotice[]> {
    return [];
  }
}
type NoticeLanguage = 'fr' | 'nl' | 'de' | 'en' | null;

class FakeMailer extends Mailer {
  readonly mails: Mail[] = [];
  failing = false;
  async send(mail: Mail): Promise<void> {
    if (this.failing) throw new Error('code ECONNECTION');
    this.mails.push(mail);
  }
}

const secrets = {
  email: (_parentId: string, _keyId: string, sealed: Buffer) => {
    const text = sealed.toString();
    if (text.includes('broken')) throw new Error('unable to authenticate data');
    return `${text.slice(5)}@example.org`;
  },
  firstName: (_hash: Buffer, _keyId: string, sealed: Buffer) => sealed.toString(),
};
const settings = { timeZone: 'Europe/Brussels', defaultLanguage: 'fr' as const, publicUrl: 'https://allo.example' };
const NOW = new Date('2026-12-04T10:00:00Z');

function blocked(parentId: string, reason = 'new-card'): ChildFacts {
  return {
    parentId,
    childId: `child-of-${parentId}`,
    cascade: { id: `cascade-of-${parentId}`, status: 'blocked', blockedReason: reason, inactiveSince: new Date('2026-12-01T00:00:00Z'), activatedAt: null, testRunning: false, numbers: [] },
    newestCard: { id: 'card', issuedOn: '2026-11-30' },
  };
}

function setUp() {
  const store = new MemoryStore();
  const mailer = new FakeMailer();
  const warnings: Record<string, unknown>[] = [];
  const sweep = new NoticeSweep(store, mailer, secrets, settings, { info: () => undefined, warn: (fields) => void warnings.push(fields) }, () => NOW);
  return { store, mailer, warnings, sweep };
}

describe('the notices sweep (in-memory store, fake mailer)', () => {
  it('given a blocked cascade, when swept twice, then one mail in the cascade language with the first name and the portal link, and the notice is sent', async () => {
    const { store, mailer, sweep } = setUp();
    store.facts = [blocked('p1')];
    expect(await sweep.run({ dryRun: false })).toMatchObject({ ran: true, recorded: 1, sent: 1, failed: 0 });
    expect(await sweep.run({ dryRun: false })).toMatchObject({ ran: true, recorded: 0, sent: 0 });
    expect(mailer.mails).toHaveLength(1);
    expect(mailer.mails[0]).toMatchObject({ to: 'p1@example.org', subject: 'Allo Parents: de belketen van uw kind is geblokkeerd (nieuwe kaart)' });
    expect(mailer.mails[0].text).toContain('Lina');
    expect(mailer.mails[0].text).toContain('https://allo.example/');
    expect(store.rows.map((r) => r.status)).toEqual(['sent']);
  });

  it('given the account chose a language, then the mail is in it', async () => {
    const { store, mailer, sweep } = setUp();
    store.facts = [blocked('p1')];
    store.chosenLanguage = 'en';
    await sweep.run({ dryRun: false });
    expect(mailer.mails[0].subject).toBe("Allo Parents: your child's cascade is blocked (new card)");
  });

  it.each([
    ['new-card', 'notice-blocked-new-card', 'nieuwe kaart uitgegeven'],
    ['card-revoked', 'notice-blocked-card-revoked', 'ingetrokken'],
    ['an-operator-reason', 'notice-blocked', 'is geblokkeerd'],
  ])('given a cascade blocked for %s, then the text for it', async (reason, _kind, phrase) => {
    const { store, mailer, sweep } = setUp();
    store.facts = [blocked('p1', reason)];
    await sweep.run({ dryRun: false });
    expect(mailer.mails[0].text).toContain(phrase);
  });

  it('given a dry run, then the notices are counted, not recorded nor mailed', async () => {
    const { store, mailer, sweep } = setUp();
    store.facts = [blocked('p1'), blocked('p2')];
    const outcome = await sweep.run({ dryRun: true });
    expect(outcome).toMatchObject({ ran: true, dryRun: true, recorded: 0 });
    expect(outcome.ran && outcome.due['cascade-blocked']).toBe(2);
    expect([store.rows, mailer.mails]).toEqual([[], []]);
  });

  it('given another sweep holds the lock, then nothing happens', async () => {
    const { store, sweep } = setUp();
    store.locked = true;
    expect(await sweep.run({ dryRun: false })).toEqual({ ran: false, reason: 'another-instance-is-sweeping' });
  });

  it('given the mail server refuses, then the notice goes back to pending with the error code, is retried by each sweep, and abandoned after the last attempt; the warning names ids only', async () => {
    const { store, mailer, warnings, sweep } = setUp();
    store.facts = [blocked('p1')];
    mailer.failing = true;
    for (let attempt = 1; attempt < MAX_SEND_ATTEMPTS; attempt++) {
      expect(await sweep.run({ dryRun: false })).toMatchObject({ failed: 1, abandoned: 0 });
      expect(store.rows[0]).toMatchObject({ status: 'pending', attempts: attempt, lastError: 'code ECONNECTION' });
    }
    expect(await sweep.run({ dryRun: false })).toMatchObject({ failed: 0, abandoned: 1 });
    expect(store.rows[0].status).toBe('abandoned');
    expect(JSON.stringify(warnings)).not.toContain('@example.org');
    expect(warnings[0]).toMatchObject({ parentId: 'p1', kind: 'cascade-blocked' });
  });

  it('given a failure, then the next sweep sends it once the server is back', async () => {
    const { store, mailer, sweep } = setUp();
    store.facts = [blocked('p1')];
    mailer.failing = true;
    await sweep.run({ dryRun: false });
    mailer.failing = false;
    expect(await sweep.run({ dryRun: false })).toMatchObject({ sent: 1 });
    expect(store.rows[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('given a child whose card keeps no name (revoked), then the mail says "your child" in its language', async () => {
    const { store, mailer, sweep } = setUp();
    store.facts = [blocked('p1', 'card-revoked')];
    store.noName = true;
    await sweep.run({ dryRun: false });
    expect(mailer.mails[0].text).toContain('De kaart van uw kind is ingetrokken.');
  });

  it('given contact details that do not open (a key removed), then no mail and the reason recorded', async () => {
    const { store, mailer, sweep } = setUp();
    store.facts = [blocked('broken')];
    await sweep.run({ dryRun: false });
    expect(mailer.mails).toEqual([]);
    expect(store.rows[0]).toMatchObject({ status: 'pending', lastError: 'sealed-value-not-opened' });
  });

  it('given a notice left sending by a crash, then it is reported stuck and never sent again', async () => {
    const { store, mailer, sweep } = setUp();
    store.facts = [blocked('p1')];
    store.rows.push({ parentId: 'p1', kind: 'cascade-blocked' as NoticeKind, subject: 'cascade-of-p1', occurrence: 'new-card:2026-12-01T00:00:00.000Z', childId: 'child-of-p1', cascadeId: 'cascade-of-p1', cardId: null, switchEventId: null, details: { reason: 'new-card' }, id: '1', status: 'sending', attempts: 1 });
    expect(await sweep.run({ dryRun: false })).toMatchObject({ recorded: 0, sent: 0, stuck: 1 });
    expect(mailer.mails).toEqual([]);
  });
});

describe('a notice whose kind was turned off after it was recorded', () => {
  it('is not sent, and not sent later either', async () => {
    const { store, mailer, sweep } = setUp();
    store.facts = [
      {
        ...blocked('p1'),
        cascade: { ...blocked('p1').cascade!, status: 'active', blockedReason: null, numbers: [{ id: 'n1', position: 1, lastVerifiedAt: null, lastCheckAt: NOW, lastCheckResult: 'busy' }] },
      },
    ];
    mailer.failing = true;
    await sweep.run({ dryRun: false });
    mailer.failing = false;
    store.turnedOff.add('number-check');
    expect(await sweep.run({ dryRun: false })).toMatchObject({ sent: 0, turnedOff: 1 });
    expect(await sweep.run({ dryRun: false })).toMatchObject({ sent: 0, turnedOff: 0 });
    expect([mailer.mails, store.rows[0].status]).toEqual([[], 'abandoned']);
  });
});

describe('dates in notices', () => {
  it.each([
    ['fr', '3 décembre 2026'],
    ['nl', '3 december 2026'],
    ['de', '3. Dezember 2026'],
    ['en', '3 December 2026'],
  ] as const)('in %s: %s', (language, expected) => {
    expect(formatDay('2026-12-03', language)).toBe(expected);
  });
});

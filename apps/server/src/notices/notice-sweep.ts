import { Language } from '../languages';
import { Mailer } from '../portal/domain/mailer';
import { CHILD_WITHOUT_NAME, MailKind, mailText } from '../portal/domain/mail-texts';
import { calendarDay } from '../retention/retention-policy';
import { ClaimedNotice, NoticeStore } from './domain/notice-store';
import { MAX_SEND_ATTEMPTS, NOTICE_KINDS, NoticeKind, childNoticesDue, noticeLanguage, noticesToRecord, switchNoticesDue } from './domain/notices';

/** Opens what the notices' mail needs: the account's address, the child's first name. */
export interface NoticeSecrets {
  email(parentId: string, keyId: string, sealed: Buffer): string;
  firstName(nationalNumberHash: Buffer, keyId: string, sealed: Buffer): string;
}

export interface NoticeSettings {
  /** The purge's calendar (RETENTION_TIME_ZONE): the notices' dates are the purge's. */
  timeZone: string;
  defaultLanguage: Language;
  /** The portal's address, the link in every notice. */
  publicUrl: string;
}

export interface NoticeLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export type SweepOutcome =
  | { ran: false; reason: 'another-instance-is-sweeping' }
  | { ran: true; dryRun: boolean; due: Record<NoticeKind, number>; recorded: number; sent: number; failed: number; abandoned: number; turnedOff: number; stuck: number };

/** Pending notices claimed at once; the sweep claims again until none is left. */
const CLAIM_BATCH = 100;

/**
 * The notices' sweep: reads the facts, records the notices due (once per account, kind, subject
 * and occurrence: a unique key in PostgreSQL), commits, then mails the pending ones. A notice is
 * marked `sending` in its own commit before its mail leaves and `sent` after: a send that fails
 * goes back to pending for the next sweep (at most MAX_SEND_ATTEMPTS in all); a crash while
 * sending leaves it `sending`, and it is never sent twice. One sweep at a time (advisory lock).
 * Logs carry ids and counts, never an address or a name.
 */
export class NoticeSweep {
  constructor(
    private readonly store: NoticeStore,
    private readonly mailer: Mailer,
    private readonly secrets: NoticeSecrets,
    private readonly settings: NoticeSettings,
    private readonly log: NoticeLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async run(options: { dryRun: boolean }): Promise<SweepOutcome> {
    const outcome = await this.store.exclusively(async (session) => {
      const now = this.now();
      const today = calendarDay(now, this.settings.timeZone);
      const facts = await session.childFacts(today, now);
      const due = facts.flatMap((f) => childNoticesDue(f, today));
      due.push(...switchNoticesDue(await session.latestSwitchChange(), await session.switchAudience(), now));
      const parentIds = [...new Set(due.map((n) => n.parentId))];
      const fresh = noticesToRecord(due, await session.disabledKinds(parentIds), await session.recordedKeys(parentIds));
      const counts = Object.fromEntries(NOTICE_KINDS.map((kind) => [kind, fresh.filter((n) => n.kind === kind).length])) as Record<NoticeKind, number>;
      if (options.dryRun) return { ran: true as const, dryRun: true, due: counts, recorded: 0, sent: 0, failed: 0, abandoned: 0, turnedOff: 0, stuck: await session.countStuck() };

      const recorded = await session.record(fresh);
      let sent = 0;
      let failed = 0;
      let abandoned = 0;
      let turnedOff = 0;
      // Keyset over the ids: a notice that fails goes back to pending for the next sweep, not this one.
      let after = '0';
      for (;;) {
        const claimed = await session.claim(CLAIM_BATCH, after);
        if (claimed.length === 0) break;
        for (const notice of claimed) {
          after = notice.id;
          if (notice.turnedOff) {
            await session.markFailed(notice.id, 'turned-off', true);
            turnedOff += 1;
            continue;
          }
          const result = await this.send(notice);
          if (result === 'sent') {
            await session.markSent(notice.id);
            sent += 1;
          } else {
            const abandon = notice.attempts >= MAX_SEND_ATTEMPTS;
            await session.markFailed(notice.id, result.reason, abandon);
            if (abandon) abandoned += 1;
            else failed += 1;
            this.log.warn({ notice: notice.id, parentId: notice.parentId, kind: notice.kind, attempts: notice.attempts, reason: result.reason }, abandon ? 'notice abandoned' : 'notice not sent; retried at the next sweep');
          }
        }
        if (claimed.length < CLAIM_BATCH) break;
      }
      return { ran: true as const, dryRun: false, due: counts, recorded, sent, failed, abandoned, turnedOff, stuck: await session.countStuck() };
    });
    return outcome ?? { ran: false, reason: 'another-instance-is-sweeping' };
  }

  private async send(notice: ClaimedNotice): Promise<'sent' | { reason: string }> {
    if (!notice.account) return { reason: 'no-contact-details' };
    let to: string;
    let name = '';
    try {
      to = this.secrets.email(notice.parentId, notice.account.keyId, notice.account.sealed);
      if (notice.card) name = this.secrets.firstName(notice.card.nationalNumberHash, notice.card.keyId, notice.card.sealed);
    } catch {
      return { reason: 'sealed-value-not-opened' };
    }
    const language = noticeLanguage(notice.chosenLanguage, notice.cascadeLanguage, this.settings.defaultLanguage);
    const { kind, vars } = this.mailKind(notice, language);
    try {
      // A revoked card keeps no name: the mail then says "your child".
      await this.mailer.deliver({ to, ...mailText(kind, language, `${this.settings.publicUrl}/`, { ...vars, name: name || CHILD_WITHOUT_NAME[language] }) });
      return 'sent';
    } catch (error) {
      return { reason: (error as Error).message || 'error' };
    }
  }

  private mailKind(notice: ClaimedNotice, language: Language): { kind: MailKind; vars: Record<string, string> } {
    const d = notice.details;
    const day = (value: string | undefined) => (value ? formatDay(value, language) : '');
    switch (notice.kind) {
      case 'cascade-blocked':
        return { kind: d.reason === 'new-card' ? 'notice-blocked-new-card' : d.reason === 'card-revoked' ? 'notice-blocked-card-revoked' : 'notice-blocked', vars: {} };
      case 'card-expired':
        return { kind: 'notice-card-expired', vars: { day: day(d.validUntil), until: day(d.ringsUntil) } };
      case 'deletion-soon':
        return { kind: 'notice-deletion-soon', vars: { day: day(d.deletionDay) } };
      case 'number-check':
        return { kind: d.check === 'failed' ? 'notice-number-failed' : 'notice-number-unverified', vars: { position: (d.positions ?? []).join(', ') } };
      case 'service-switch':
        return { kind: d.mode === 'suspended' ? 'notice-service-suspended' : 'notice-service-resumed', vars: {} };
    }
  }
}

/** A calendar day ('YYYY-MM-DD') as the language writes it (4 December 2026, 4 décembre 2026). */
export function formatDay(day: string, language: Language): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : language, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

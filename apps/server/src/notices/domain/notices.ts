import { cardValidUntil, cardStillRings, isCardPastValidity } from '../../cascades/domain/card-validity';
import type { CascadeStatus } from '../../cascades/domain/cascade-status';
import { Language } from '../../languages';
import { addDays, addMonths, cardRecordDeletionDay } from '../../retention/retention-policy';
import { ServiceMode } from '../../service-mode/domain/service-mode';

/**
 * Notices: mail that tells every parent linked to a child what happens to the child's cascade.
 * Pure rules here (which notices are due, given the facts read from the database and what was
 * already recorded); the sweep (notice-sweep.ts) reads the facts, records and mails.
 */
export const NOTICE_KINDS = ['cascade-blocked', 'card-expired', 'deletion-soon', 'number-check', 'service-switch'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** The blocking notice always goes: the cascade does not ring until a parent acts. */
export const MANDATORY_NOTICE_KINDS: readonly NoticeKind[] = ['cascade-blocked'];
/** The kinds an account may turn off. */
export const OPTIONAL_NOTICE_KINDS = NOTICE_KINDS.filter((kind) => !MANDATORY_NOTICE_KINDS.includes(kind));
export type OptionalNoticeKind = Exclude<NoticeKind, 'cascade-blocked'>;

export const isNoticeKind = (value: unknown): value is NoticeKind => typeof value === 'string' && (NOTICE_KINDS as readonly string[]).includes(value);
export const isOptionalNoticeKind = (value: unknown): value is OptionalNoticeKind => isNoticeKind(value) && !MANDATORY_NOTICE_KINDS.includes(value);

/** The deletion notice goes this many days before the purge deletes the cascade. */
export const DELETION_NOTICE_DAYS = 30;
/** A number nobody confirmed (answered and pressed 1) for this many months is worth a check. */
export const UNVERIFIED_NUMBER_MONTHS = 6;
/** A change of the service switch is told to parents for this many days after it (later links are not told of it). */
export const SWITCH_NOTICE_DAYS = 7;

/** What is known of one account's link to one child (read from the database; nothing personal). */
export interface ChildFacts {
  parentId: string;
  childId: string;
  cascade: {
    id: string;
    status: CascadeStatus;
    blockedReason: string | null;
    /**
     * Since when the cascade is not active: for a blocked cascade the blocking's start, or the
     * pause's when a paused cascade was blocked (each blocking after an activation is a new one).
     */
    inactiveSince: Date | null;
    activatedAt: Date | null;
    /** A test of the list is calling the numbers right now: their results are not final. */
    testRunning: boolean;
    numbers: NumberFacts[];
  } | null;
  /** The child's newest card. */
  newestCard: { id: string; issuedOn: string } | null;
}

export interface NumberFacts {
  id: string;
  position: number;
  lastVerifiedAt: Date | null;
  lastCheckAt: Date | null;
  lastCheckResult: string | null;
}

/** The service switch's latest change (its audit event), if any. */
export interface SwitchChange {
  eventId: string;
  mode: ServiceMode;
  at: Date;
}

/** An account that manages at least one cascade, for the switch notices. */
export interface SwitchAudience {
  parentId: string;
  /** The account was told of a suspension (a resumption is told only to those). */
  toldOfSuspension: boolean;
}

/** What a notice's mail says beyond its kind: codes and dates only, never a name or a number. */
export interface NoticeDetails {
  /** cascade-blocked: the cascade's blocked_reason. */
  reason?: string;
  /** number-check: the numbers' positions in the list, and what is wrong with them. */
  positions?: number[];
  check?: 'failed' | 'unverified';
  /** service-switch: the new mode. */
  mode?: ServiceMode;
  /** card-expired: the card's last valid day and the cascade's last ringing day; deletion-soon: the deletion day. */
  validUntil?: string;
  ringsUntil?: string;
  deletionDay?: string;
}

/** One notice to one account, unique by (parentId, kind, subject, occurrence). */
export interface DueNotice {
  parentId: string;
  kind: NoticeKind;
  subject: string;
  occurrence: string;
  childId: string | null;
  cascadeId: string | null;
  cardId: string | null;
  switchEventId: string | null;
  details: NoticeDetails;
}

export const noticeKey = (n: Pick<DueNotice, 'parentId' | 'kind' | 'subject' | 'occurrence'>): string => `${n.parentId}|${n.kind}|${n.subject}|${n.occurrence}`;

/** `today`: the calendar day in RETENTION_TIME_ZONE (the purge's calendar); `now`: the instant. */
export function childNoticesDue(facts: ChildFacts, today: string): DueNotice[] {
  const due: DueNotice[] = [];
  const { cascade, newestCard } = facts;
  if (!cascade) return due;
  const base = { parentId: facts.parentId, childId: facts.childId, cascadeId: cascade.id, cardId: null, switchEventId: null };

  // 1. Blocked (a new card, a revoked card…): once per blocking, whatever its reason.
  if (cascade.status === 'blocked' && cascade.blockedReason) {
    const since = cascade.inactiveSince ? cascade.inactiveSince.toISOString() : 'unknown';
    due.push({ ...base, kind: 'cascade-blocked', subject: cascade.id, occurrence: `${cascade.blockedReason}:${since}`, details: { reason: cascade.blockedReason } });
  }

  if (newestCard && cardStillRings(newestCard.issuedOn, today)) {
    // 2. The newest card is past its validity while its cascade still rings: order a new one.
    //    Not while paused (the mail says the cascade rings): told once a parent resumes it.
    if (cascade.status === 'active' && isCardPastValidity(newestCard.issuedOn, today)) {
      due.push({
        ...base,
        cardId: newestCard.id,
        kind: 'card-expired',
        subject: newestCard.id,
        occurrence: cardValidUntil(newestCard.issuedOn),
        details: { validUntil: cardValidUntil(newestCard.issuedOn), ringsUntil: addDays(cardRecordDeletionDay(newestCard.issuedOn), -1) },
      });
    }
    // 3. The purge deletes the card record, and the cascade with it, within DELETION_NOTICE_DAYS.
    const deletionDay = cardRecordDeletionDay(newestCard.issuedOn);
    if (addDays(deletionDay, -DELETION_NOTICE_DAYS) <= today) {
      due.push({ ...base, cardId: newestCard.id, kind: 'deletion-soon', subject: cascade.id, occurrence: deletionDay, details: { deletionDay } });
    }
  }

  // 4. A number of an active cascade failed its last check, or nobody confirmed it for months
  //    (a paused cascade calls no one: its numbers are told about once it is resumed).
  //    Keyed by the cascade and the check's time, not the number's row: saving the list rewrites
  //    the rows (with their results), which must not tell the same thing again. Numbers never
  //    confirmed share the activation's time: one notice names them all.
  if (cascade.status === 'active' && !cascade.testRunning) {
    const byOccurrence = new Map<string, DueNotice>();
    for (const number of cascade.numbers) {
      const check = numberCheck(number, cascade.activatedAt, today);
      if (!check) continue;
      const same = byOccurrence.get(check.occurrence);
      if (same) same.details.positions!.push(number.position);
      else byOccurrence.set(check.occurrence, { ...base, kind: 'number-check', subject: cascade.id, occurrence: check.occurrence, details: { positions: [number.position], check: check.check } });
    }
    due.push(...byOccurrence.values());
  }
  return due;
}

function numberCheck(number: NumberFacts, activatedAt: Date | null, today: string): { check: 'failed' | 'unverified'; occurrence: string } | null {
  const { lastCheckAt, lastCheckResult, lastVerifiedAt } = number;
  if (lastCheckAt && lastCheckResult && lastCheckResult !== 'confirmed' && (!lastVerifiedAt || lastVerifiedAt < lastCheckAt)) {
    return { check: 'failed', occurrence: `failed:${lastCheckAt.toISOString()}` };
  }
  // Never confirmed: counted from the cascade's activation.
  const since = lastVerifiedAt ?? activatedAt;
  if (since && addMonths(since.toISOString().slice(0, 10), UNVERIFIED_NUMBER_MONTHS) < today) {
    return { check: 'unverified', occurrence: `unverified:${since.toISOString()}` };
  }
  return null;
}

/** 5. The service switch's latest change, told for SWITCH_NOTICE_DAYS to every account that manages a cascade. */
export function switchNoticesDue(change: SwitchChange | null, audience: readonly SwitchAudience[], now: Date): DueNotice[] {
  if (!change) return [];
  if (now.getTime() - change.at.getTime() > SWITCH_NOTICE_DAYS * 86_400_000) return [];
  return audience
    .filter((account) => change.mode === 'suspended' || account.toldOfSuspension)
    .map((account) => ({
      parentId: account.parentId,
      kind: 'service-switch' as const,
      subject: change.eventId,
      occurrence: change.mode,
      childId: null,
      cascadeId: null,
      cardId: null,
      switchEventId: change.eventId,
      details: { mode: change.mode },
    }));
}

/** What is left to record: not turned off by the account (the mandatory kinds always stay), not recorded already. */
export function noticesToRecord(due: readonly DueNotice[], disabled: ReadonlyMap<string, ReadonlySet<NoticeKind>>, recorded: ReadonlySet<string>): DueNotice[] {
  const seen = new Set<string>();
  return due.filter((notice) => {
    const key = noticeKey(notice);
    if (seen.has(key) || recorded.has(key)) return false;
    seen.add(key);
    if (MANDATORY_NOTICE_KINDS.includes(notice.kind)) return true;
    return !disabled.get(notice.parentId)?.has(notice.kind);
  });
}

/** The language of an account's notices: its choice, else its child's cascade's, else the deployment's. */
export function noticeLanguage(chosen: Language | null, cascadeLanguage: Language | null, defaultLanguage: Language): Language {
  return chosen ?? cascadeLanguage ?? defaultLanguage;
}

/** A failed send is retried by the next sweeps, this many attempts in all. */
export const MAX_SEND_ATTEMPTS = 10;

import { Language } from '../../languages';
import { ChildFacts, DueNotice, NoticeDetails, NoticeKind, SwitchAudience, SwitchChange } from './notices';

/** A recorded notice claimed for sending, with what its mail needs (sealed: opened by the sweep). */
export interface ClaimedNotice {
  id: string;
  parentId: string;
  kind: NoticeKind;
  childId: string | null;
  details: NoticeDetails;
  attempts: number;
  account: { keyId: string; sealed: Buffer } | null;
  /** The child's newest card, for the first name. */
  card: { nationalNumberHash: Buffer; keyId: string; sealed: Buffer } | null;
  chosenLanguage: Language | null;
  cascadeLanguage: Language | null;
  /** The account turned this kind off since the notice was recorded: it is not sent. */
  turnedOff: boolean;
}

/** A notice recorded for an account, as its data export shows it (codes and dates only). */
export interface RecordedNotice {
  kind: NoticeKind;
  childId: string | null;
  details: NoticeDetails;
  status: 'pending' | 'sending' | 'sent' | 'abandoned';
  recordedAt: Date;
  sentAt: Date | null;
}

export interface NoticePreferences {
  language: Language | null;
  disabledKinds: NoticeKind[];
}

/** Where notices' facts are read and notices recorded (PostgreSQL: persistence/pg-notice-store.ts). */
export abstract class NoticeStore {
  /** Runs `work` while holding the sweep's lock; undefined at once when another sweep holds it. */
  abstract exclusively<T>(work: (tx: NoticeSweepSession) => Promise<T>): Promise<T | undefined>;
  abstract preferences(parentId: string): Promise<NoticePreferences>;
  abstract setPreferences(parentId: string, preferences: NoticePreferences): Promise<void>;
  /** Every notice recorded for the account, oldest first. */
  abstract recordedFor(parentId: string): Promise<RecordedNotice[]>;
}

/** What a sweep does while it holds the lock. */
export interface NoticeSweepSession {
  /** Links whose child may have a notice due (a loose filter: the domain decides). `today` in the purge's calendar. */
  childFacts(today: string, now: Date): Promise<ChildFacts[]>;
  latestSwitchChange(): Promise<SwitchChange | null>;
  switchAudience(): Promise<SwitchAudience[]>;
  disabledKinds(parentIds: readonly string[]): Promise<Map<string, Set<NoticeKind>>>;
  recordedKeys(parentIds: readonly string[]): Promise<Set<string>>;
  /** Records the notices as pending in one transaction (a notice already recorded is skipped); returns how many were new. */
  record(notices: readonly DueNotice[]): Promise<number>;
  /** Marks up to `limit` pending notices with ids above `afterId` `sending` (committed before any mail leaves) and returns them in id order. */
  claim(limit: number, afterId: string): Promise<ClaimedNotice[]>;
  markSent(id: string): Promise<void>;
  /** Back to pending for the next sweep, or abandoned after the last attempt. */
  markFailed(id: string, reason: string, abandon: boolean): Promise<void>;
  /** Notices left `sending` by a crash (never sent again). */
  countStuck(): Promise<number>;
}

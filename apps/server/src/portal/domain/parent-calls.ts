import { parseNationalNumber } from '../../cascades/domain/national-number';
import type { Language } from '../../languages';
import { Pseudonymizer } from '../../privacy/pseudonymizer';
import type { AnnouncementDialler } from '../../telephony/announcement/announcement-dialler';
import type { AnnouncementResult } from '../../telephony/announcement/announcement-machine';
import { AttemptSubject, accountSubject, callerSubject } from './link-lockout';
import { PortalError } from './portal-error';
import { isUuid } from './parent-children';

/** One test per cascade in this time: each test rings every phone of the family. */
export const TEST_INTERVAL_MS = 10 * 60_000;
/**
 * Seven numbers take well under this; a test still unfinished after it was cut short (the app
 * stopped mid-test) and no longer shows as running.
 */
export const TEST_STALE_AFTER_MS = 20 * 60_000;
/** Lost-code calls: at most this many per child's number and per account (or caller, on the parents' line) in CODE_WINDOW_MS. */
export const CODE_REQUESTS_PER_NUMBER = 2;
export const CODE_REQUESTS_PER_ACCOUNT = 3;
export const CODE_WINDOW_MS = 24 * 3_600_000;

/** The one answer to a lost-code request, whatever the number: nothing tells them apart. */
export const CODE_REQUEST_ACCEPTED =
  'if this national register number has an active cascade, the service will call its first number and read the code out: answer and press 1';

export interface CascadeToTest {
  cascadeId: string;
  language: Language;
  numbers: { position: number; e164: string }[];
}

export interface CascadeCheckView {
  test: { startedAt: string; finishedAt: string | null; running: boolean; currentPosition: number | null } | null;
  numbers: { position: number; number: string; label: string; lastVerifiedAt: string | null; lastCheckAt: string | null; lastCheckResult: AnnouncementResult | null }[];
}

export interface StoredCheckView {
  test: { startedAt: Date; finishedAt: Date | null; currentPosition: number | null } | null;
  numbers: { position: number; e164: string; label: string; lastVerifiedAt: Date | null; lastCheckAt: Date | null; lastCheckResult: AnnouncementResult | null }[];
}

/** The child's active cascade for a code call: its first number, language and sealed card. */
export interface CodeCallTarget {
  cascadeId: string;
  firstNumber: string;
  language: Language;
  card: { keyId: string; sealed: Buffer };
  /** The child's keyed hash as stored (under the current or, during a rotation, the previous pseudonym key): the card's associated data. */
  childHash: Buffer;
}

export interface ParentCallsStore {
  /** null: the child is not linked to this parent (or does not exist); cascade null: none yet. */
  cascadeToTest(parentId: string, childId: string): Promise<{ cascade: CascadeToTest | null } | null>;
  /** Starts a test at `firstPosition` unless one started after `notBefore` (then null); audits it. */
  beginTest(cascadeId: string, parentId: string, notBefore: Date, firstPosition: number): Promise<string | null>;
  testProgress(testId: string, position: number): Promise<void>;
  recordCheck(cascadeId: string, e164: string, result: AnnouncementResult, at: Date): Promise<void>;
  finishTest(testId: string): Promise<void>;
  checkView(parentId: string, childId: string): Promise<StoredCheckView | null>;
  /**
   * Atomically (two requests at once count as two): if `allow` accepts the requests since `since`
   * for these subjects, counts this one and writes the audit trail (the account, or "by phone";
   * no number, no child) and answers true.
   */
  admitCodeRequest(subjects: AttemptSubject[], requester: CodeRequester, at: Date, since: Date, allow: (recent: { kind: AttemptSubject['kind'] }[]) => boolean): Promise<boolean>;
  /** The active cascade's first number and card of the child stored under one of these hashes. */
  codeCallTarget(nationalNumberHashes: Buffer[]): Promise<CodeCallTarget | null>;
  auditCodeCall(cascadeId: string, result: AnnouncementResult): Promise<void>;
}

/** Who asked for a code: a signed-in parent, or a caller on the parents' line (no account). */
export type CodeRequester = { kind: 'account'; parentId: string } | { kind: 'phone' };

export interface CodeOpener {
  contactCode(nationalNumberHash: Buffer, keyId: string, sealed: Buffer): string;
}

export interface ParentCallsLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * Calls the service places for a parent: a test of the list (each number in turn, the result
 * kept per number) and the lost contact code read out on the first number of the active
 * cascade. Calls run in the background; the request answers at once.
 */
export class ParentCalls {
  /** Tests and code calls still running, so a shutdown or a test can wait for them. */
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly store: ParentCallsStore,
    private readonly dialler: AnnouncementDialler | null,
    private readonly pseudonymizer: Pseudonymizer,
    private readonly codes: CodeOpener,
    private readonly log: ParentCallsLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async startTest(parentId: string, childId: string): Promise<CascadeCheckView> {
    const found = isUuid(childId) ? await this.store.cascadeToTest(parentId, childId) : null;
    if (!found) throw PortalError.notFound();
    const cascade = found.cascade;
    if (!cascade || cascade.numbers.length === 0) throw new PortalError('conflict', 'the list has no number to test yet: add and save numbers first');
    const dialler = this.requireDialler();
    const testId = await this.store.beginTest(cascade.cascadeId, parentId, new Date(this.now().getTime() - TEST_INTERVAL_MS), cascade.numbers[0].position);
    if (!testId) throw new PortalError('rate-limited', `the list was tested less than ${TEST_INTERVAL_MS / 60_000} minutes ago: wait and try again`);
    this.track(this.runTest(dialler, testId, cascade));
    return this.checks(parentId, childId);
  }

  async checks(parentId: string, childId: string): Promise<CascadeCheckView> {
    const view = isUuid(childId) ? await this.store.checkView(parentId, childId) : null;
    if (!view) throw PortalError.notFound();
    const running = !!view.test && view.test.finishedAt === null && this.now().getTime() - view.test.startedAt.getTime() < TEST_STALE_AFTER_MS;
    return {
      test: view.test && {
        startedAt: view.test.startedAt.toISOString(),
        finishedAt: view.test.finishedAt?.toISOString() ?? null,
        running,
        currentPosition: running ? view.test.currentPosition : null,
      },
      numbers: view.numbers.map((n) => ({
        position: n.position,
        number: n.e164,
        label: n.label,
        lastVerifiedAt: n.lastVerifiedAt?.toISOString() ?? null,
        lastCheckAt: n.lastCheckAt?.toISOString() ?? null,
        lastCheckResult: n.lastCheckResult,
      })),
    };
  }

  /**
   * A signed-in parent asks for a child's lost code. The answer is the same whether or not the
   * number exists or has an active cascade; the call goes only to that cascade's first number.
   */
  async requestCode(parentId: string, rawNationalNumber: string): Promise<{ message: string }> {
    const parsed = parseNationalNumber(rawNationalNumber);
    if (!parsed.valid) throw PortalError.invalidNationalNumber(parsed.reason);
    const nationalNumber = parsed.digits;
    if (!(await this.admitAndCall(nationalNumber, accountSubject(parentId), { kind: 'account', parentId }))) {
      throw new PortalError('rate-limited', 'too many code requests: try again tomorrow');
    }
    return { message: CODE_REQUEST_ACCEPTED };
  }

  /**
   * The same request from the parents' line (no account): the caller's number takes the
   * account's place in the limits (CODE_REQUESTS_PER_ACCOUNT per caller). `limited` whether or
   * not the number exists, like the portal's answer.
   */
  async requestCodeByPhone(callerNumber: string, nationalNumber: string): Promise<'accepted' | 'limited'> {
    const parsed = parseNationalNumber(nationalNumber);
    if (!parsed.valid) throw PortalError.invalidNationalNumber(parsed.reason);
    return (await this.admitAndCall(parsed.digits, callerSubject(this.pseudonymizer, callerNumber), { kind: 'phone' })) ? 'accepted' : 'limited';
  }

  /** Counts the request against the child's number and the requester; if within the limits, calls in the background. */
  private async admitAndCall(nationalNumber: string, requesterSubject: AttemptSubject, requester: CodeRequester): Promise<boolean> {
    const dialler = this.requireDialler();
    const hash = this.pseudonymizer.hash('national-number', nationalNumber);
    const subjects: AttemptSubject[] = [{ kind: 'national-number', hash }, requesterSubject];
    const at = this.now();
    const allow = (recent: { kind: AttemptSubject['kind'] }[]) =>
      recent.filter((r) => r.kind === 'national-number').length < CODE_REQUESTS_PER_NUMBER && recent.filter((r) => r.kind === requesterSubject.kind).length < CODE_REQUESTS_PER_ACCOUNT;
    if (!(await this.store.admitCodeRequest(subjects, requester, at, new Date(at.getTime() - CODE_WINDOW_MS), allow))) return false;
    // In the background, so the answer's timing says nothing either.
    this.track(this.callWithCode(dialler, this.pseudonymizer.hashes('national-number', nationalNumber)));
    return true;
  }

  /** Resolves when every call started so far is over (tests, graceful shutdown). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private requireDialler(): AnnouncementDialler {
    if (!this.dialler) throw new PortalError('conflict', 'the telephony is not available on this server');
    return this.dialler;
  }

  private track(work: Promise<void>): void {
    const tracked = work.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  private async runTest(dialler: AnnouncementDialler, testId: string, cascade: CascadeToTest): Promise<void> {
    try {
      for (const number of cascade.numbers) {
        await this.store.testProgress(testId, number.position);
        let result: AnnouncementResult;
        try {
          result = await dialler.call({ number: number.e164, language: cascade.language, purpose: { kind: 'test' } });
        } catch (error) {
          this.log.warn({ cascadeId: cascade.cascadeId, position: number.position, reason: (error as Error).message }, 'test call failed');
          result = 'failed';
        }
        await this.store.recordCheck(cascade.cascadeId, number.e164, result, this.now());
      }
    } catch (error) {
      this.log.warn({ cascadeId: cascade.cascadeId, reason: (error as Error).message }, 'cascade test stopped');
    } finally {
      await this.store.finishTest(testId).catch(() => undefined);
    }
  }

  private async callWithCode(dialler: AnnouncementDialler, hashes: Buffer[]): Promise<void> {
    try {
      const target = await this.store.codeCallTarget(hashes);
      if (!target) return;
      // Opened only for this call; held in memory until the call ends, never logged.
      const code = this.codes.contactCode(target.childHash, target.card.keyId, target.card.sealed);
      const result = await dialler.call({ number: target.firstNumber, language: target.language, purpose: { kind: 'code', code } });
      await this.store.auditCodeCall(target.cascadeId, result);
    } catch (error) {
      this.log.warn({ reason: (error as Error).message }, 'lost-code call failed');
    }
  }
}

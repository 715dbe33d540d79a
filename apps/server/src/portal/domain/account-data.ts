import type { NoticesExport } from '../../notices/domain/notice-preferences';
import { AccountProfile, AccountService } from './accounts';
import { CallView, ChildCallHistory } from './call-history';
import { AttemptSubject, accountSubject } from './link-lockout';
import { CascadeCheckView } from './parent-calls';
import { CascadeView, ChildView, ParentChildren } from './parent-children';
import { PortalError } from './portal-error';

/** Port: what is held about an account beyond its profile, and its deletion. */
export interface AccountDataStore {
  sessions(parentId: string): Promise<{ createdAt: Date; lastSeenAt: Date }[]>;
  /** The OpenID Connect identities that sign in to this account (the subject is only held hashed). */
  signInProviders(parentId: string): Promise<{ issuer: string; linkedAt: Date; lastUsedAt: Date }[]>;
  /** Children of this account that have a cascade and no other guardian. */
  soleGuardianCascades(parentId: string): Promise<string[]>;
  /** In one transaction: deletes these children's cascades, the account's failed tries, then the account (sessions, tokens and links go with it). */
  deleteAccount(parentId: string, cascadesOf: string[], attempts: AttemptSubject): Promise<void>;
}

export interface AccountExport {
  exportedAt: string;
  account: AccountProfile;
  sessions: { createdAt: string; lastSeenAt: string }[];
  signInProviders: { issuer: string; linkedAt: string; lastUsedAt: string }[];
  /** Each child with its cascade, the results of the tests of its numbers, and every call about it still kept (newest first). */
  children: (ChildView & { cascade: CascadeView; checks: CascadeCheckView; calls: CallView[] })[];
  /** The notices this account chose and was sent (apps/server/src/notices). */
  notices: NoticesExport;
  notes: string[];
}

/** Seeing, exporting and deleting everything held about a parent (withdrawal of consent). */
export class AccountData {
  constructor(
    private readonly accounts: AccountService,
    private readonly children: ParentChildren,
    private readonly store: AccountDataStore,
    private readonly callHistory: ChildCallHistory,
    private readonly numberChecks: { checks(parentId: string, childId: string): Promise<CascadeCheckView> },
    private readonly notices: { export(parentId: string): Promise<NoticesExport> },
  ) {}

  async export(parentId: string): Promise<AccountExport> {
    const account = await this.accounts.profile(parentId);
    const children = await this.children.list(parentId);
    return {
      exportedAt: new Date().toISOString(),
      account,
      sessions: (await this.store.sessions(parentId)).map((s) => ({ createdAt: s.createdAt.toISOString(), lastSeenAt: s.lastSeenAt.toISOString() })),
      signInProviders: (await this.store.signInProviders(parentId)).map((p) => ({ issuer: p.issuer, linkedAt: p.linkedAt.toISOString(), lastUsedAt: p.lastUsedAt.toISOString() })),
      children: await Promise.all(
        children.map(async (child) => ({
          ...child,
          cascade: await this.children.cascade(parentId, child.id),
          checks: await this.numberChecks.checks(parentId, child.id),
          calls: await this.callHistory.allCalls(parentId, child.id),
        })),
      ),
      notices: await this.notices.export(parentId),
      notes: [
        'Your password is stored only as an argon2id hash, your e-mail address encrypted, and failed code attempts as keyed hashes: none can be exported in clear.',
        "The children's national register numbers are stored only as keyed hashes.",
        "Each child's calls (children[].calls) are every call record still kept; the finder's number was never stored, only a keyed hash, which is not exported.",
        'Your identifier at a sign-in provider (signInProviders) is stored only as a keyed hash.',
        'If two-step sign-in is on, its secret and recovery codes are not exported: they would let anyone holding this file pass the second factor.',
      ],
    };
  }

  /**
   * Deletes the account. Cascades this parent alone manages must go first, or in the same step
   * with `deleteCascades`; cascades shared with another guardian stay with that guardian.
   */
  async delete(parentId: string, deleteCascades: boolean): Promise<{ deletedCascades: number }> {
    const sole = await this.store.soleGuardianCascades(parentId);
    if (sole.length > 0 && !deleteCascades) {
      throw new PortalError('conflict', `you still manage ${sole.length} cascade(s) alone: delete them first, or confirm with "deleteCascades": true to delete them with the account`, [
        { field: 'deleteCascades', code: 'cascades-remain', message: 'set to true to delete your cascades together with the account' },
      ]);
    }
    await this.store.deleteAccount(parentId, sole, accountSubject(parentId));
    return { deletedCascades: sole.length };
  }
}

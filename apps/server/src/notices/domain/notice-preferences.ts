import { Language } from '../../languages';
import { PortalError } from '../../portal/domain/portal-error';
import { NoticeStore } from './notice-store';
import { MANDATORY_NOTICE_KINDS, NOTICE_KINDS, NoticeKind, OPTIONAL_NOTICE_KINDS, OptionalNoticeKind, isOptionalNoticeKind } from './notices';

/** An account's notice settings as the portal shows them. */
export interface NoticePreferencesView {
  /** The language of the notices; null: the language of the child's cascade, else the deployment's. */
  language: Language | null;
  /** Every kind, whether it is sent to this account, and whether it can be turned off. */
  kinds: { kind: NoticeKind; enabled: boolean; mandatory: boolean }[];
}

/** The notices in an account's data export. */
export interface NoticesExport {
  preferences: NoticePreferencesView;
  /** Every notice recorded for the account: its kind, the child it was about, codes and dates (what the mail said), and whether it was sent. */
  recorded: { kind: NoticeKind; childId: string | null; details: Record<string, unknown>; status: string; recordedAt: string; sentAt: string | null }[];
}

/** The account API's use cases: read and change which notices an account gets; export them. */
export class NoticePreferencesService {
  constructor(private readonly store: NoticeStore) {}

  async get(parentId: string): Promise<NoticePreferencesView> {
    const stored = await this.store.preferences(parentId);
    const disabled = new Set(stored.disabledKinds);
    return {
      language: stored.language,
      kinds: NOTICE_KINDS.map((kind) => ({ kind, enabled: !disabled.has(kind), mandatory: MANDATORY_NOTICE_KINDS.includes(kind) })),
    };
  }

  async export(parentId: string): Promise<NoticesExport> {
    return {
      preferences: await this.get(parentId),
      recorded: (await this.store.recordedFor(parentId)).map((n) => ({
        kind: n.kind,
        childId: n.childId,
        details: { ...n.details },
        status: n.status,
        recordedAt: n.recordedAt.toISOString(),
        sentAt: n.sentAt ? n.sentAt.toISOString() : null,
      })),
    };
  }

  /** `disabled`: the kinds turned off (the mandatory ones cannot be); `language`: null for the default. */
  async set(parentId: string, change: { language: Language | null; disabled: readonly string[] }): Promise<NoticePreferencesView> {
    const wrong = change.disabled.find((kind) => !isOptionalNoticeKind(kind));
    if (wrong !== undefined) {
      throw PortalError.invalid([{ field: 'disabled', code: 'not-optional', message: `'${wrong}' cannot be turned off (the kinds that can: ${OPTIONAL_NOTICE_KINDS.join(', ')})` }]);
    }
    const disabled = OPTIONAL_NOTICE_KINDS.filter((kind) => change.disabled.includes(kind)) as OptionalNoticeKind[];
    await this.store.setPreferences(parentId, { language: change.language, disabledKinds: disabled });
    return this.get(parentId);
  }
}

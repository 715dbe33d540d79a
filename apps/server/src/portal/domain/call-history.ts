import { isUuid } from './parent-children';
import { PortalError } from './portal-error';

/** How many calls the history shows: the newest ones (records older than the retention are gone anyway). */
export const CALL_HISTORY_LIMIT = 50;

/** One leg as the call flow recorded it: position '1'..'7' or 'hotline'; the number's label when the leg ended. */
export interface StoredLeg {
  position: string;
  label: string | null;
  result: string;
  startedAt: Date;
  endedAt: Date;
}

/** One call about a child, as recorded (no caller, no national number: those stay in the store). */
export interface StoredCall {
  id: string;
  startedAt: Date;
  endedAt: Date | null;
  outcome: string | null;
  connectedPosition: string | null;
  legs: StoredLeg[];
}

/** Port: the call records of one child (found by the number the finder typed), newest first; `limit` null: every one kept. */
export interface CallHistoryStore {
  recentCallsOfChild(childId: string, limit: number | null): Promise<StoredCall[]>;
}

/** Port: "does this parent manage this child?" (ParentChildrenStore.isLinked). */
export interface ChildLinks {
  isLinked(parentId: string, childId: string): Promise<boolean>;
}

/** Which leg: a number of the list (position 1-7 and its label) or the hotline. */
export interface LegRef {
  hotline: boolean;
  position: number | null;
  label: string | null;
}

export interface LegView extends LegRef {
  result: string;
  startedAt: string;
  endedAt: string;
}

export interface CallView {
  id: string;
  startedAt: string;
  endedAt: string | null;
  /** The call flow's outcome code; null while the call runs or when its end was not recorded. */
  outcome: string | null;
  /** The leg that took the call (a parent who accepted, or the hotline), if any. */
  answeredBy: LegRef | null;
  /** In the order they rang. */
  legs: LegView[];
}

function legRef(position: string, label: string | null): LegRef {
  if (position === 'hotline') return { hotline: true, position: null, label: null };
  const n = Number(position);
  return { hotline: false, position: Number.isInteger(n) ? n : null, label };
}

/**
 * The call history a parent sees for a child they manage: when the cascade was used, how each
 * call ended and which number answered. A child not linked to this parent is not found, exactly
 * like the other children endpoints.
 */
export class ChildCallHistory {
  constructor(
    private readonly links: ChildLinks,
    private readonly store: CallHistoryStore,
    private readonly limit = CALL_HISTORY_LIMIT,
  ) {}

  async calls(parentId: string, childId: string): Promise<CallView[]> {
    if (!isUuid(childId) || !(await this.links.isLinked(parentId, childId))) throw PortalError.notFound();
    return (await this.store.recentCallsOfChild(childId, this.limit)).map(toView);
  }

  /** Every call still kept (CALL_RECORD_RETENTION_DAYS), not only the newest: the account export holds all. */
  async allCalls(parentId: string, childId: string): Promise<CallView[]> {
    if (!isUuid(childId) || !(await this.links.isLinked(parentId, childId))) throw PortalError.notFound();
    return (await this.store.recentCallsOfChild(childId, null)).map(toView);
  }
}

export function toView(call: StoredCall): CallView {
  const answering = call.connectedPosition === null ? undefined : call.legs.find((leg) => leg.position === call.connectedPosition);
  return {
    id: call.id,
    startedAt: call.startedAt.toISOString(),
    endedAt: call.endedAt?.toISOString() ?? null,
    outcome: call.outcome,
    answeredBy: call.connectedPosition === null ? null : legRef(call.connectedPosition, answering?.label ?? null),
    legs: call.legs.map((leg) => ({ ...legRef(leg.position, leg.label), result: leg.result, startedAt: leg.startedAt.toISOString(), endedAt: leg.endedAt.toISOString() })),
  };
}

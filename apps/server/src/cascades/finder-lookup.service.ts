import { Pseudonymizer } from '../privacy/pseudonymizer';
import { CallAdmission, CallCaps, CAP_DAY_MS, exceededCap } from './domain/call-caps';
import { CascadeDirectory, decide, FinderLookupResult, LookupLedger } from './domain/finder-lookup';

const HOUR_MS = 3_600_000;

/**
 * The call flow's one question: "may this national number's cascade ring for this caller now?"
 * Records the look-up (for the abuse rule and the cascade's call history) before answering.
 */
export class FinderLookupService {
  constructor(
    private readonly directory: CascadeDirectory,
    private readonly ledger: LookupLedger,
    private readonly pseudonymizer: Pseudonymizer,
    private readonly maxNumbersPerHour: number,
    private readonly now: () => Date = () => new Date(),
    /** The call caps (docs/security.md); without them, a found cascade always rings. */
    private readonly caps: { admission: CallAdmission; limits: CallCaps } | null = null,
  ) {}

  async lookUp(callId: string, nationalNumber: string, callerNumber: string): Promise<FinderLookupResult> {
    const at = this.now();
    const numberHashes = this.pseudonymizer.hashes('national-number', nationalNumber);
    const callerHashes = this.pseudonymizer.hashes('caller', callerNumber);
    const callerHash = callerHashes[0];
    // Side by side: the finder waits for both, and the cascade found is used only if the caller may go on.
    const [note, cascade] = await Promise.all([
      this.ledger.noteLookup(callId, callerHashes, numberHashes[0], at, new Date(at.getTime() - HOUR_MS)),
      this.directory.findByNationalNumberHash(numberHashes),
    ]);
    // A caller an operator blocked goes where the abuse limit sends callers: the hotline.
    if (note.callerBlocked) return { kind: 'throttled', limit: 'caller-blocked' };
    if (note.distinctNumbers > this.maxNumbersPerHour) return { kind: 'throttled', limit: 'numbers-per-hour' };
    const result = decide(cascade, at.toISOString().slice(0, 10));
    if (result.kind !== 'found' || !this.caps) return result;
    const { admission, limits } = this.caps;
    const exceeded = await admission.admit(
      { callId, cascadeId: result.cascadeId, callerHash: /\d/.test(callerNumber) ? callerHash : null },
      { openSince: new Date(at.getTime() - limits.openCallMaxAgeMs), legsSince: new Date(at.getTime() - CAP_DAY_MS) },
      (counts) => exceededCap(counts, limits),
    );
    return exceeded ? { kind: 'throttled', limit: exceeded } : result;
  }
}

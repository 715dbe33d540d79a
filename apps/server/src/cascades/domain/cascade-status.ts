/**
 * A cascade's status, as `cascades.status` holds it (CHECK ck_cascades_status): the one list the
 * look-up, the portal, the notices, the operators' commands and the API's description import.
 *
 * - `draft`: saved, never activated (no consent yet): it calls no one.
 * - `active`: the terms accepted; the only status in which a finder's call rings the list.
 * - `paused`: a parent paused an active cascade; it calls no one (a finder goes to the hotline, as
 *   for any number without an active cascade) until a parent resumes it, with no new consent.
 * - `blocked`: a new card was issued, or the card revoked (`blocked_reason`); it calls no one until
 *   a parent re-activates it with the code of the new card's letter. A paused cascade is blocked
 *   too, so resuming can never skip that code.
 *
 * Every status but `active` counts as inactive (`inactive_since` set) for the retention of parent
 * accounts.
 */
export const CASCADE_STATUSES = ['draft', 'active', 'paused', 'blocked'] as const;
export type CascadeStatus = (typeof CASCADE_STATUSES)[number];

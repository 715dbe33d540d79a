/**
 * The service switch: `normal`, or `suspended` in an incident (finders hear that the service is not
 * operational and are put through to the hotline). One value for every node, kept in PostgreSQL;
 * each app mirrors it into its own Asterisk (the global ALLOPARENTS_MODE, which the dialplan's
 * fallback reads when the app is down), and a change an operator types in any node's Asterisk CLI
 * is carried back to PostgreSQL and from there to the other nodes.
 */
export const SERVICE_MODES = ['normal', 'suspended'] as const;
export type ServiceMode = (typeof SERVICE_MODES)[number];

export const isServiceMode = (value: unknown): value is ServiceMode => typeof value === 'string' && (SERVICE_MODES as readonly string[]).includes(value);

/** Who changed the switch: an operator's name, or `asterisk-cli@<node>`. */
export const CHANGED_BY_PATTERN = /^[A-Za-z0-9._@:-]{1,80}$/;

export interface ServiceSwitchState {
  mode: ServiceMode;
  changedBy: string;
  changedAt: Date;
}

export class ServiceModeError extends Error {}

/** Where the switch is kept (PostgreSQL), and how its changes are announced to every node. */
export abstract class ServiceSwitchStore {
  abstract read(): Promise<ServiceSwitchState>;
  /** Sets the mode (audited in the same transaction); null when it already had that value. */
  abstract change(mode: ServiceMode, changedBy: string): Promise<{ before: ServiceMode } | null>;
}

/** The domain event: the switch changed (the mail to parents and the metrics hang on it; no I/O here). */
export interface ServiceModeChange {
  mode: ServiceMode;
  before: ServiceMode;
  changedBy: string;
}
export type ServiceModeListener = (change: ServiceModeChange) => void | Promise<void>;

/**
 * What one node's Asterisk says, as the app reads it: its global ALLOPARENTS_MODE, and the marker
 * ALLOPARENTS_MODE_MIRRORED the app sets to the value it last mirrored there. Asterisk's own
 * start-up gives `normal` and no marker.
 */
export interface AsteriskSwitchView {
  mode: string;
  mirrored: string;
}

export type MirrorDecision =
  /** Asterisk holds the stored value already. */
  | { type: 'inSync' }
  /** Write the stored value into Asterisk (it restarted, a notification was missed, or it holds nonsense). */
  | { type: 'mirror'; mode: ServiceMode; reason: 'asterisk-started' | 'stored-changed' | 'invalid-value' }
  /** An operator changed ALLOPARENTS_MODE in this Asterisk's CLI: store it, for every node. */
  | { type: 'store'; mode: ServiceMode };

/**
 * Compares a node's Asterisk with the stored switch. The marker tells an operator's change (the
 * mode moved away from what the app mirrored) from Asterisk's start-up (no marker at all: its
 * `normal` from extensions.conf must never resume a suspended service).
 */
export function decideMirror(stored: ServiceMode, asterisk: AsteriskSwitchView): MirrorDecision {
  if (!isServiceMode(asterisk.mirrored)) return { type: 'mirror', mode: stored, reason: 'asterisk-started' };
  if (asterisk.mode !== asterisk.mirrored) {
    return isServiceMode(asterisk.mode) ? { type: 'store', mode: asterisk.mode } : { type: 'mirror', mode: stored, reason: 'invalid-value' };
  }
  return asterisk.mode === stored ? { type: 'inSync' } : { type: 'mirror', mode: stored, reason: 'stored-changed' };
}

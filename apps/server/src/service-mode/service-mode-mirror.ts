import { AsteriskSwitchView, ServiceMode, ServiceSwitchStore, decideMirror } from './domain/service-mode';
import { ServiceSwitch } from './service-switch';

/** This node's Asterisk, as far as the switch goes (ARI's global variables). */
export interface AsteriskSwitch {
  read(): Promise<AsteriskSwitchView>;
  /** Sets ALLOPARENTS_MODE, then the marker ALLOPARENTS_MODE_MIRRORED, to `mode`. */
  write(mode: ServiceMode): Promise<void>;
}

export interface ServiceModeMirrorLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * One node's side of the shared switch: knows the stored value (read at start, on every
 * notification, and every `intervalMs` as a safety net), keeps its Asterisk's global in step
 * (the dialplan's fallback reads it when the app is down), and carries a change typed in this
 * Asterisk's CLI to PostgreSQL, from where every other node takes it.
 */
export class ServiceModeMirror {
  private known: ServiceMode | undefined;
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      store: ServiceSwitchStore;
      service: ServiceSwitch;
      asterisk: AsteriskSwitch;
      /** Names this node in the audit trail: `asterisk-cli@<node>`. */
      node: string;
      intervalMs: number;
      log: ServiceModeMirrorLog;
    },
  ) {}

  /** The stored mode as this node last read it; undefined until PostgreSQL answered once. */
  get current(): ServiceMode | undefined {
    return this.known;
  }

  /**
   * Reads the stored value (so the first finder already gets it), waiting up to `startWaitMs` for
   * PostgreSQL (the app's pool connects in the background), then keeps in step every intervalMs.
   */
  async start(startWaitMs = 5_000, retryMs = 100): Promise<void> {
    const deadline = Date.now() + startWaitMs;
    for (;;) {
      try {
        await this.refresh();
        break;
      } catch (error) {
        if (Date.now() >= deadline) {
          this.deps.log.warn({ reason: (error as Error).message }, 'service switch: PostgreSQL not reachable at start; the Asterisk value holds until it is');
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, retryMs));
      }
    }
    this.timer = setInterval(() => void this.sync(), this.deps.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A notification from PostgreSQL: the value every node must now hold. */
  notified(mode: ServiceMode): Promise<void> {
    this.known = mode;
    return this.sync();
  }

  /** One pass (serialised): re-read the store, compare this Asterisk with it, act. Faults are logged, never thrown. */
  sync(): Promise<void> {
    this.queue = this.queue.then(() => this.pass().catch((error: unknown) => this.deps.log.warn({ reason: (error as Error).message }, 'service switch: could not synchronise (next try soon)')));
    return this.queue;
  }

  private async refresh(): Promise<ServiceMode> {
    const { mode } = await this.deps.store.read();
    if (mode !== this.known) this.deps.log.info({ mode, before: this.known ?? null }, 'service switch: stored mode');
    this.known = mode;
    return mode;
  }

  private async pass(): Promise<void> {
    const stored = await this.refresh();
    const view = await this.deps.asterisk.read();
    const decision = decideMirror(stored, view);
    if (decision.type === 'inSync') return;
    if (decision.type === 'mirror') {
      await this.deps.asterisk.write(decision.mode);
      this.deps.log.info({ mode: decision.mode, reason: decision.reason }, 'service switch: mirrored into Asterisk');
      return;
    }
    const changedBy = `asterisk-cli@${this.deps.node}`;
    await this.deps.service.change(decision.mode, changedBy);
    this.known = decision.mode;
    await this.deps.asterisk.write(decision.mode);
    this.deps.log.info({ mode: decision.mode, changedBy }, 'service switch: changed in this Asterisk\'s CLI, stored for every node');
  }
}

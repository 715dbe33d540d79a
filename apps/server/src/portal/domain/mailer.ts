/** One e-mail to a parent. `link` is the action it carries (verify, reset), if any. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  link?: string;
}

/** Port: how mail leaves. The development implementation logs the link only (never the address). */
export abstract class Mailer {
  /** Hands the mail over and returns; a failed delivery is logged, never reported (requests do not wait). */
  abstract send(mail: Mail): Promise<void>;

  /**
   * Delivers and waits: resolves once the mail was accepted, rejects when it was not (the notices'
   * sweep records the outcome and retries). Implementations that cannot tell hand it over as `send`.
   */
  deliver(mail: Mail): Promise<void> {
    return this.send(mail);
  }
}

/** One e-mail to a parent. `link` is the action it carries (verify, reset), if any. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  link?: string;
}

/** Port: how mail leaves. The development implementation logs the link only (never the address). */
export abstract class Mailer {
  abstract send(mail: Mail): Promise<void>;
}

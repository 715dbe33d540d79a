import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { AppConfig } from '../../config/app-config';
import { Mail, Mailer } from '../domain/mailer';

/** What may be logged about a failed delivery: nodemailer's codes, never its message (servers echo the recipient in it). */
export function describeMailError(error: unknown): string {
  const e = (error ?? {}) as { code?: unknown; responseCode?: unknown; command?: unknown; name?: unknown };
  const parts = [
    typeof e.code === 'string' ? `code ${e.code}` : typeof e.name === 'string' ? e.name : 'error',
    typeof e.responseCode === 'number' ? `SMTP ${e.responseCode}` : null,
    typeof e.command === 'string' && /^[A-Z ]{2,20}$/.test(e.command) ? `during ${e.command}` : null,
  ];
  return parts.filter(Boolean).join(', ');
}

/**
 * Mail over SMTP (nodemailer). `send` hands the message over and returns at once: the request that
 * caused it answers the same, and as fast, whether the address has an account and whether the
 * SMTP server is up (no account-existence oracle, no request held by a slow server). Every SMTP
 * phase has a timeout and a whole delivery is aborted after three of them; a failure is logged
 * with the subject and nodemailer's error code, never the address. Shutdown waits for the
 * deliveries in progress (they are bounded by the same timeouts).
 */
export class SmtpMailer extends Mailer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('PortalMail');
  private readonly transport: Transporter;
  private readonly deliveries = new Set<Promise<void>>();

  constructor(private readonly mail: AppConfig['mail']) {
    super();
    if (!mail.smtp) throw new Error('SmtpMailer needs SMTP settings');
    const { host, port, secure, requireTls, auth } = mail.smtp;
    this.transport = createTransport({
      host,
      port,
      secure,
      // STARTTLS or nothing: neither the links nor the SMTP password cross the network in clear.
      requireTLS: requireTls,
      auth: auth ? { user: auth.user, pass: auth.password } : undefined,
      connectionTimeout: mail.timeoutMs,
      greetingTimeout: mail.timeoutMs,
      socketTimeout: mail.timeoutMs,
      dnsTimeout: mail.timeoutMs,
      // Our messages are plain text we compose: no file or URL is ever read into them.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async send(mail: Mail): Promise<void> {
    const delivery = this.inBackground(mail).finally(() => this.deliveries.delete(delivery));
    this.deliveries.add(delivery);
  }

  /** Waits for the SMTP server's answer; rejects with nodemailer's error code only (never the address). */
  override async deliver(mail: Mail): Promise<void> {
    const delivery = this.transmit(mail);
    const tracked: Promise<void> = delivery.then(
      () => undefined,
      () => undefined,
    ).finally(() => this.deliveries.delete(tracked));
    this.deliveries.add(tracked);
    try {
      await delivery;
      this.log.log(`mail sent: "${mail.subject}"`);
    } catch (error) {
      const reason = describeMailError(error);
      this.log.error(`mail not sent: "${mail.subject}" (${reason})`);
      throw new Error(reason);
    }
  }

  /** Resolves once every delivery started so far has ended (sent or failed). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.deliveries]);
  }

  /** A start-up check that only warns: the telephony must run even while the mail server is down. */
  onApplicationBootstrap(): void {
    this.transport.verify().then(
      () => this.log.log(`SMTP server ${this.mail.smtp!.host}:${this.mail.smtp!.port} reachable`),
      (error: unknown) => this.log.warn(`SMTP server ${this.mail.smtp!.host}:${this.mail.smtp!.port} not usable yet (${describeMailError(error)}): mail will be retried at each send`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.settled();
    this.transport.close();
  }

  private transmit(mail: Mail): Promise<unknown> {
    return this.transport.sendMail({
      from: this.mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      headers: { 'Auto-Submitted': 'auto-generated' },
      signal: AbortSignal.timeout(3 * this.mail.timeoutMs),
    });
  }

  private async inBackground(mail: Mail): Promise<void> {
    try {
      await this.transmit(mail);
      this.log.log(`mail sent: "${mail.subject}"`);
    } catch (error) {
      this.log.error(`mail not sent: "${mail.subject}" (${describeMailError(error)})`);
    }
  }
}

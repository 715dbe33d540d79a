import { Logger } from '@nestjs/common';
import { Mail, Mailer } from '../domain/mailer';

/**
 * Development mail: the subject and the link go to the log, never the address or the body
 * (personal data stays out of logs). SMTP delivery is a later implementation of the same port.
 */
export class LogMailer extends Mailer {
  private readonly log = new Logger('PortalMail');

  async send(mail: Mail): Promise<void> {
    this.log.log(`mail not sent (development): "${mail.subject}"${mail.link ? ` — link: ${mail.link}` : ''}`);
  }
}

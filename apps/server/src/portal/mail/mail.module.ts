import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { Mailer } from '../domain/mailer';
import { LogMailer } from './log-mailer';
import { SmtpMailer } from './smtp-mailer';

/** How mail leaves, for the portal and the notices: SMTP when configured; otherwise (development) the subject and link go to the log. */
@Module({
  providers: [{ provide: Mailer, inject: [APP_CONFIG], useFactory: (config: AppConfig) => (config.mail.smtp ? new SmtpMailer(config.mail) : new LogMailer()) }],
  exports: [Mailer],
})
export class MailModule {}

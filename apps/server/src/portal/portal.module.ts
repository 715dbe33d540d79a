import { Logger, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { CardsModule } from '../cards/cards.module';
import { CardSealer } from '../cards/domain/card-ingest';
import { ContactCodeVerifier } from '../cards/domain/contact-code-verifier';
import { CascadeByPhone } from './domain/cascade-by-phone';
import { ForbiddenNumbers } from './domain/cascade-numbers';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { Encryptor } from '../privacy/encryptor';
import { Pseudonymizer } from '../privacy/pseudonymizer';
import { AccountData } from './domain/account-data';
import { AccountService } from './domain/accounts';
import { ChildCallHistory } from './domain/call-history';
import { LinkLockout } from './domain/link-lockout';
import { Mailer } from './domain/mailer';
import { PasswordGuesses } from './domain/password-guesses';
import { OidcAccounts } from './domain/oidc-sign-in';
import { ANNOUNCEMENT_DIALLER, AnnouncementDialler } from '../telephony/announcement/announcement-dialler';
import { ParentLineCalls } from '../telephony/parent-line/parent-line-calls';
import { systemClock } from '../telephony/runtime/clock';
import { STASIS_ADAPTER, StasisAdapter } from '../telephony/runtime/stasis-adapter.port';
import { StasisRouter } from '../telephony/runtime/stasis-router';
import { ParentCalls } from './domain/parent-calls';
import { ParentChildren } from './domain/parent-children';
import { Sessions } from './domain/sessions';
import { PasswordAccounts, TotpService } from './domain/totp';
import { AccountController } from './http/account.controller';
import { ApiDocsController } from './http/api-docs.controller';
import { AuthController } from './http/auth.controller';
import { ChildrenController } from './http/children.controller';
import { CsrfGuard, CsrfTokens } from './http/csrf.guard';
import { OIDC_RELYING_PARTY, OidcController } from './http/oidc.controller';
import { OidcRelyingParty } from './http/oidc-relying-party';
import { LegalController } from './http/legal.controller';
import { SessionGuard } from './http/session.guard';
import { TotpController } from './http/totp.controller';
import { WebController } from './http/web.controller';
import { MailModule } from './mail/mail.module';
import { NoticesModule } from '../notices/notices.module';
import { NoticePreferencesService } from '../notices/domain/notice-preferences';
import { Argon2PasswordHasher } from './persistence/argon2-password-hasher';
import { PgAccountDataStore } from './persistence/pg-account-data-store';
import { PgAccountStore } from './persistence/pg-account-store';
import { PgCallHistoryStore } from './persistence/pg-call-history-store';
import { PgLinkAttemptStore } from './persistence/pg-link-attempt-store';
import { PgOidcIdentityStore } from './persistence/pg-oidc-identity-store';
import { PgParentCallsStore } from './persistence/pg-parent-calls-store';
import { PgParentChildrenStore } from './persistence/pg-parent-children-store';
import { PgRateLimitStore } from './persistence/pg-rate-limit-store';
import { PgSessionStore } from './persistence/pg-session-store';
import { PgTotpStore } from './persistence/pg-totp-store';

/**
 * The parents' portal API under /api/v1: accounts and sessions, linking a child with
 * the card's code, editing and activating the cascade, export and deletion. Needs the Fastify
 * plugins from http/portal-http.ts (cookies, helmet), registered by createApp.
 */
@Module({
  imports: [
    CardsModule,
    MailModule,
    // The account's notice preferences (GET/PUT /api/v1/account/notices); the module sweeps the notices too.
    NoticesModule,
    // Counted in PostgreSQL: the limits hold across the app's processes and its restarts.
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, Database],
      useFactory: (config: AppConfig, db: Database) => ({
        throttlers: [{ name: 'portal', ttl: 60_000, limit: config.portal.rateLimitPerMinute }],
        storage: new PgRateLimitStore(db),
      }),
    }),
  ],
  controllers: [AuthController, OidcController, AccountController, ChildrenController, TotpController, LegalController, WebController, ApiDocsController],
  providers: [
    { provide: Sessions, inject: [Database], useFactory: (db: Database) => new Sessions(new PgSessionStore(db)) },
    {
      provide: AccountService,
      inject: [Database, Mailer, Pseudonymizer, Encryptor, APP_CONFIG],
      useFactory: (db: Database, mailer: Mailer, p: Pseudonymizer, e: Encryptor, config: AppConfig) =>
        new AccountService(new PgAccountStore(db), new Argon2PasswordHasher(), mailer, p, e, config.portal.publicUrl, config.service.defaultLanguage, new PasswordGuesses(new PgRateLimitStore(db))),
    },
    {
      provide: TotpService,
      inject: [Database, AccountService, Encryptor, Pseudonymizer],
      useFactory: (db: Database, accounts: AccountService, e: Encryptor, p: Pseudonymizer) =>
        new TotpService(new PgTotpStore(db), new PasswordAccounts(new PgAccountStore(db), new Argon2PasswordHasher(), accounts), e, p),
    },
    {
      provide: ParentChildren,
      inject: [Database, ContactCodeVerifier, CardSealer, Pseudonymizer, APP_CONFIG],
      useFactory: (db: Database, codes: ContactCodeVerifier, sealer: CardSealer, p: Pseudonymizer, config: AppConfig) =>
        new ParentChildren(
          new PgParentChildrenStore(db, config.service.defaultLanguage),
          codes,
          sealer,
          new LinkLockout(new PgLinkAttemptStore(db)),
          p,
          forbiddenNumbers(config),
          // What the parents' phones show when a leg rings them (see LEG_CALLER_ID).
          config.callFlow.legCallerId === 'service' ? config.service.number : null,
        ),
    },
    {
      provide: ChildCallHistory,
      inject: [Database, APP_CONFIG],
      useFactory: (db: Database, config: AppConfig) => new ChildCallHistory(new PgParentChildrenStore(db, config.service.defaultLanguage), new PgCallHistoryStore(db)),
    },
    {
      // The dialler comes from the telephony module; an app without telephony answers that calls are not available.
      provide: ParentCalls,
      inject: [Database, Pseudonymizer, CardSealer, { token: ANNOUNCEMENT_DIALLER, optional: true }],
      useFactory: (db: Database, p: Pseudonymizer, sealer: CardSealer, dialler: AnnouncementDialler | undefined) => {
        const log = new Logger('ParentCalls');
        return new ParentCalls(new PgParentCallsStore(db), dialler ?? null, p, { contactCode: (hash, keyId, sealed) => sealer.open(hash, keyId, sealed).contactCode }, { warn: (f, m) => log.warn(f, m) });
      },
    },
    {
      // The parents' line is a call kind of the telephony runtime that needs the portal's rules
      // (the code request's limits): built here, on the telephony's router, when telephony is present.
      provide: ParentLineCalls,
      inject: [APP_CONFIG, ParentCalls, Database, ContactCodeVerifier, Pseudonymizer, { token: StasisRouter, optional: true }, { token: STASIS_ADAPTER, optional: true }],
      useFactory: (config: AppConfig, parentCalls: ParentCalls, db: Database, codes: ContactCodeVerifier, p: Pseudonymizer, router: StasisRouter | undefined, adapter: StasisAdapter | undefined) => {
        if (!router || !adapter) return null;
        const log = new Logger('ParentLine');
        const desk = new CascadeByPhone(
          parentCalls,
          new PgParentChildrenStore(db, config.service.defaultLanguage),
          codes,
          new LinkLockout(new PgLinkAttemptStore(db)),
          p,
          forbiddenNumbers(config),
        );
        return new ParentLineCalls({
          config,
          router,
          control: adapter.control,
          desk,
          clock: systemClock,
          log: { info: (f, m) => log.log(f, m), warn: (f, m) => log.warn(f, m) },
        });
      },
    },
    {
      provide: AccountData,
      inject: [AccountService, ParentChildren, Database, ChildCallHistory, ParentCalls, NoticePreferencesService],
      useFactory: (accounts: AccountService, children: ParentChildren, db: Database, callHistory: ChildCallHistory, parentCalls: ParentCalls, notices: NoticePreferencesService) =>
        new AccountData(accounts, children, new PgAccountDataStore(db), callHistory, parentCalls, notices),
    },
    { provide: OIDC_RELYING_PARTY, inject: [APP_CONFIG], useFactory: (config: AppConfig) => (config.oidc ? new OidcRelyingParty(config.oidc) : null) },
    {
      provide: OidcAccounts,
      inject: [Database, Pseudonymizer, Encryptor],
      useFactory: (db: Database, p: Pseudonymizer, e: Encryptor) => new OidcAccounts(new PgOidcIdentityStore(db), p, e),
    },
    CsrfTokens,
    CsrfGuard,
    SessionGuard,
  ],
})
export class PortalModule {}

/** Numbers no cascade may hold, for the portal and the parents' line alike. */
function forbiddenNumbers(config: AppConfig): ForbiddenNumbers {
  return {
    serviceNumbers: [config.service.number, ...Object.keys(config.service.numbers)],
    hotlineNumber: config.service.hotlineNumber,
    allowedDestinations: config.limits.destinations,
  };
}

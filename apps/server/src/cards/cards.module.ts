import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { Encryptor } from '../privacy/encryptor';
import { Pseudonymizer } from '../privacy/pseudonymizer';
import { calendarDay } from '../retention/retention-policy';
import { AuthorityTokens } from './domain/authority-tokens';
import { CardIngestService, CardSealer } from './domain/card-ingest';
import { CardRevocationService } from './domain/card-revocation';
import { ContactCodeVerifier } from './domain/contact-code-verifier';
import { AuthorityCardsController } from './http/authority-cards.controller';
import { AuthorityTokenGuard } from './http/authority-token.guard';
import { PgAuthorityTokenStore } from './persistence/pg-authority-token-store';
import { PgCardStore } from './persistence/pg-card-store';

/** Cards from the issuing authority: the ingest API, the contact-code check, the tokens. */
@Module({
  controllers: [AuthorityCardsController],
  providers: [
    { provide: PgCardStore, inject: [Database], useFactory: (db: Database) => new PgCardStore(db) },
    { provide: CardSealer, inject: [Pseudonymizer, Encryptor], useFactory: (p: Pseudonymizer, e: Encryptor) => new CardSealer(p, e) },
    {
      provide: CardIngestService,
      inject: [PgCardStore, CardSealer, APP_CONFIG],
      useFactory: (store: PgCardStore, sealer: CardSealer, config: AppConfig) => new CardIngestService(store, sealer, () => calendarDay(new Date(), config.retention.timeZone)),
    },
    { provide: CardRevocationService, inject: [PgCardStore, Pseudonymizer], useFactory: (store: PgCardStore, p: Pseudonymizer) => new CardRevocationService(store, p) },
    {
      provide: ContactCodeVerifier,
      inject: [PgCardStore, Pseudonymizer, CardSealer],
      useFactory: (store: PgCardStore, p: Pseudonymizer, sealer: CardSealer) => new ContactCodeVerifier(store, p, sealer),
    },
    { provide: AuthorityTokens, inject: [Database], useFactory: (db: Database) => new AuthorityTokens(new PgAuthorityTokenStore(db)) },
    AuthorityTokenGuard,
  ],
  exports: [ContactCodeVerifier, CardSealer],
})
export class CardsModule {}

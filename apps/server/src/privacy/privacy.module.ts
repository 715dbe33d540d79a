import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Encryptor } from './encryptor';
import { Pseudonymizer } from './pseudonymizer';

/** The keyed hash and the encryptor, built once from the validated keys. */
@Global()
@Module({
  providers: [
    { provide: Pseudonymizer, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new Pseudonymizer(config.pseudonymKey, config.previousPseudonymKey) },
    { provide: Encryptor, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new Encryptor(config.encryption) },
  ],
  exports: [Pseudonymizer, Encryptor],
})
export class PrivacyModule {}

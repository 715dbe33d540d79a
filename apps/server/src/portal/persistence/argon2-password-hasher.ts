import * as argon2 from 'argon2';
import { PasswordHasher } from '../domain/passwords';

/**
 * argon2id with OWASP's minimum profile (19 MiB, 2 passes, 1 lane): about 30 ms a hash, so
 * sign-ins cannot starve the telephony sharing the machine.
 */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export class Argon2PasswordHasher implements PasswordHasher {
  private dummy: Promise<string> | null = null;

  hash(password: string): Promise<string> {
    return argon2.hash(password, OPTIONS);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  async burn(password: string): Promise<void> {
    this.dummy ??= argon2.hash('not-a-password-of-anyone', OPTIONS);
    await this.verify(await this.dummy, password);
  }
}

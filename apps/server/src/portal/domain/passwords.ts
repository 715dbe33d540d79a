import { BREACHED_PASSWORDS, COMMON_PASSWORDS } from './common-passwords';
import { FieldProblem } from './portal-error';

export const PASSWORD_MIN_LENGTH = 12;
/** Long enough for any passphrase, short enough that hashing cannot be used to tie up the CPU. */
export const PASSWORD_MAX_LENGTH = 256;

/** Port: argon2id in production (persistence/argon2-password-hasher.ts). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends the time of a verification on nothing: unknown e-mails answer as slowly as wrong passwords. */
  burn(password: string): Promise<void>;
}

/**
 * The password rules (NIST SP 800-63B): a minimum length, no composition rules, and a refusal of
 * the passwords attackers try first (the 100,000 commonest leaked ones, compared in lower case,
 * a short list of long ones people pad to a length rule, one character repeated, a run, the
 * e-mail address itself). Length is counted in characters, not bytes.
 */
export function checkPassword(password: string, email: string, field = 'password'): FieldProblem | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return { field, code: 'too-short', message: `the password must be at least ${PASSWORD_MIN_LENGTH} characters long` };
  if (length > PASSWORD_MAX_LENGTH) return { field, code: 'too-long', message: `the password must be at most ${PASSWORD_MAX_LENGTH} characters long` };
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower) || BREACHED_PASSWORDS.has(lower) || /^(.)\1+$/u.test(password) || isSequence(lower)) {
    return { field, code: 'too-common', message: 'this password is among the most common ones, which attackers try first: choose another one' };
  }
  const localPart = email.toLowerCase().split('@')[0];
  if (lower === email.toLowerCase() || (localPart.length >= 6 && lower.includes(localPart) && lower.length - localPart.length < 6)) {
    return { field, code: 'like-email', message: 'the password must not be your e-mail address or close to it' };
  }
  return null;
}

/** 1234567890123..., abcdefghijkl...: a run of consecutive characters (digits wrap from 9 to 0). */
function isSequence(value: string): boolean {
  for (let i = 1; i < value.length; i += 1) if (value.charCodeAt(i) - value.charCodeAt(i - 1) !== 1 && !(value[i - 1] === '9' && value[i] === '0')) return false;
  return true;
}

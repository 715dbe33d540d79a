import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: what a cookie or a mailed link carries. The database keeps only its hash. */
export function newSecretToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSecretToken(token) };
}

export function hashSecretToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** A token as we issue it: 43 base64url characters. Anything else is refused before any look-up. */
export function isWellFormedToken(token: unknown): token is string {
  return typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token);
}

import { createHash, randomBytes } from 'node:crypto';

export interface AuthorityToken {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Port: tokens are stored by the SHA-256 of their value, never the value. */
export interface AuthorityTokenStore {
  create(name: string, tokenHash: Buffer): Promise<{ id: string }>;
  /** The live (not revoked) token with this hash; marks it used. */
  use(tokenHash: Buffer): Promise<{ id: string; name: string } | null>;
  /** Revokes the live token with this name or id; how many were revoked. */
  revoke(nameOrId: string): Promise<number>;
  list(): Promise<AuthorityToken[]>;
}

export const TOKEN_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const TOKEN_PATTERN = /^apt_[A-Za-z0-9_-]{43}$/;

/**
 * Bearer tokens for the issuing authority's systems. A token is 256 random bits, shown once at
 * creation; the database keeps its SHA-256 only (a plain hash suffices for a random secret of that
 * size: nothing to brute-force), so a database dump lets nobody call the API.
 */
export class AuthorityTokens {
  constructor(private readonly store: AuthorityTokenStore) {}

  async issue(name: string): Promise<{ id: string; token: string }> {
    if (!TOKEN_NAME_PATTERN.test(name)) throw new Error('a token name is 1 to 64 letters, digits, dots, dashes or underscores');
    const token = `apt_${randomBytes(32).toString('base64url')}`;
    const { id } = await this.store.create(name, hashToken(token));
    return { id, token };
  }

  /** The token's id and name when `authorization` is `Bearer <a live token>`, else null. */
  async authenticate(authorization: string | undefined): Promise<{ id: string; name: string } | null> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match || !TOKEN_PATTERN.test(match[1])) return null;
    return this.store.use(hashToken(match[1]));
  }

  revoke(nameOrId: string): Promise<number> {
    return this.store.revoke(nameOrId);
  }

  list(): Promise<AuthorityToken[]> {
    return this.store.list();
  }
}

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

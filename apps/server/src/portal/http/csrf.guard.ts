import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { sameSecret } from '../../privacy/encryptor';
import { Pseudonymizer } from '../../privacy/pseudonymizer';
import { PortalError } from '../domain/portal-error';
import { isWellFormedToken, newSecretToken } from '../domain/secret-tokens';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, cookieName, readCookie } from './cookies';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The CSRF token a request must echo in X-CSRF-Token. With a session it is bound to that session:
 * a keyed hash of the session's token (set in the CSRF cookie at sign-in), worthless with any
 * other session and useless to compute without the HttpOnly session cookie. Before sign-in, a
 * random double-submit token: the header must equal the CSRF cookie.
 */
@Injectable()
export class CsrfTokens {
  constructor(
    private readonly pseudonymizer: Pseudonymizer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The token bound to a session (43 base64url characters, as every token). */
  forSession(sessionToken: string): string {
    return this.pseudonymizer.hash('csrf', sessionToken).toString('base64url');
  }

  /** What this request's X-CSRF-Token must be; undefined when it holds no token to check against. */
  expected(request: FastifyRequest): string | undefined {
    const session = readCookie(request, this.config, SESSION_COOKIE);
    if (isWellFormedToken(session)) return this.forSession(session);
    const cookie = readCookie(request, this.config, CSRF_COOKIE);
    return isWellFormedToken(cookie) ? cookie : undefined;
  }

  /** The token to hand out (GET /api/v1/auth/csrf): the expected one, or a fresh one before sign-in. */
  current(request: FastifyRequest): string {
    return this.expected(request) ?? newSecretToken().token;
  }
}

/**
 * CSRF protection on every state-changing request: the X-CSRF-Token header must equal the token
 * of CsrfTokens (and SameSite=Strict already withholds the cookies on cross-site requests).
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(
    private readonly tokens: CsrfTokens,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (SAFE_METHODS.has(request.method)) return true;
    const expected = this.tokens.expected(request);
    const header = request.headers[CSRF_HEADER];
    if (expected === undefined || typeof header !== 'string' || !sameSecret(expected, header)) {
      throw new PortalError(
        'csrf',
        `missing or wrong CSRF token: send the value of the ${cookieName(this.config, CSRF_COOKIE)} cookie in the X-CSRF-Token header (GET /api/v1/auth/csrf sets one)`,
      );
    }
    return true;
  }
}

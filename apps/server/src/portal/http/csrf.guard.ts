import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { sameSecret } from '../../privacy/encryptor';
import { PortalError } from '../domain/portal-error';
import { isWellFormedToken } from '../domain/secret-tokens';
import { CSRF_COOKIE, CSRF_HEADER } from './cookies';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Double-submit CSRF protection on every state-changing request: the X-CSRF-Token header must
 * equal the ap_csrf cookie. Another site can make the browser send the cookie but cannot read it
 * to put it in a header (and SameSite=Strict already withholds the cookies on cross-site requests).
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (SAFE_METHODS.has(request.method)) return true;
    const cookie = request.cookies?.[CSRF_COOKIE];
    const header = request.headers[CSRF_HEADER];
    if (!isWellFormedToken(cookie) || typeof header !== 'string' || !sameSecret(cookie, header)) {
      throw new PortalError(
        'csrf',
        `missing or wrong CSRF token: send the value of the ${CSRF_COOKIE} cookie in the X-CSRF-Token header (GET /api/v1/auth/csrf sets one)`,
      );
    }
    return true;
  }
}

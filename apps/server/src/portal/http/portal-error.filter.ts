import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { PortalError, PortalErrorCode } from '../domain/portal-error';

const STATUS: Record<PortalErrorCode, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  // The password was right; no session until the code step (POST /api/v1/auth/sign-in/totp).
  'second-factor-required': HttpStatus.UNAUTHORIZED,
  'email-not-verified': HttpStatus.FORBIDDEN,
  csrf: HttpStatus.FORBIDDEN,
  'not-found': HttpStatus.NOT_FOUND,
  // The same status for a wrong code and an unknown number: see LINK_REFUSED.
  'link-refused': HttpStatus.BAD_REQUEST,
  'link-locked': HttpStatus.TOO_MANY_REQUESTS,
  conflict: HttpStatus.CONFLICT,
  'token-invalid': HttpStatus.BAD_REQUEST,
  'rate-limited': HttpStatus.TOO_MANY_REQUESTS,
};

/**
 * The portal's one mapping from domain refusals to HTTP:
 * `{statusCode, error: code, message, fields: [{field, code, message}]}`.
 */
@Catch(PortalError, ThrottlerException)
export class PortalErrorFilter implements ExceptionFilter {
  catch(error: PortalError | ThrottlerException, host: ArgumentsHost): void {
    const portalError =
      error instanceof PortalError ? error : new PortalError('rate-limited', 'too many requests from your address: wait a minute and try again');
    const statusCode = STATUS[portalError.code];
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .status(statusCode)
      .send({ statusCode, error: portalError.code, message: portalError.message, fields: portalError.fields });
  }
}

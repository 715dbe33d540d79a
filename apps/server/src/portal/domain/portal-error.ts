import { NationalNumberProblem } from '../../cascades/domain/national-number';

/** One problem with one field of a request, with a stable code (for translations) and a sentence. */
export interface FieldProblem {
  /** The field's path in the body, e.g. `email`, `numbers[2].number`. */
  field: string;
  code: string;
  message: string;
}

export type PortalErrorCode =
  | 'invalid'
  | 'unauthenticated'
  | 'second-factor-required'
  | 'email-not-verified'
  | 'csrf'
  | 'not-found'
  | 'link-refused'
  | 'link-locked'
  | 'conflict'
  | 'token-invalid'
  | 'rate-limited';

/**
 * A refusal the parent can act on. Transport-neutral: the HTTP edge maps the code to a status
 * (portal/http/portal-error.filter.ts). Messages never contain personal values.
 */
export class PortalError extends Error {
  constructor(
    readonly code: PortalErrorCode,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'PortalError';
  }

  static invalid(fields: FieldProblem[], message = 'some fields are invalid: see fields'): PortalError {
    return new PortalError('invalid', message, fields);
  }

  /** A national register number typed on a form that is not one (its problem as the field's code). */
  static invalidNationalNumber(reason: NationalNumberProblem): PortalError {
    return PortalError.invalid([{ field: 'nationalNumber', code: reason, message: 'the national register number has 11 digits (YYMMDD SSS CC) with valid check digits: check it against the card' }]);
  }

  static notFound(what = 'child'): PortalError {
    return new PortalError('not-found', `no such ${what} in your account`);
  }
}

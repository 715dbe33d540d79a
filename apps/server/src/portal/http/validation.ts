import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, PortalError } from '../domain/portal-error';

/** class-validator's tree of errors as a flat list of fields: `numbers[2].label`. */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const path = parent === '' ? error.property : /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
    const own = Object.entries(error.constraints ?? {}).map(([code, message]) => ({
      field: path,
      code: code === 'whitelistValidation' ? 'unknown-field' : code,
      message: code === 'whitelistValidation' ? `${path} is not a field of this request` : message,
    }));
    return [...own, ...fieldProblems(error.children ?? [], path)];
  });
}

/** Every portal body: known fields only (whitelist + forbidNonWhitelisted), per-field messages. */
export const portalValidation = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => PortalError.invalid(fieldProblems(errors)),
});

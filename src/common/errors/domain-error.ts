import { ErrorCode } from './error-codes';

/** What went wrong, independent of transport; the global filter maps each kind to a status. */
export type ErrorKind =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'validation'
  | 'rate_limited'
  | 'unavailable';

/** One field-level problem, in the shape the original service's clients parse. */
export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/**
 * Base of every error a service throws on purpose. Services never throw HTTP exceptions; they
 * throw these, and `AllExceptionsFilter` turns them into responses.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends DomainError {
  readonly kind = 'bad_request';
}

export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated';
  constructor(code: string = ErrorCode.Unauthenticated, message = 'Authentication required') {
    super(code, message);
  }
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
  constructor(code: string = ErrorCode.Forbidden, message = 'Not allowed') {
    super(code, message);
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
}

/** The request conflicts with the current state (duplicate, illegal transition, in use). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

export class PayloadTooLargeError extends DomainError {
  readonly kind = 'payload_too_large';
}

export class RateLimitedError extends DomainError {
  readonly kind = 'rate_limited';
}

/** A dependency this request needs (database, device service, storage) is down. */
export class DependencyUnavailableError extends DomainError {
  readonly kind = 'unavailable';
  constructor(code: string = ErrorCode.DependencyUnavailable, message = 'A required dependency is unavailable') {
    super(code, message);
  }
}

/** Input that is well-formed but invalid; `errors` says which fields and why. */
export class ValidationError extends DomainError {
  readonly kind = 'validation';
  constructor(
    readonly errors: FieldError[],
    message = summarize(errors),
    code: string = ErrorCode.ValidationFailed,
  ) {
    super(code, message);
  }
}

function summarize(errors: FieldError[]): string {
  if (errors.length === 0) return 'Validation failed';
  const [first] = errors;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `${first.loc.join('.')}: ${first.msg}${more}`;
}

import { HttpException, HttpStatus } from '@nestjs/common';
import { DomainError, type ErrorKind, type FieldError, ValidationError } from './domain-error';
import { ErrorCode } from './error-codes';
import { isDatabaseUnavailable } from '../../database/sql-errors';

/** The one error body every endpoint answers with. `errors` appears on 422 only. */
export interface ErrorBody {
  detail: string;
  code: string;
  request_id: string;
  errors?: FieldError[];
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  /** True when the error was not anticipated and deserves a stack trace in the log. */
  unexpected: boolean;
  /** Response headers the answer needs besides the body (`Retry-After` on a 503). */
  headers?: Record<string, string>;
}

/** Seconds a client is asked to wait after 503 `database/unavailable`: about one connect timeout. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

const statusByKind: Record<ErrorKind, number> = {
  bad_request: HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  payload_too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  validation: HttpStatus.UNPROCESSABLE_ENTITY,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/** Codes for errors raised by the framework rather than by our services. */
const codeByStatus: Record<number, string> = {
  400: ErrorCode.BadRequest,
  401: ErrorCode.Unauthenticated,
  403: ErrorCode.Forbidden,
  404: ErrorCode.RouteNotFound,
  405: ErrorCode.MethodNotAllowed,
  408: ErrorCode.RequestTimeout,
  409: ErrorCode.Conflict,
  413: ErrorCode.BodyTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  422: ErrorCode.ValidationFailed,
  429: ErrorCode.RateLimited,
  503: ErrorCode.DependencyUnavailable,
};

/** Fastify reports body-parsing failures with these codes; clients deserve a plain explanation. */
const fastifyMessages: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty but Content-Type says JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is larger than this endpoint accepts',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported Content-Type for this endpoint',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length does not match the body',
};

/** Maps any thrown value to a status and the contract's error body. */
export function toErrorResponse(error: unknown, requestId: string): ErrorResponse {
  if (error instanceof DomainError) {
    const body: ErrorBody = { detail: error.message, code: error.code, request_id: requestId };
    if (error instanceof ValidationError) body.errors = error.errors;
    return { status: statusByKind[error.kind], body, unexpected: false };
  }
  if (error instanceof HttpException) {
    // Nest wraps Fastify's own 4xx errors (body parsing, limits); their code says more.
    const wrapped = frameworkClientError(error.cause, requestId);
    if (wrapped) return wrapped;
    const status = error.getStatus();
    return clientOrServer(status, messageOf(error.getResponse(), error.message), requestId);
  }
  const prisma = prismaResponse(error, requestId);
  if (prisma) return prisma;
  if (isDatabaseUnavailable(error)) return databaseUnavailable(requestId);
  const framework = frameworkClientError(error, requestId);
  if (framework) return framework;
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    body: { detail: 'Internal server error', code: ErrorCode.Internal, request_id: requestId },
    unexpected: true,
  };
}

function clientOrServer(status: number, detail: string, requestId: string): ErrorResponse {
  if (status >= 500) {
    const code = codeByStatus[status] ?? ErrorCode.Internal;
    const safeDetail = status === 503 ? detail : 'Internal server error';
    return { status, body: { detail: safeDetail, code, request_id: requestId }, unexpected: status !== 503 };
  }
  return { status, body: { detail, code: codeByStatus[status] ?? ErrorCode.BadRequest, request_id: requestId }, unexpected: false };
}

function messageOf(response: string | object, fallback: string): string {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return fallback;
}

/** Errors Fastify raises before our code runs (body parsing, limits) carry a 4xx `statusCode`. */
function frameworkClientError(error: unknown, requestId: string): ErrorResponse | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { statusCode, code, message } = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  const known = typeof code === 'string' ? fastifyMessages[code] : undefined;
  const detail = known ?? (typeof message === 'string' && message !== '' ? message : 'Bad request');
  const response = clientOrServer(statusCode, detail, requestId);
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError) {
    response.body.code = ErrorCode.MalformedBody;
  }
  return response;
}

/**
 * Unique and missing-row violations that slip past a service's own checks are still the client's
 * conflict or miss, not a server fault. Matched by shape so `common/` needs no generated client.
 */
function prismaResponse(error: unknown, requestId: string): ErrorResponse | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, code } = error as { name?: unknown; code?: unknown };
  if (name !== 'PrismaClientKnownRequestError') return undefined;
  if (code === 'P2002') {
    return {
      status: HttpStatus.CONFLICT,
      body: { detail: 'A resource with the same identity already exists', code: ErrorCode.Duplicate, request_id: requestId },
      unexpected: false,
    };
  }
  if (code === 'P2025') {
    return {
      status: HttpStatus.NOT_FOUND,
      body: { detail: 'The resource does not exist', code: ErrorCode.NotFound, request_id: requestId },
      unexpected: false,
    };
  }
  return undefined;
}

/** The database cannot serve now (down, stalled, saturated, a statement timed out): a retry later may succeed. */
function databaseUnavailable(requestId: string): ErrorResponse {
  return {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    body: {
      detail: 'The database is unavailable or too busy to answer in time; retry later',
      code: ErrorCode.DatabaseUnavailable,
      request_id: requestId,
    },
    unexpected: false,
    headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) },
  };
}

/**
 * The catalogue of stable machine-readable error codes. Clients branch on these, so a code is
 * never renamed or reused for a different meaning; add new ones instead.
 */
export const ErrorCode = {
  // request shape
  ValidationFailed: 'request/validation_failed',
  MalformedBody: 'request/malformed_body',
  BodyTooLarge: 'request/body_too_large',
  UnsupportedMediaType: 'request/unsupported_media_type',
  BadRequest: 'request/bad_request',
  RouteNotFound: 'route/not_found',
  MethodNotAllowed: 'route/method_not_allowed',
  RateLimited: 'request/rate_limited',

  // authentication and authorization
  Unauthenticated: 'auth/unauthenticated',
  InvalidToken: 'auth/invalid_token',
  TokenExpired: 'auth/token_expired',
  InvalidApiKey: 'auth/invalid_api_key',
  InvalidServiceCredentials: 'auth/invalid_service_credentials',
  Forbidden: 'auth/forbidden',
  NoOrganization: 'auth/no_organization',
  DevTokensDisabled: 'auth/dev_tokens_disabled',
  ApiKeyNotFound: 'api_key/not_found',

  // persistence
  Duplicate: 'resource/duplicate',
  NotFound: 'resource/not_found',
  Conflict: 'resource/conflict',

  // dependencies and the unexpected
  DependencyUnavailable: 'dependency/unavailable',
  Internal: 'internal/error',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

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
  NotMultipart: 'request/not_multipart',
  FileTooLarge: 'request/file_too_large',
  RouteNotFound: 'route/not_found',
  MethodNotAllowed: 'route/method_not_allowed',
  RateLimited: 'request/rate_limited',
  MalformedRequest: 'request/malformed_request',
  HeadersTooLarge: 'request/headers_too_large',
  RequestTimeout: 'request/timeout',
  ShuttingDown: 'service/shutting_down',

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

  // firmware
  FirmwareNotFound: 'firmware/not_found',
  FirmwareVersionExists: 'firmware/version_exists',
  FirmwareChecksumMismatch: 'firmware/checksum_mismatch',
  FirmwareSizeMismatch: 'firmware/size_mismatch',
  FirmwareBadSignature: 'firmware/bad_signature',
  FirmwareUnsigned: 'firmware/unsigned',
  FirmwareInUse: 'firmware/in_use',
  FirmwareUnsupportedFileType: 'firmware/unsupported_file_type',
  FirmwareMissingPart: 'firmware/missing_part',
  FirmwareExtraFilePart: 'firmware/extra_file_part',
  FirmwareInvalidMetadata: 'firmware/invalid_metadata',
  SigningKeyNotFound: 'signing_key/not_found',
  SigningKeyExists: 'signing_key/exists',
  SigningKeyInvalid: 'signing_key/invalid',
  SigningKeyConfigured: 'signing_key/configured',
  SigningKeyLimit: 'signing_key/limit_reached',

  // devices, device credentials and target selection
  DeviceNotFound: 'device/not_found',
  DeviceImportTooLarge: 'device/import_too_large',
  InvalidDeviceToken: 'auth/invalid_device_token',
  DeviceDirectoryUnavailable: 'device_directory/unavailable',
  TargetInvalidFilter: 'target/invalid_filter',
  TargetNoTargets: 'target/no_targets',

  // device updates and rollback
  UpdateNotFound: 'update/not_found',
  UpdateDeviceBusy: 'update/device_busy',
  UpdateIncompatible: 'update/incompatible',
  UpdateInvalidTransition: 'update/invalid_transition',
  UpdateTerminal: 'update/terminal',
  UpdateRetriesExhausted: 'update/retries_exhausted',
  UpdateDuplicateDevice: 'update/duplicate_device_id',
  UpdateCampaignManaged: 'update/campaign_managed',
  UpdateAwaitingConfirmation: 'update/awaiting_confirmation',
  UpdateNotAwaitingConfirmation: 'update/not_awaiting_confirmation',
  UpdateNoHealthCheck: 'update/no_health_check',
  RollbackVersionNotFound: 'rollback/version_not_found',

  // campaigns
  CampaignNotFound: 'campaign/not_found',
  CampaignInvalidTransition: 'campaign/invalid_transition',
  CampaignApprovalRequired: 'campaign/approval_required',
  CampaignSelfApproval: 'campaign/self_approval',
  CampaignNoNextStage: 'campaign/no_next_stage',
  CampaignNothingToRetry: 'campaign/nothing_to_retry',

  // persistence
  Duplicate: 'resource/duplicate',
  NotFound: 'resource/not_found',
  ConsoleNotBuilt: 'console/not_built',
  Conflict: 'resource/conflict',

  // object storage and signed downloads
  StorageInvalidKey: 'storage/invalid_key',
  StorageObjectNotFound: 'storage/object_not_found',
  StorageInvalidRange: 'storage/invalid_range',
  StorageUnavailable: 'storage/unavailable',
  DownloadInvalidToken: 'download/invalid_token',
  DownloadExpired: 'download/expired',
  DownloadNotFound: 'download/not_found',
  DownloadRangeNotSatisfiable: 'download/range_not_satisfiable',

  // dependencies and the unexpected
  DependencyUnavailable: 'dependency/unavailable',
  DatabaseUnavailable: 'database/unavailable',
  Internal: 'internal/error',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

import { z } from 'zod';

/**
 * Accepts the spellings operators actually type for booleans, in any case (`True` from a YAML
 * file or a Helm value is common); anything else is an error rather than a silent `false`.
 */
const booleanFlag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { message: 'must be one of true, false, 1, 0, yes, no, on, off' }))
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

/**
 * A whole number in decimal. `z.coerce.number()` would also take `0x1f`, `1e3` and `8080.0`,
 * which nobody means in a port or a pool size.
 */
const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^[+-]?\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`));

const optionalText = z.string().trim().min(1).optional();

/** A rate in decimal, above 0 (`0.5` is one request every two seconds). */
const rate = (max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, 'must be a number such as 20 or 0.5')
    .transform(Number)
    .pipe(z.number().positive('must be above 0').max(max, `must be at most ${max}`));

/**
 * Every environment variable the service reads, with its default. `.env.example` documents the
 * same list; `test/unit/env-example.spec.ts` keeps the two in step.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: integer(0, 65535).default(8240),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  BODY_LIMIT_BYTES: integer(1024, 64 * 1024 * 1024).default(1024 * 1024),
  JSON_MAX_DEPTH: integer(2, 256).default(32),
  HTTP_BODY_TIMEOUT_MS: integer(100, 600_000).default(60_000),
  TRUST_PROXY: booleanFlag.default(false),
  SHUTDOWN_TIMEOUT_MS: integer(1000, 300_000).default(15_000),
  DOCS_ENABLED: booleanFlag.default(true),
  CONSOLE_ENABLED: booleanFlag.default(true),
  /** Folder of the built console; `dist/console` (what `npm run build` writes) when unset. */
  CONSOLE_DIR: z.string().min(1).optional(),

  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// connection string')
    .optional(),
  DATABASE_POOL_SIZE: integer(1, 200).default(10),
  DATABASE_DEVICE_POOL_SIZE: integer(1, 200).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: integer(100, 3_600_000).default(30_000),
  DATABASE_DEVICE_STATEMENT_TIMEOUT_MS: integer(100, 600_000).default(5_000),
  DATABASE_CONNECT_TIMEOUT_MS: integer(100, 60_000).default(5_000),
  MIGRATE_ON_START: booleanFlag.optional(),
  EMBEDDED_POSTGRES_PORT: integer(0, 65535).default(0),

  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_JWKS_URL: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional(),
  JWT_ISSUER: optionalText,
  JWT_AUDIENCE: optionalText,
  JWT_DEFAULT_ROLE: z.enum(['viewer', 'operator', 'admin']).default('viewer'),
  JWT_REQUIRE_EXP: booleanFlag.default(true),
  JWT_MAX_LIFETIME_SECONDS: integer(60, 366 * 24 * 3600).default(24 * 3600),
  JWT_SERVICE_ISSUERS: optionalText,
  AUTH_DEV_TOKENS: booleanFlag.optional(),
  INTERNAL_SERVICE_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  DEFAULT_ORGANIZATION_ID: z.string().min(1).max(100).default('default'),

  NATS_URL: z.string().regex(/^(nats|tls):\/\//, 'must be a nats:// or tls:// URL').optional(),
  NATS_STREAM: z.string().regex(/^[A-Za-z0-9_-]+$/).default('OTA_SERVICE'),
  SCHEDULER_ENABLED: booleanFlag.default(true),
  OUTBOX_RELAY_INTERVAL_MS: integer(100, 60_000).default(1000),
  OUTBOX_BATCH_SIZE: integer(1, 1000).default(100),
  OUTBOX_RETENTION_HOURS: integer(1, 24 * 365).default(72),
  AUDIT_RETENTION_DAYS: integer(1, 3650).default(365),
  WEBHOOK_ALLOW_PRIVATE: booleanFlag.default(false),
  WEBHOOK_TIMEOUT_MS: integer(100, 60_000).default(10_000),
  WEBHOOK_MAX_ATTEMPTS: integer(1, 50).default(8),
  WEBHOOK_RETRY_BASE_DELAY_MS: integer(0, 24 * 3600_000).default(30_000),
  WEBHOOK_RETENTION_DAYS: integer(1, 3650).default(30),

  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional(),
  STORAGE_DRIVER: z.enum(['filesystem', 's3']).optional(),
  STORAGE_DIR: z.string().min(1).optional(),
  S3_ENDPOINT: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional(),
  S3_PUBLIC_ENDPOINT: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid bucket name (3-63 lowercase letters, digits, dots, hyphens)')
    .optional(),
  S3_ACCESS_KEY_ID: optionalText,
  S3_SECRET_ACCESS_KEY: optionalText,
  S3_FORCE_PATH_STYLE: booleanFlag.default(false),
  S3_CHECKSUM_MODE: z.enum(['WHEN_REQUIRED', 'WHEN_SUPPORTED']).default('WHEN_REQUIRED'),
  S3_CREATE_BUCKET: booleanFlag.default(false),
  S3_PART_SIZE_MB: integer(5, 512).default(8),
  S3_UPLOAD_CONCURRENCY: integer(1, 16).default(4),
  DOWNLOAD_URL_TTL_SECONDS: integer(60, 7 * 24 * 3600).default(3600),
  DOWNLOAD_URL_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),

  FIRMWARE_MAX_BYTES: integer(1, 64 * 1024 ** 3).default(2 * 1024 ** 3),
  FIRMWARE_EXTENSIONS: z
    .string()
    .regex(/^\s*\.[A-Za-z0-9.]+(\s*,\s*\.[A-Za-z0-9.]+)*\s*$/, 'must be a comma-separated list of endings such as .img,.swu')
    .optional(),
  REQUIRE_SIGNED_FIRMWARE: booleanFlag.default(false),
  FIRMWARE_SIGNING_KEYS: z
    .string()
    .regex(
      /^\s*[A-Za-z0-9._-]{1,100}=[A-Za-z0-9+/=_-]+(\s*,\s*[A-Za-z0-9._-]{1,100}=[A-Za-z0-9+/=_-]+)*\s*$/,
      'must be a comma-separated list of <key_id>=<base64 Ed25519 public key>',
    )
    .optional(),

  DEVICE_SERVICE_URL: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional(),
  DEVICE_SERVICE_TOKEN: optionalText,
  DEVICE_SERVICE_TIMEOUT_MS: integer(100, 60_000).default(2000),
  DEVICE_DIRECTORY_CACHE_SECONDS: integer(0, 3600).default(30),
  DEVICE_IMPORT_MAX_BYTES: integer(1024, 1024 * 1024 * 1024).default(64 * 1024 * 1024),
  LAST_SEEN_FLUSH_MS: integer(100, 60_000).default(5000),
  LAST_SEEN_RESOLUTION_SECONDS: integer(0, 3600).default(60),
  LAST_SEEN_CACHE_SIZE: integer(0, 10_000_000).default(100_000),

  SCHEDULER_TICK_MS: integer(100, 60_000).default(2000),
  UPDATE_RETRY_BASE_DELAY_MS: integer(0, 24 * 3600_000).default(60_000),
  DEVICE_POLL_INTERVAL_SECONDS: integer(5, 86_400).default(300),
  DEVICE_POLL_JITTER_PERCENT: integer(0, 50).default(20),
  CHECK_IN_ANSWER_CACHE_SIZE: integer(0, 10_000_000).default(100_000),
  MQTT_URL: z.string().regex(/^(mqtts?|wss?):\/\//, 'must be an mqtt://, mqtts://, ws:// or wss:// URL').optional(),
  MQTT_USERNAME: optionalText,
  MQTT_PASSWORD: optionalText,
  MQTT_SHARE_GROUP: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -').default('ota_service'),

  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  RATE_LIMIT_ENABLED: booleanFlag.default(true),
  RATE_LIMIT_WINDOW_SECONDS: integer(1, 3600).default(1),
  RATE_LIMIT_READS_PER_SECOND: rate(1_000_000).default(200),
  RATE_LIMIT_WRITES_PER_SECOND: rate(1_000_000).default(50),
  RATE_LIMIT_DEVICE_PER_SECOND: rate(1_000_000).default(20),
  RATE_LIMIT_ANONYMOUS_PER_SECOND: rate(1_000_000).default(20),
  RATE_LIMIT_AUTH_FAILURES_PER_SECOND: rate(1_000_000).default(20),
  RATE_LIMIT_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_.-]{1,100}$/, 'must be 1-100 letters, digits, :, _, . or -').default('ota_service:rate_limit:'),
});

export type Env = z.infer<typeof envSchema>;

import { join, resolve } from 'node:path';
import { envSchema, type Env } from './env.schema';

export type Role = 'viewer' | 'operator' | 'admin' | 'service' | 'device_gateway';

export interface AppConfig {
  readonly env: Env['NODE_ENV'];
  readonly production: boolean;
  readonly service: { readonly name: 'ota_service'; readonly version: string };
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly bodyLimitBytes: number;
    /** Deepest nesting of objects and arrays a JSON body (or the firmware metadata part) may have. */
    readonly jsonMaxDepth: number;
    /** Longest silence of a client in the middle of sending a request body (an inactivity limit, not a total). */
    readonly bodyTimeoutMs: number;
    readonly trustProxy: boolean;
    readonly shutdownTimeoutMs: number;
    readonly docsEnabled: boolean;
    /** The operator console at `/console`, served from `directory` (the built single-page app). */
    readonly console: { readonly enabled: boolean; readonly directory: string };
  };
  readonly logLevel: Env['LOG_LEVEL'];
  /** Human-readable log lines (pino-pretty) instead of JSON: LOG_FORMAT=pretty, or `auto` with a terminal on stdout. */
  readonly logPretty: boolean;
  /** Absolute path of the folder for embedded data (database, generated secrets). */
  readonly dataDir: string;
  readonly database: {
    /** Unset means embedded mode: the service runs its own PostgreSQL under `dataDir`. */
    readonly url: string | undefined;
    /** Connections for operator requests and background work. */
    readonly poolSize: number;
    /** Connections reserved for the device API, so operators' queries cannot starve check-ins. */
    readonly devicePoolSize: number;
    /** Server-side limit per statement on the operator pool (long campaign work sets its own). */
    readonly statementTimeoutMs: number;
    /** Server-side limit per statement on the device pool. */
    readonly deviceStatementTimeoutMs: number;
    /** Longest wait for a pooled connection, and for a new connection to be established. */
    readonly connectTimeoutMs: number;
    readonly migrateOnStart: boolean;
    readonly embeddedPort: number;
  };
  readonly auth: {
    readonly jwtSecret: string | undefined;
    readonly jwksUrl: string | undefined;
    readonly issuer: string | undefined;
    readonly audience: string | undefined;
    readonly defaultRole: Exclude<Role, 'service'>;
    /** Refuse tokens without `exp`, which would never expire. */
    readonly requireExp: boolean;
    /** Longest accepted lifetime of a token: `exp - iat`, or `exp - now` without `iat`. */
    readonly maxLifetimeSeconds: number;
    /** Issuers (`iss`) whose tokens may claim the `service` role; no bearer token may otherwise. */
    readonly serviceIssuers: readonly string[];
    /** When true and no JWT secret is configured, one is generated and kept under `dataDir`. */
    readonly devTokens: boolean;
    readonly internalSecret: string | undefined;
    readonly defaultOrganizationId: string;
  };
  readonly events: {
    readonly natsUrl: string | undefined;
    readonly stream: string;
    readonly relayIntervalMs: number;
    readonly batchSize: number;
    readonly retentionHours: number;
  };
  readonly scheduler: { readonly enabled: boolean; readonly tickMs: number };
  /** Audit events older than this are purged (in batches, by the scheduler). */
  readonly audit: { readonly retentionDays: number };
  /** Campaign notifications POSTed to `webhook:<url>` channels (see the README, "Webhooks"). */
  readonly webhooks: {
    /** Allow http:// and loopback, private or link-local addresses (tests, a lab); off, they are refused. */
    readonly allowPrivate: boolean;
    /** Longest wait for one delivery's answer. */
    readonly timeoutMs: number;
    /** Attempts before a delivery is given up as `failed`. */
    readonly maxAttempts: number;
    /** Wait after the first failed attempt, doubling with each further one (capped at an hour). */
    readonly retryBaseDelayMs: number;
    /** Delivered and failed deliveries are deleted this many days after they were created. */
    readonly retentionDays: number;
  };
  /** Base of URLs this service hands out that point back to itself (filesystem downloads). */
  readonly publicBaseUrl: string;
  readonly storage: {
    readonly driver: 'filesystem' | 's3';
    /** Root folder of the filesystem store. */
    readonly directory: string;
    readonly s3: {
      readonly endpoint: string | undefined;
      /** Endpoint put into URLs handed to devices, when they reach storage by another address. */
      readonly publicEndpoint: string | undefined;
      readonly region: string;
      readonly bucket: string;
      readonly accessKeyId: string | undefined;
      readonly secretAccessKey: string | undefined;
      readonly forcePathStyle: boolean;
      readonly checksumMode: 'WHEN_REQUIRED' | 'WHEN_SUPPORTED';
      readonly createBucket: boolean;
      readonly partSizeBytes: number;
      readonly uploadConcurrency: number;
    };
    readonly downloadUrlTtlSeconds: number;
    /** HMAC secret of filesystem download tokens; generated under `dataDir` outside production when unset. */
    readonly downloadUrlSecret: string | undefined;
  };
  readonly firmware: {
    readonly maxBytes: number;
    /** Accepted file name endings, lower-case, with the leading dot. */
    readonly extensions: readonly string[];
    readonly requireSigned: boolean;
    /** Ed25519 public keys given in configuration, by key id (base64, raw or SPKI DER). */
    readonly signingKeys: ReadonlyMap<string, string>;
  };
  readonly devices: {
    /** Largest body of `POST /devices/import`, JSON or NDJSON. */
    readonly importMaxBytes: number;
    /** How often buffered last-seen times and reported versions are written (500 devices per statement). */
    readonly lastSeenFlushMs: number;
    /**
     * A stored last-seen time is moved forward only once the new one is at least this much later
     * (a changed firmware version is always written): a device polling more often than this costs
     * no row write per poll. 0 writes every flush's time.
     */
    readonly lastSeenResolutionSeconds: number;
    /**
     * Devices whose stored last-seen time (and version) this replica remembers from its own
     * writes, so that a device seen again within the resolution costs no database work at all. 0
     * remembers none: every flush asks the database about each device.
     */
    readonly lastSeenCacheSize: number;
    /** A platform device service to ask instead of the built-in registry; unset uses the registry. */
    readonly directory: {
      readonly url: string | undefined;
      /** Sent as `Authorization: Bearer <token>` to the device service. */
      readonly token: string | undefined;
      readonly timeoutMs: number;
      readonly cacheSeconds: number;
    };
  };
  readonly updates: {
    /** First automatic retry after this delay, doubling with each retry (capped at an hour). */
    readonly retryBaseDelayMs: number;
    /** What a check-in tells a device to wait before the next one, spread by the jitter. */
    readonly pollIntervalSeconds: number;
    readonly pollJitterPercent: number;
    /** Devices whose last check-in answer a replica remembers (see `CheckInAnswers`); 0 turns it off. */
    readonly checkInAnswerCacheSize: number;
  };
  /** The MQTT bridge; off (HTTP polling only) when `url` is unset. */
  readonly mqtt: {
    readonly url: string | undefined;
    readonly username: string | undefined;
    readonly password: string | undefined;
    /** Replicas consume device reports through `$share/<group>/...`, so each report is handled once. */
    readonly shareGroup: string;
  };
  /** A Redis the replicas share (rate-limit budgets); unset keeps such state in each replica's memory. */
  readonly redis: { readonly url: string | undefined };
  /**
   * Request budgets (see the README, "Rate limits"): each key may spend `perSecond × window`
   * requests per window of `windowMs`, all at once if it likes (bursts are allowed).
   */
  readonly rateLimits: {
    readonly enabled: boolean;
    readonly windowMs: number;
    /** Prefix of the budget keys in Redis. */
    readonly redisPrefix: string;
    readonly perSecond: {
      /** GET and HEAD of the operator API, per credential. */
      readonly read: number;
      /** Other methods of the operator API, per credential. */
      readonly write: number;
      /** The device API, per device. */
      readonly device: number;
      /** Public routes and requests without credentials, per IP. */
      readonly anonymous: number;
      /** Requests answered 401, per IP: past it, the IP's credentialed requests wait too. */
      readonly authFailures: number;
    };
  };
}

/** The file name endings firmware may have, before any configured in `FIRMWARE_EXTENSIONS`. */
export const DEFAULT_FIRMWARE_EXTENSIONS = ['.bin', '.hex', '.elf', '.tar.gz', '.zip'] as const;

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

export const SERVICE_VERSION = '1.0.0';

/**
 * Validates the environment once and turns it into the typed configuration. Every problem is
 * collected before failing, so an operator fixes them in one round.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw = withoutEmptyValues(source);
  const parsed = envSchema.safeParse(raw);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)),
    // Checked on the raw values too, so a production deployment with a typo elsewhere still
    // hears about its missing secrets in the same round.
    ...productionProblems(raw),
    ...storageProblems(raw),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigValidationError(problems);

  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  const embedded = env.DATABASE_URL === undefined;
  const hasJwtConfig = env.JWT_SECRET !== undefined || env.JWT_JWKS_URL !== undefined;
  const devTokens = env.AUTH_DEV_TOKENS ?? (embedded && !hasJwtConfig && !production);

  return {
    env: env.NODE_ENV,
    production,
    service: { name: 'ota_service', version: SERVICE_VERSION },
    http: {
      host: env.HOST,
      port: env.PORT,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      jsonMaxDepth: env.JSON_MAX_DEPTH,
      bodyTimeoutMs: env.HTTP_BODY_TIMEOUT_MS,
      trustProxy: env.TRUST_PROXY,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      docsEnabled: env.DOCS_ENABLED,
      // dist/config/app-config.js → dist/console, where the console's build puts it.
      console: { enabled: env.CONSOLE_ENABLED, directory: resolve(env.CONSOLE_DIR ?? join(__dirname, '..', 'console')) },
    },
    logLevel: env.LOG_LEVEL,
    logPretty: env.LOG_FORMAT === 'pretty' || (env.LOG_FORMAT === 'auto' && process.stdout.isTTY === true),
    dataDir: resolve(env.DATA_DIR),
    database: {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      devicePoolSize: env.DATABASE_DEVICE_POOL_SIZE,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
      deviceStatementTimeoutMs: env.DATABASE_DEVICE_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
      // Embedded databases are ours alone, so they are always brought up to date.
      migrateOnStart: embedded || (env.MIGRATE_ON_START ?? !production),
      embeddedPort: env.EMBEDDED_POSTGRES_PORT,
    },
    auth: {
      jwtSecret: env.JWT_SECRET,
      jwksUrl: env.JWT_JWKS_URL,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      defaultRole: env.JWT_DEFAULT_ROLE,
      requireExp: env.JWT_REQUIRE_EXP,
      maxLifetimeSeconds: env.JWT_MAX_LIFETIME_SECONDS,
      serviceIssuers: splitList(env.JWT_SERVICE_ISSUERS),
      devTokens,
      internalSecret: env.INTERNAL_SERVICE_SECRET,
      defaultOrganizationId: env.DEFAULT_ORGANIZATION_ID,
    },
    events: {
      natsUrl: env.NATS_URL,
      stream: env.NATS_STREAM,
      relayIntervalMs: env.OUTBOX_RELAY_INTERVAL_MS,
      batchSize: env.OUTBOX_BATCH_SIZE,
      retentionHours: env.OUTBOX_RETENTION_HOURS,
    },
    scheduler: { enabled: env.SCHEDULER_ENABLED, tickMs: env.SCHEDULER_TICK_MS },
    audit: { retentionDays: env.AUDIT_RETENTION_DAYS },
    webhooks: {
      allowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
      retryBaseDelayMs: env.WEBHOOK_RETRY_BASE_DELAY_MS,
      retentionDays: env.WEBHOOK_RETENTION_DAYS,
    },
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    storage: {
      // S3 when a bucket is configured, unless the driver is named explicitly.
      driver: rawStorageDriver(raw) as 'filesystem' | 's3',
      directory: resolve(env.STORAGE_DIR ?? join(env.DATA_DIR, 'storage')),
      s3: {
        endpoint: env.S3_ENDPOINT,
        publicEndpoint: env.S3_PUBLIC_ENDPOINT,
        region: env.S3_REGION,
        bucket: env.S3_BUCKET ?? '',
        accessKeyId: env.S3_ACCESS_KEY_ID,
        secretAccessKey: env.S3_SECRET_ACCESS_KEY,
        forcePathStyle: env.S3_FORCE_PATH_STYLE,
        checksumMode: env.S3_CHECKSUM_MODE,
        createBucket: env.S3_CREATE_BUCKET,
        partSizeBytes: env.S3_PART_SIZE_MB * 1024 * 1024,
        uploadConcurrency: env.S3_UPLOAD_CONCURRENCY,
      },
      downloadUrlTtlSeconds: env.DOWNLOAD_URL_TTL_SECONDS,
      downloadUrlSecret: env.DOWNLOAD_URL_SECRET,
    },
    firmware: {
      maxBytes: env.FIRMWARE_MAX_BYTES,
      extensions: [...new Set([...DEFAULT_FIRMWARE_EXTENSIONS, ...splitList(env.FIRMWARE_EXTENSIONS)].map((e) => e.toLowerCase()))],
      requireSigned: env.REQUIRE_SIGNED_FIRMWARE,
      signingKeys: new Map(splitList(env.FIRMWARE_SIGNING_KEYS).map((entry) => entry.split('=', 2) as [string, string])),
    },
    devices: {
      importMaxBytes: env.DEVICE_IMPORT_MAX_BYTES,
      lastSeenFlushMs: env.LAST_SEEN_FLUSH_MS,
      lastSeenResolutionSeconds: env.LAST_SEEN_RESOLUTION_SECONDS,
      lastSeenCacheSize: env.LAST_SEEN_CACHE_SIZE,
      directory: {
        url: env.DEVICE_SERVICE_URL?.replace(/\/+$/, ''),
        token: env.DEVICE_SERVICE_TOKEN,
        timeoutMs: env.DEVICE_SERVICE_TIMEOUT_MS,
        cacheSeconds: env.DEVICE_DIRECTORY_CACHE_SECONDS,
      },
    },
    updates: {
      retryBaseDelayMs: env.UPDATE_RETRY_BASE_DELAY_MS,
      pollIntervalSeconds: env.DEVICE_POLL_INTERVAL_SECONDS,
      pollJitterPercent: env.DEVICE_POLL_JITTER_PERCENT,
      checkInAnswerCacheSize: env.CHECK_IN_ANSWER_CACHE_SIZE,
    },
    mqtt: { url: env.MQTT_URL, username: env.MQTT_USERNAME, password: env.MQTT_PASSWORD, shareGroup: env.MQTT_SHARE_GROUP },
    redis: { url: env.REDIS_URL },
    rateLimits: {
      enabled: env.RATE_LIMIT_ENABLED,
      windowMs: env.RATE_LIMIT_WINDOW_SECONDS * 1000,
      redisPrefix: env.RATE_LIMIT_REDIS_PREFIX,
      perSecond: {
        read: env.RATE_LIMIT_READS_PER_SECOND,
        write: env.RATE_LIMIT_WRITES_PER_SECOND,
        device: env.RATE_LIMIT_DEVICE_PER_SECOND,
        anonymous: env.RATE_LIMIT_ANONYMOUS_PER_SECOND,
        authFailures: env.RATE_LIMIT_AUTH_FAILURES_PER_SECOND,
      },
    },
  };
}

function splitList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}

/** What production needs beyond well-formed values: real credentials and a real database. */
function productionProblems(raw: Record<string, string>): string[] {
  if (raw.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  if (raw.JWT_SECRET === undefined && raw.JWT_JWKS_URL === undefined) {
    problems.push('JWT_SECRET or JWT_JWKS_URL is required when NODE_ENV=production');
  }
  if (raw.DATABASE_URL === undefined) problems.push('DATABASE_URL is required when NODE_ENV=production');
  // Replicas must agree on the secret, so production cannot rely on one generated per data folder.
  if (rawStorageDriver(raw) === 'filesystem' && raw.DOWNLOAD_URL_SECRET === undefined) {
    problems.push('DOWNLOAD_URL_SECRET is required when NODE_ENV=production and firmware is stored on the filesystem');
  }
  // Off by default in production; only an explicit opt-in is refused.
  const devTokens = envSchema.shape.AUTH_DEV_TOKENS.safeParse(raw.AUTH_DEV_TOKENS);
  if (devTokens.success && devTokens.data === true) {
    problems.push('AUTH_DEV_TOKENS cannot be enabled when NODE_ENV=production');
  }
  return problems;
}

/** Settings that only make sense together. */
function storageProblems(raw: Record<string, string>): string[] {
  const problems: string[] = [];
  if (rawStorageDriver(raw) === 's3' && raw.S3_BUCKET === undefined) problems.push('S3_BUCKET is required when STORAGE_DRIVER=s3');
  if ((raw.S3_ACCESS_KEY_ID === undefined) !== (raw.S3_SECRET_ACCESS_KEY === undefined)) {
    problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together (or neither, for the default AWS credential chain)');
  }
  return problems;
}

function rawStorageDriver(raw: Record<string, string>): string {
  return raw.STORAGE_DRIVER ?? (raw.S3_BUCKET === undefined ? 'filesystem' : 's3');
}

/**
 * `FOO=` in a .env file or a compose file means "not set", not "set to the empty string"; so
 * does a value of only blanks (`PORT=" "` would otherwise coerce to port 0).
 */
function withoutEmptyValues(source: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(source).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ''),
  );
}

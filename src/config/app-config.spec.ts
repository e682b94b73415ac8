import { resolve } from 'node:path';
import { ConfigValidationError, loadConfig } from './app-config';

const JWT_SECRET = 'a-production-secret-of-at-least-32-chars';
const DATABASE_URL = 'postgresql://ota:secret@db.internal:5432/ota';

/** A production environment that passes every rule; tests take things away from it. */
const production = { NODE_ENV: 'production', JWT_SECRET, DATABASE_URL, DOWNLOAD_URL_SECRET: 'a-download-url-secret-of-32-chars-or-more' };

/** The problems loadConfig reports for `env`, or fails the test when it accepts it. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  describe('defaults', () => {
    it('listens on 0.0.0.0:8240 with documented defaults when nothing is set', () => {
      const config = loadConfig({});
      expect(config.env).toBe('development');
      expect(config.production).toBe(false);
      expect(config.http).toEqual({
        host: '0.0.0.0',
        port: 8240,
        bodyLimitBytes: 1024 * 1024,
        jsonMaxDepth: 32,
        bodyTimeoutMs: 60_000,
        trustProxy: false,
        shutdownTimeoutMs: 15_000,
        docsEnabled: true,
        // Next to the compiled config: dist/config → dist/console, where `npm run build` puts it.
        console: { enabled: true, directory: resolve(__dirname, '..', 'console') },
      });
      expect(config.logLevel).toBe('info');
      expect(config.dataDir).toBe(resolve('./data'));
      expect(config.auth).toMatchObject({ defaultRole: 'viewer', defaultOrganizationId: 'default', jwtSecret: undefined });
      expect(config.auth).toMatchObject({ requireExp: true, maxLifetimeSeconds: 86_400, serviceIssuers: [] });
      expect(config.events).toEqual({
        natsUrl: undefined,
        stream: 'OTA_SERVICE',
        relayIntervalMs: 1000,
        batchSize: 100,
        retentionHours: 72,
      });
      expect(config.scheduler.enabled).toBe(true);
    });

    it('runs an embedded database, migrated on start, when DATABASE_URL is unset', () => {
      const config = loadConfig({ DATA_DIR: '/var/lib/ota' });
      expect(config.dataDir).toBe('/var/lib/ota');
      expect(config.database).toEqual({
        url: undefined,
        poolSize: 10,
        devicePoolSize: 10,
        statementTimeoutMs: 30_000,
        deviceStatementTimeoutMs: 5_000,
        connectTimeoutMs: 5_000,
        migrateOnStart: true,
        embeddedPort: 0,
      });
    });

    it('migrates an external database on start outside production, and not in production', () => {
      expect(loadConfig({ DATABASE_URL }).database).toMatchObject({ url: DATABASE_URL, migrateOnStart: true });
      expect(loadConfig({ NODE_ENV: 'test', DATABASE_URL }).database.migrateOnStart).toBe(true);
      expect(loadConfig(production).database.migrateOnStart).toBe(false);
      expect(loadConfig({ ...production, MIGRATE_ON_START: 'true' }).database.migrateOnStart).toBe(true);
      expect(loadConfig({ DATABASE_URL, MIGRATE_ON_START: 'false' }).database.migrateOnStart).toBe(false);
    });

    it('always migrates an embedded database, which nobody else can migrate', () => {
      expect(loadConfig({ MIGRATE_ON_START: 'false' }).database.migrateOnStart).toBe(true);
    });

    it('turns dev tokens on by default only in embedded, non-production mode without JWT settings', () => {
      expect(loadConfig({}).auth.devTokens).toBe(true);
      expect(loadConfig({ NODE_ENV: 'test' }).auth.devTokens).toBe(true);
      expect(loadConfig({ DATABASE_URL }).auth.devTokens).toBe(false);
      expect(loadConfig({ JWT_SECRET }).auth.devTokens).toBe(false);
      expect(loadConfig({ JWT_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json' }).auth.devTokens).toBe(false);
      expect(loadConfig(production).auth.devTokens).toBe(false);
    });

    it('lets AUTH_DEV_TOKENS override the default outside production', () => {
      expect(loadConfig({ AUTH_DEV_TOKENS: 'false' }).auth.devTokens).toBe(false);
      expect(loadConfig({ DATABASE_URL, AUTH_DEV_TOKENS: 'true' }).auth.devTokens).toBe(true);
    });
  });

  describe('production rules', () => {
    it('accepts a complete production configuration, with a JWKS URL instead of a secret too', () => {
      expect(loadConfig(production).production).toBe(true);
      const { JWT_SECRET: _, ...withoutSecret } = production;
      const config = loadConfig({ ...withoutSecret, JWT_JWKS_URL: 'https://idp.example.com/jwks' });
      expect(config.auth.jwksUrl).toBe('https://idp.example.com/jwks');
    });

    it('requires JWT_SECRET or JWT_JWKS_URL', () => {
      const { JWT_SECRET: _, ...env } = production;
      expect(problemsOf(env)).toEqual(['JWT_SECRET or JWT_JWKS_URL is required when NODE_ENV=production']);
    });

    it('requires DATABASE_URL: no embedded database in production', () => {
      const { DATABASE_URL: _, ...env } = production;
      expect(problemsOf(env)).toEqual(['DATABASE_URL is required when NODE_ENV=production']);
    });

    it('refuses AUTH_DEV_TOKENS=true, in any accepted spelling', () => {
      expect(problemsOf({ ...production, AUTH_DEV_TOKENS: 'true' })).toEqual([
        'AUTH_DEV_TOKENS cannot be enabled when NODE_ENV=production',
      ]);
      expect(problemsOf({ ...production, AUTH_DEV_TOKENS: 'On' })).toHaveLength(1);
      expect(loadConfig({ ...production, AUTH_DEV_TOKENS: 'false' }).auth.devTokens).toBe(false);
    });

    it('reports the missing settings of an empty production environment together', () => {
      expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
        'JWT_SECRET or JWT_JWKS_URL is required when NODE_ENV=production',
        'DATABASE_URL is required when NODE_ENV=production',
        'DOWNLOAD_URL_SECRET is required when NODE_ENV=production and firmware is stored on the filesystem',
      ]);
    });

    it('requires DOWNLOAD_URL_SECRET with filesystem storage, which replicas must share, and not with S3', () => {
      const { DOWNLOAD_URL_SECRET: _, ...env } = production;
      expect(problemsOf(env)).toEqual(['DOWNLOAD_URL_SECRET is required when NODE_ENV=production and firmware is stored on the filesystem']);
      expect(loadConfig({ ...env, S3_BUCKET: 'firmware' }).storage.driver).toBe('s3');
    });
  });

  describe('all problems at once', () => {
    it('lists every invalid variable in one error', () => {
      const problems = problemsOf({
        PORT: 'eighty',
        LOG_LEVEL: 'verbose',
        TRUST_PROXY: 'maybe',
        DATABASE_URL: 'mysql://db/ota',
        JWT_SECRET: 'short',
        NATS_URL: 'http://nats:4222',
      });
      expect(problems).toEqual([
        'PORT: must be a whole number',
        expect.stringMatching(/^LOG_LEVEL: /),
        'TRUST_PROXY: must be one of true, false, 1, 0, yes, no, on, off',
        'DATABASE_URL: must be a postgresql:// connection string',
        'JWT_SECRET: must be at least 32 characters',
        'NATS_URL: must be a nats:// or tls:// URL',
      ]);
    });

    it('reports invalid values and broken production rules in the same error', () => {
      const problems = problemsOf({ NODE_ENV: 'production', PORT: '99999', AUTH_DEV_TOKENS: 'yes' });
      expect(problems).toEqual([
        'PORT: must be between 0 and 65535',
        'JWT_SECRET or JWT_JWKS_URL is required when NODE_ENV=production',
        'DATABASE_URL is required when NODE_ENV=production',
        'DOWNLOAD_URL_SECRET is required when NODE_ENV=production and firmware is stored on the filesystem',
        'AUTH_DEV_TOKENS cannot be enabled when NODE_ENV=production',
      ]);
    });

    it('names every problem in the error message', () => {
      expect(() => loadConfig({ PORT: '-1', DATABASE_POOL_SIZE: '0' })).toThrow(
        'Invalid configuration:\n  - PORT: must be between 0 and 65535\n  - DATABASE_POOL_SIZE: must be between 1 and 200',
      );
    });
  });

  describe('values', () => {
    it('treats empty and blank values as unset, so defaults apply', () => {
      const config = loadConfig({ PORT: '', HOST: '', DATABASE_URL: '', JWT_SECRET: '  ', MIGRATE_ON_START: '', TRUST_PROXY: ' ' });
      expect(config.http.port).toBe(8240);
      expect(config.http.host).toBe('0.0.0.0');
      expect(config.http.trustProxy).toBe(false);
      expect(config.database.url).toBeUndefined();
      expect(config.auth.jwtSecret).toBeUndefined();
      expect(config.database.migrateOnStart).toBe(true);
    });

    it('still requires a production setting given as an empty string', () => {
      expect(problemsOf({ ...production, DATABASE_URL: '' })).toEqual(['DATABASE_URL is required when NODE_ENV=production']);
    });

    it.each([
      ['true', true],
      ['1', true],
      ['yes', true],
      ['on', true],
      ['TRUE', true],
      [' On ', true],
      ['false', false],
      ['0', false],
      ['no', false],
      ['off', false],
      ['False', false],
    ])('reads the boolean %j as %s', (value, expected) => {
      expect(loadConfig({ TRUST_PROXY: value }).http.trustProxy).toBe(expected);
    });

    it.each(['maybe', 'enabled', '2', 'y'])('refuses the boolean %j instead of reading it as false', (value) => {
      expect(problemsOf({ DOCS_ENABLED: value })).toEqual(['DOCS_ENABLED: must be one of true, false, 1, 0, yes, no, on, off']);
    });

    it('reads whole numbers and their bounds inclusively', () => {
      expect(loadConfig({ PORT: '0' }).http.port).toBe(0);
      expect(loadConfig({ PORT: '65535' }).http.port).toBe(65535);
      expect(loadConfig({ PORT: ' 8080 ' }).http.port).toBe(8080);
      expect(loadConfig({ DATABASE_POOL_SIZE: '200', OUTBOX_BATCH_SIZE: '1' }).database.poolSize).toBe(200);
    });

    it.each([
      ['PORT', '65536', 'must be between 0 and 65535'],
      ['PORT', '-1', 'must be between 0 and 65535'],
      ['DATABASE_POOL_SIZE', '0', 'must be between 1 and 200'],
      ['DATABASE_POOL_SIZE', '201', 'must be between 1 and 200'],
      ['SHUTDOWN_TIMEOUT_MS', '999', 'must be between 1000 and 300000'],
      ['OUTBOX_RELAY_INTERVAL_MS', '99', 'must be between 100 and 60000'],
      ['OUTBOX_RETENTION_HOURS', '8761', 'must be between 1 and 8760'],
      ['AUDIT_RETENTION_DAYS', '0', 'must be between 1 and 3650'],
      ['BODY_LIMIT_BYTES', '1023', 'must be between 1024 and 67108864'],
      ['EMBEDDED_POSTGRES_PORT', '70000', 'must be between 0 and 65535'],
      ['DATABASE_STATEMENT_TIMEOUT_MS', '99', 'must be between 100 and 3600000'],
      ['DATABASE_CONNECT_TIMEOUT_MS', '60001', 'must be between 100 and 60000'],
    ])('refuses %s=%s as out of range', (name, value, message) => {
      expect(problemsOf({ [name]: value })).toEqual([`${name}: ${message}`]);
    });

    it.each(['8080.5', '1e3', '0x1f', '80 80', 'NaN'])('refuses PORT=%j as not a whole number', (value) => {
      expect(problemsOf({ PORT: value })).toEqual(['PORT: must be a whole number']);
    });

    it('accepts only http(s) JWKS URLs and postgres connection strings', () => {
      expect(problemsOf({ JWT_JWKS_URL: 'ftp://idp.example.com/jwks' })).toEqual(['JWT_JWKS_URL: must be an http:// or https:// URL']);
      expect(problemsOf({ JWT_JWKS_URL: 'not a url' })).toEqual(['JWT_JWKS_URL: must be an http:// or https:// URL']);
      expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).database.url).toBe('postgres://u@h/db');
    });

    it('reads the bearer token lifetime rules and the issuers trusted with the service role', () => {
      const config = loadConfig({ JWT_REQUIRE_EXP: 'false', JWT_MAX_LIFETIME_SECONDS: '3600', JWT_SERVICE_ISSUERS: ' https://a.test , https://b.test ' });
      expect(config.auth).toMatchObject({ requireExp: false, maxLifetimeSeconds: 3600, serviceIssuers: ['https://a.test', 'https://b.test'] });
      expect(problemsOf({ JWT_MAX_LIFETIME_SECONDS: '59' })).toEqual(['JWT_MAX_LIFETIME_SECONDS: must be between 60 and 31622400']);
    });

    it('ignores variables the service does not read', () => {
      expect(loadConfig({ PATH: '/usr/bin', HOME: '/root', UNRELATED: 'x' }).http.port).toBe(8240);
    });

    it('resolves DATA_DIR against the working directory', () => {
      expect(loadConfig({ DATA_DIR: 'var/ota' }).dataDir).toBe(resolve('var/ota'));
    });
  });

  describe('rate limits', () => {
    it("are on by default, in memory, with hawkBit's budgets per second", () => {
      const config = loadConfig({});
      expect(config.redis.url).toBeUndefined();
      expect(config.rateLimits).toEqual({
        enabled: true,
        windowMs: 1000,
        redisPrefix: 'ota_service:rate_limit:',
        perSecond: { read: 200, write: 50, device: 20, anonymous: 20, authFailures: 20 },
      });
    });

    it('take fractional rates (one request every few seconds) and a Redis URL', () => {
      const config = loadConfig({ REDIS_URL: 'redis://cache:6379', RATE_LIMIT_WINDOW_SECONDS: '60', RATE_LIMIT_WRITES_PER_SECOND: '0.5' });
      expect(config.redis.url).toBe('redis://cache:6379');
      expect(config.rateLimits).toMatchObject({ windowMs: 60_000, perSecond: { write: 0.5 } });
    });

    it('refuses rates of zero or not numbers, and URLs that are not Redis', () => {
      expect(problemsOf({ RATE_LIMIT_READS_PER_SECOND: '0' })).toEqual(['RATE_LIMIT_READS_PER_SECOND: must be above 0']);
      expect(problemsOf({ RATE_LIMIT_DEVICE_PER_SECOND: '1e3' })).toEqual(['RATE_LIMIT_DEVICE_PER_SECOND: must be a number such as 20 or 0.5']);
      expect(problemsOf({ REDIS_URL: 'http://cache:6379' })).toEqual(['REDIS_URL: must be a redis:// or rediss:// URL']);
    });
  });
});

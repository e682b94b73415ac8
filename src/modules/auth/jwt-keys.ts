import { Logger, type Provider } from '@nestjs/common';
import { readOrCreateSecret } from '../../common/generated-secret';
import { APP_CONFIG, type AppConfig } from '../../config';

/** The HS256 secret for bearer tokens, when there is one. RS256/ES256 keys come from the JWKS. */
export interface JwtSigningSecret {
  readonly secret: string | undefined;
  /** True when the secret was generated for development and lives in the data folder. */
  readonly generated: boolean;
}

export const JWT_SIGNING_SECRET = Symbol('JWT_SIGNING_SECRET');
const SECRET_FILE = 'jwt-secret';

/**
 * Uses `JWT_SECRET` when set. In development with dev tokens on and no secret configured, it
 * generates one and keeps it in the data folder, so tokens survive restarts.
 */
export const jwtSigningSecretProvider: Provider = {
  provide: JWT_SIGNING_SECRET,
  inject: [APP_CONFIG],
  useFactory: async (config: AppConfig): Promise<JwtSigningSecret> => {
    if (config.auth.jwtSecret !== undefined) return { secret: config.auth.jwtSecret, generated: false };
    if (!config.auth.devTokens) {
      if (config.auth.jwksUrl === undefined) {
        new Logger('Auth').warn('No JWT_SECRET or JWT_JWKS_URL: bearer tokens are refused; API keys still work');
      }
      return { secret: undefined, generated: false };
    }
    return { secret: await readOrCreateSecret(config.dataDir, SECRET_FILE), generated: true };
  },
};

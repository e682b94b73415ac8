import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AuditModule } from '../audit/audit.module';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { AuthController } from './auth.controller';
import { ApiKeyAuthenticator } from './authenticators/api-key.authenticator';
import { BearerTokenAuthenticator } from './authenticators/bearer-token.authenticator';
import { InternalServiceAuthenticator } from './authenticators/internal-service.authenticator';
import { DevTokensService } from './dev-tokens.service';
import { jwtSigningSecretProvider } from './jwt-keys';
import { JwtStrategy } from './jwt.strategy';

/** Credentials (bearer JWT, API keys, internal secret), API key management and dev tokens. */
@Module({
  imports: [PassportModule.register({ session: false }), AuditModule],
  controllers: [AuthController, ApiKeysController],
  providers: [
    jwtSigningSecretProvider,
    JwtStrategy,
    ApiKeysRepository,
    ApiKeysService,
    DevTokensService,
    ApiKeyAuthenticator,
    BearerTokenAuthenticator,
    InternalServiceAuthenticator,
  ],
  exports: [ApiKeysService, DevTokensService],
})
export class AuthModule {}

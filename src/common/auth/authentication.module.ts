import { Global, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { AuthenticationGuard } from './authentication.guard';

/**
 * The global guard, also exported as itself: the device API's fast routes, which Fastify serves
 * outside Nest's router, authenticate through the same instance.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [AuthenticationGuard, { provide: APP_GUARD, useExisting: AuthenticationGuard }],
  exports: [AuthenticationGuard],
})
export class AuthenticationModule {}

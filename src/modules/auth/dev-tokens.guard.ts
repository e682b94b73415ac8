import { type CanActivate, Injectable } from '@nestjs/common';
import { DevTokensService } from './dev-tokens.service';

/**
 * While dev tokens are off the endpoint does not exist: guards run before the validation pipe,
 * so even a malformed body gets the 404 rather than a 422 that describes the endpoint.
 */
@Injectable()
export class DevTokensEnabledGuard implements CanActivate {
  constructor(private readonly devTokens: DevTokensService) {}

  canActivate(): boolean {
    this.devTokens.assertEnabled();
    return true;
  }
}

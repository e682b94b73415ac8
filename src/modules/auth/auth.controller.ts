import { Body, Controller, Get, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentPrincipal, Public } from '../../common/auth/auth.decorators';
import type { Principal } from '../../common/auth/principal';
import { ErrorResponseDto } from '../../common/http/error-response.dto';
import { DevTokensEnabledGuard } from './dev-tokens.guard';
import { DevTokensService } from './dev-tokens.service';
import { CurrentPrincipalResponseDto } from './dto/current-principal.dto';
import { DevTokenRequestDto, DevTokenResponseDto } from './dto/dev-token.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly devTokens: DevTokensService) {}

  /**
   * Issues a development token (same body as the platform auth service). Exists only when
   * `AUTH_DEV_TOKENS` is on, which it is by default in embedded development mode.
   */
  @Public()
  @UseGuards(DevTokensEnabledGuard)
  @Post('dev-token')
  @HttpCode(HttpStatus.OK)
  @ApiNotFoundResponse({ description: 'Dev tokens are disabled', type: ErrorResponseDto })
  createDevToken(@Body() body: DevTokenRequestDto): Promise<DevTokenResponseDto> {
    return this.devTokens.issue(body);
  }

  /**
   * Who these credentials belong to: kind, organization, roles and expiry. A client (the console
   * among them) checks pasted credentials with it and shows only what the roles allow; the
   * service still decides on every request.
   */
  @Get('me')
  @Auth('viewer')
  getCurrentPrincipal(@CurrentPrincipal() principal: Principal): CurrentPrincipalResponseDto {
    return {
      kind: principal.kind,
      id: principal.id,
      organization_id: principal.organizationId,
      roles: principal.roles,
      email: principal.email ?? null,
      expires_at: principal.expiresAt?.toISOString() ?? null,
    };
  }
}

import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/auth/auth.decorators';
import { ErrorResponseDto } from '../../common/http/error-response.dto';
import { DevTokensEnabledGuard } from './dev-tokens.guard';
import { DevTokensService } from './dev-tokens.service';
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
}

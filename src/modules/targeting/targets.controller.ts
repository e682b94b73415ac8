import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Auth, CurrentOrganization } from '../../common/auth/auth.decorators';
import { ErrorResponseDto } from '../../common/http/error-response.dto';
import { TargetPreviewRequestDto, TargetPreviewResponseDto } from './dto/target-preview.dto';
import { TargetSelectionService } from './target-selection.service';

@ApiTags('targets')
@Controller('targets')
export class TargetsController {
  constructor(private readonly targets: TargetSelectionService) {}

  /**
   * Counts the devices a campaign with these targets would hit (matched, compatible, already on
   * the version, selected) and lists the first 20 selected, before the campaign exists.
   */
  @Post('preview')
  @HttpCode(HttpStatus.OK)
  @Auth('viewer')
  @ApiOkResponse({ type: TargetPreviewResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown firmware_id' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'No targets (`target/no_targets`), a bad filter (`target/invalid_filter`) or a bad field' })
  previewTargets(@Body() body: TargetPreviewRequestDto, @CurrentOrganization() organizationId: string): Promise<TargetPreviewResponseDto> {
    return this.targets.preview(organizationId, body);
  }
}

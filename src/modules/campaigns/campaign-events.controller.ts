import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Auth, CurrentOrganization, CurrentPrincipal } from '../../common/auth/auth.decorators';
import type { Principal } from '../../common/auth/principal';
import { ErrorResponseDto } from '../../common/http/error-response.dto';
import { openEventStream } from '../../common/http/event-stream';
import { CampaignEventsStream } from './campaign-events.stream';
import { CampaignIdParamDto } from './dto/campaign.dto';

const STREAM_DESCRIPTION = [
  'A `text/event-stream` (Server-Sent Events) that stays open until the client closes it. Messages:',
  '',
  '- `event: transition`, `id: <timeline row id>`, `data:` the timeline entry (`CampaignTimelineEntryDto`) with',
  '  `campaign_id`: one per transition, in order. Without `Last-Event-ID` the stream starts with the whole',
  '  timeline; with it, after that entry (EventSource sends it when it reconnects).',
  '- `event: counts`, `data:` the campaign stats (`CampaignStatsResponseDto`, as `GET /api/v1/stats/campaigns/{id}`):',
  '  on connecting, then at most once a second and only when they changed.',
  '- `: heartbeat` comments every 15 s while nothing else is sent.',
  '',
  'Every replica serves the same messages: they are read from the database. The stream ends when the',
  'credential that opened it expires (a token\'s `exp`, an API key\'s expiry): reconnect with a fresh one.',
].join('\n');

@ApiTags('campaigns')
@Controller('campaigns')
export class CampaignEventsController {
  constructor(private readonly stream: CampaignEventsStream) {}

  /** The campaign's transitions and counts, live, as Server-Sent Events. */
  @Get(':campaign_id/events')
  @Auth('viewer')
  @ApiOperation({ description: STREAM_DESCRIPTION })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this transition (the `id:` of the last one received)' })
  @ApiOkResponse({ description: 'The event stream', content: { 'text/event-stream': { schema: { type: 'string', example: 'event: transition\nid: 42\ndata: {"campaign_id":"…","event":"started",…}\n\n' } } } })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: '`campaign/not_found`, answered before the stream starts' })
  async streamCampaignEvents(
    @Param() params: CampaignIdParamDto,
    @CurrentOrganization() organizationId: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.stream.watch(organizationId, params.campaign_id, lastEventId, () => openEventStream(reply, principal.expiresAt));
  }
}

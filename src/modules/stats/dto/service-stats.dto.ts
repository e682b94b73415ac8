import { ApiProperty } from '@nestjs/swagger';

export class EndpointCountsDto {
  /** Endpoints (method + path) this replica serves. */
  total!: number;
  /** Endpoints per area (first path segment after `/api/v1`). */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { health: 2, 'api-keys': 3 } })
  by_area!: Record<string, number>;
}

export class ServiceStatsResponseDto {
  @ApiProperty({ example: 'ota_service' })
  service!: string;
  @ApiProperty({ example: '1.0.0' })
  version!: string;
  @ApiProperty({ example: 8240 })
  port!: number;
  endpoints!: EndpointCountsDto;
  /** What this deployment offers: API areas served and capabilities switched on by configuration. */
  features!: string[];
  /** The services and transports this deployment uses. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { database: 'embedded', events: 'outbox_only' } })
  runtime!: Record<string, string>;
}

import { ApiProperty, getSchemaPath } from '@nestjs/swagger';

export class HealthResponseDto {
  @ApiProperty({ example: 'healthy' })
  status!: 'healthy';
  @ApiProperty({ example: 'ota_service' })
  service!: string;
  @ApiProperty({ example: '1.0.0' })
  version!: string;
  /** ISO-8601 UTC. */
  timestamp!: string;
}

export class DependencyHealthDto {
  @ApiProperty({ enum: ['up', 'down', 'degraded', 'disabled'] })
  status!: 'up' | 'down' | 'degraded' | 'disabled';
  /** Why it is down, when it is. */
  error?: string;
}

export class DetailedHealthResponseDto {
  /** `unhealthy` (503) when a required dependency is down; `degraded` when an optional one is. */
  @ApiProperty({ enum: ['healthy', 'degraded', 'unhealthy'] })
  status!: 'healthy' | 'degraded' | 'unhealthy';
  service!: string;
  version!: string;
  timestamp!: string;
  /** Seconds since this replica started. */
  uptime_seconds!: number;
  /** One entry per dependency (database, events, storage, ...), each with its own figures. */
  @ApiProperty({ type: 'object', additionalProperties: { $ref: getSchemaPath(DependencyHealthDto) } })
  checks!: Record<string, DependencyHealthDto>;
}

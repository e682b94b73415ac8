import { ApiProperty } from '@nestjs/swagger';

/** The original service's 17 statistics keys, every one computed from this organization's data. */
export class FleetStatsResponseDto {
  /** Campaigns of the organization, in any state. */
  total_campaigns!: number;
  /** Campaigns currently rolling out (including paused ones). */
  active_campaigns!: number;
  completed_campaigns!: number;
  failed_campaigns!: number;
  /** Device updates of every kind (updates and rollbacks) in any status. */
  total_updates!: number;
  /** Updates `created` or `scheduled`: not yet picked up by the device. */
  pending_updates!: number;
  /** Updates the device is working on (`in_progress` through `rebooting`). */
  in_progress_updates!: number;
  completed_updates!: number;
  failed_updates!: number;
  /** Percent (0–100, 2 decimals) of finished updates that completed: completed / (completed + failed); 0 when none finished. */
  @ApiProperty({ example: 97.5 })
  success_rate!: number;
  /** Mean minutes (2 decimals, the original's unit) from start to completion of completed updates; 0 when none. */
  @ApiProperty({ example: 8.5 })
  avg_update_time!: number;
  /** Bytes of firmware handed out: the image size of every download URL issued. */
  total_data_transferred!: number;
  /** Updates created in the last 24 hours. */
  last_24h_updates!: number;
  /** Updates that failed in the last 24 hours (and are still failed). */
  last_24h_failures!: number;
  /** Bytes of firmware handed out in the last 24 hours. */
  last_24h_data_transferred!: number;
  /** Updates per device type; devices without a type, or no longer registered, count as `unknown`. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { smart_frame: 120, unknown: 3 } })
  updates_by_device_type!: Record<string, number>;
  /** Updates per target firmware version. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { '2.1.0': 100, '2.0.3': 23 } })
  updates_by_firmware_version!: Record<string, number>;
}

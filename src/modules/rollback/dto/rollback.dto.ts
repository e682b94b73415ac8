import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { UPDATE_STATUSES, type UpdateStatus } from '../../updates/domain/update-state';

/** `POST /devices/{device_id}/rollback`. */
export class CreateRollbackDto {
  /** The version to go back to: a firmware of the device's model in this organization. */
  @ApiProperty({ example: '1.4.2' })
  @IsString()
  @Length(1, 50)
  to_version!: string;

  /** Why, kept in the rollback log. */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class RollbackResponseDto {
  rollback_id!: string;
  device_id!: string;
  /** The update (kind `rollback`) that installs `to_version`. */
  update_id!: string;
  /** The version the device ran when the rollback was asked for. */
  @ApiProperty({ type: 'string', nullable: true })
  from_version!: string | null;
  to_version!: string;
  @ApiProperty({ type: 'string', nullable: true })
  reason!: string | null;
  /** Status of the rollback's update. */
  @ApiProperty({ enum: UPDATE_STATUSES })
  status!: UpdateStatus;
  initiated_by!: string;
  initiated_at!: string;
}

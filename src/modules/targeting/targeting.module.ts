import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { FirmwareModule } from '../firmware/firmware.module';
import { TargetSelectionService } from './target-selection.service';
import { TargetsController } from './targets.controller';
import { TargetsRepository } from './targets.repository';

/** Target selection: turns devices, groups, filters and a rollout percentage into one SQL query. */
@Module({
  imports: [FirmwareModule, DevicesModule],
  controllers: [TargetsController],
  providers: [TargetsRepository, TargetSelectionService],
  exports: [TargetSelectionService],
})
export class TargetingModule {}

import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { FirmwareModule } from '../firmware/firmware.module';
import { UpdatesModule } from '../updates/updates.module';
import { RollbackCompletionListener } from './rollback-completion.listener';
import { RollbackController } from './rollback.controller';
import { RollbackRepository } from './rollback.repository';
import { RollbackService } from './rollback.service';

/** Device rollbacks, built on the updates module (which finds `RollbackCompletionListener` by its hook). */
@Module({
  imports: [AuditModule, UpdatesModule, FirmwareModule],
  controllers: [RollbackController],
  providers: [RollbackRepository, RollbackService, RollbackCompletionListener],
})
export class RollbackModule {}

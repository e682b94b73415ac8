import { Module } from '@nestjs/common';
import { AuditRetentionScheduler } from './audit-retention.scheduler';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

/** The audit log: other modules record their writes through `AuditService`; admins read it. */
@Module({
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, AuditRetentionScheduler],
  exports: [AuditService],
})
export class AuditModule {}

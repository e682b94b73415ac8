import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import { FirmwareUploadService } from './firmware-upload.service';
import { FirmwareController } from './firmware.controller';
import { FirmwareRepository } from './firmware.repository';
import { FirmwareService } from './firmware.service';
import { SigningKeysController } from './signing-keys.controller';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';

/** Firmware images: upload (streamed, checksummed, signature-checked), read, download URLs, delete. */
@Module({
  imports: [DiscoveryModule, AuditModule],
  controllers: [FirmwareController, SigningKeysController],
  providers: [FirmwareRepository, FirmwareService, FirmwareUploadService, SigningKeysRepository, SigningKeysService],
  exports: [FirmwareService],
})
export class FirmwareModule {}

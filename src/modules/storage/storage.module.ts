import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { DownloadsController } from './downloads.controller';
import { DownloadsService } from './downloads.service';
import { FilesystemStorage } from './filesystem.storage';
import { S3Storage } from './s3.storage';
import { StorageHealthIndicator } from './storage.health';
import { STORAGE, type StoragePort } from './storage.port';

/** The configured adapter: S3-compatible object storage, or the embedded filesystem store. */
export function createStorage(config: AppConfig): Promise<StoragePort> | StoragePort {
  return config.storage.driver === 's3' ? new S3Storage(config.storage.s3) : FilesystemStorage.fromConfig(config);
}

/** Firmware binaries: the `STORAGE` port, its health, and the signed local download route. */
@Global()
@Module({
  controllers: [DownloadsController],
  providers: [
    { provide: STORAGE, inject: [APP_CONFIG], useFactory: createStorage },
    DownloadsService,
    StorageHealthIndicator,
  ],
  exports: [STORAGE],
})
export class StorageModule {}

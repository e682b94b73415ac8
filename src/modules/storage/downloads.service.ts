import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { FilesystemStorage, type LocalDownload } from './filesystem.storage';
import { STORAGE, type StoragePort } from './storage.port';

/** The signed download links this service serves itself (filesystem store only). */
@Injectable()
export class DownloadsService {
  constructor(@Inject(STORAGE) private readonly storage: StoragePort) {}

  /**
   * The file a download token grants.
   * @throws ForbiddenError `download/invalid_token`, `download/expired`
   * @throws NotFoundError `download/not_found` (no such file, or S3 storage, whose links point at S3)
   */
  resolve(token: string): Promise<LocalDownload> {
    if (!(this.storage instanceof FilesystemStorage)) {
      throw new NotFoundError(ErrorCode.DownloadNotFound, 'Downloads are served by object storage, not by this service');
    }
    return this.storage.resolveDownload(token);
  }
}

import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, statfs, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Logger, type OnModuleInit } from '@nestjs/common';
import { NotFoundError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { readOrCreateSecret } from '../../common/generated-secret';
import type { DependencyHealth } from '../../common/health/health-indicator';
import type { AppConfig } from '../../config';
import { DownloadTokenSigner } from './download-token';
import { assertValidKey, assertValidRange, assertWritable, assertValidTtl, invalidRange, objectNotFound, storageUnavailable } from './storage-errors';
import type { ByteRange, DownloadLink, DownloadUrlOptions, ObjectInfo, PutOptions, StoragePort, StoredObject } from './storage.port';

/** Where the downloads route is served: `DownloadsController` under the global `api/v1` prefix. */
export const DOWNLOADS_PATH = '/api/v1/downloads';

/** Name of the generated development secret under the data folder. */
const SECRET_FILE = 'download-url-secret';

/** Folder of partial writes, inside the store so the final rename stays on one filesystem. */
const TEMP_FOLDER = '.tmp';

/** A temporary file untouched this long belongs to a write that will never finish. */
const ABANDONED_AFTER_MS = 24 * 3600 * 1000;

/** A file the downloads route may serve: `path` is relative to `root` and already validated. */
export interface LocalDownload {
  root: string;
  /** URL-style path below `root` (`/` + the storage key), as `@fastify/send` expects. */
  path: string;
  fileName: string;
}

/** Errors that mean the disk, not the request, is the problem. */
const DISK_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO']);

/**
 * The embedded store: objects are files under `root`, named by their key. Writes land in
 * `<root>/.tmp` and are renamed into place only once complete and flushed, so a reader never sees
 * a partial object. Downloads are URLs to this service's `/downloads/<token>` route, with an
 * HMAC-signed expiring token.
 */
export class FilesystemStorage implements StoragePort, OnModuleInit {
  readonly driver = 'filesystem' as const;
  private readonly logger = new Logger('FilesystemStorage');
  private readonly tempDir: string;

  constructor(
    private readonly root: string,
    private readonly publicBaseUrl: string,
    private readonly tokens: DownloadTokenSigner,
  ) {
    this.tempDir = join(root, TEMP_FOLDER);
  }

  /** Outside production, an unset `DOWNLOAD_URL_SECRET` is generated once under the data folder. */
  static async fromConfig(config: AppConfig): Promise<FilesystemStorage> {
    let secret = config.storage.downloadUrlSecret;
    if (secret === undefined) {
      // Config validation already refuses this; checked again because replicas must share it.
      if (config.production) throw new Error('DOWNLOAD_URL_SECRET is required in production with the filesystem store');
      secret = await readOrCreateSecret(config.dataDir, SECRET_FILE);
    }
    return new FilesystemStorage(config.storage.directory, config.publicBaseUrl, new DownloadTokenSigner(secret));
  }

  async onModuleInit(): Promise<void> {
    try {
      await mkdir(this.tempDir, { recursive: true });
      await this.removeAbandonedWrites();
    } catch (error) {
      // A store that cannot be created shows up in /health/detailed; the API still starts.
      this.logger.warn(`Cannot prepare the firmware store under ${this.root}: ${String(error)}`);
    }
  }

  /**
   * Temporary files of writes cut short by a crash. Only old ones: replicas sharing the folder
   * may be writing the recent ones right now.
   */
  private async removeAbandonedWrites(): Promise<void> {
    const cutoff = Date.now() - ABANDONED_AFTER_MS;
    for (const name of await readdir(this.tempDir)) {
      const path = join(this.tempDir, name);
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile() && info.mtimeMs < cutoff) await rm(path, { force: true });
    }
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<StoredObject> {
    const { signal } = options;
    assertWritable(key, body, signal);
    const target = this.pathOf(key);
    const temp = join(this.tempDir, randomUUID());
    try {
      await mkdir(this.tempDir, { recursive: true });
      // `flush` fsyncs before the file is closed, so the rename below publishes durable bytes.
      const file = createWriteStream(temp, { flags: 'wx', flush: true });
      await pipeline(body, file, { signal });
      signal?.throwIfAborted();
      await mkdir(dirname(target), { recursive: true });
      await rename(temp, target);
      await syncDirectory(dirname(target));
      return { key, size: file.bytesWritten };
    } catch (error) {
      body.destroy();
      await rm(temp, { force: true });
      throw diskError(error);
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { size: info.size, lastModified: info.mtime } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw diskError(error);
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    const path = this.pathOf(key);
    try {
      // A key that names a folder (a prefix of other keys) is not an object: nothing to remove.
      if ((await stat(path)).isFile()) await unlink(path);
    } catch (error) {
      if (!isMissing(error)) throw diskError(error);
    }
  }

  async openRead(key: string, range?: ByteRange): Promise<Readable> {
    assertValidKey(key);
    assertValidRange(range);
    let handle;
    try {
      handle = await open(this.pathOf(key), 'r');
    } catch (error) {
      if (isMissing(error)) throw objectNotFound();
      throw diskError(error);
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw objectNotFound();
      if (range && range.start >= info.size) throw invalidRange();
      // The stream owns the handle from here and closes it when done or destroyed.
      return handle.createReadStream(range ? { start: range.start, end: Math.min(range.end, info.size - 1) } : {});
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async downloadUrl(key: string, options: DownloadUrlOptions): Promise<DownloadLink> {
    assertValidKey(key);
    assertValidTtl(options.ttlSeconds);
    // The token is an HMAC over key, file name and expiry: the same `issuedAt` gives the same URL.
    const issuedAt = options.issuedAt ?? new Date();
    const expiresAt = new Date((Math.floor(issuedAt.getTime() / 1000) + options.ttlSeconds) * 1000);
    const token = this.tokens.sign({ key, fileName: options.fileName, expiresAt });
    return { url: `${this.publicBaseUrl}${DOWNLOADS_PATH}/${token}`, expiresAt };
  }

  /**
   * What a download token lets its holder read.
   * @throws ForbiddenError `download/invalid_token`, `download/expired`; NotFoundError `download/not_found`
   */
  async resolveDownload(token: string): Promise<LocalDownload> {
    const grant = this.tokens.verify(token);
    if ((await this.head(grant.key)) === null) {
      throw new NotFoundError(ErrorCode.DownloadNotFound, 'The file of this download link no longer exists');
    }
    return { root: this.root, path: `/${grant.key}`, fileName: grant.fileName };
  }

  /** Up when a file can be written in the store; reports the space left for uploads. */
  async health(): Promise<DependencyHealth> {
    const started = performance.now();
    try {
      await mkdir(this.tempDir, { recursive: true });
      const probe = join(this.tempDir, `health-${randomUUID()}`);
      await writeFile(probe, '');
      await rm(probe, { force: true });
      const space = await statfs(this.root);
      return {
        status: 'up',
        driver: this.driver,
        writable: true,
        free_bytes: space.bavail * space.bsize,
        latency_ms: Math.round((performance.now() - started) * 100) / 100,
      };
    } catch (error) {
      return { status: 'down', driver: this.driver, writable: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Keys are validated first: segments without dots in front cannot climb out of `root` or into `.tmp`. */
  private pathOf(key: string): string {
    return join(this.root, ...key.split('/'));
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function diskError(error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && DISK_ERRORS.has(code) ? storageUnavailable(error) : error;
}

/** Makes a rename durable; some platforms cannot fsync a folder, which only weakens durability. */
async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // EINVAL/EISDIR/EPERM on platforms without directory fsync.
  } finally {
    await handle.close();
  }
}

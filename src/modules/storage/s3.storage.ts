import { Readable } from 'node:stream';
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { DependencyHealth } from '../../common/health/health-indicator';
import type { AppConfig } from '../../config';
import {
  assertValidKey,
  assertWritable,
  assertValidRange,
  assertValidTtl,
  attachmentDisposition,
  invalidRange,
  objectNotFound,
  storageUnavailable,
} from './storage-errors';
import { S3WriteError, uploadInParts } from './s3-part-upload';
import type { ByteRange, DownloadLink, DownloadUrlOptions, ObjectInfo, PutOptions, StoragePort, StoredObject } from './storage.port';

export type S3Settings = AppConfig['storage']['s3'];

const HEALTH_TIMEOUT_MS = 3_000;

/**
 * Objects in an S3-compatible bucket (AWS S3, MinIO, ...). Writes stream through multipart
 * uploads; downloads are presigned GET URLs, so in this mode the service never proxies bytes.
 */
export class S3Storage implements StoragePort, OnModuleInit, OnModuleDestroy {
  readonly driver = 's3' as const;
  private readonly logger = new Logger('S3Storage');
  private readonly client: S3Client;
  /** Signs URLs for devices, which may reach storage at another address (`S3_PUBLIC_ENDPOINT`). */
  private readonly presigner: S3Client;
  private bucketReady: Promise<void> | undefined;

  constructor(private readonly settings: S3Settings) {
    this.client = new S3Client(clientConfig(settings, settings.endpoint, settings.checksumMode));
    // A presigned GET must not carry checksum headers (`x-amz-checksum-mode`) that a device would
    // have to send back; it only needs the object bytes.
    this.presigner = new S3Client(clientConfig(settings, settings.publicEndpoint ?? settings.endpoint, 'WHEN_REQUIRED'));
  }

  async onModuleInit(): Promise<void> {
    if (!this.settings.createBucket) return;
    // Storage may come up after the service (compose, Kubernetes); put() tries again then.
    await this.ensureBucket().catch((error: unknown) =>
      this.logger.warn(`Cannot create bucket ${this.settings.bucket} yet: ${describe(error)}; will retry on the first upload`),
    );
  }

  onModuleDestroy(): void {
    this.client.destroy();
    this.presigner.destroy();
  }

  /**
   * Multipart upload of `body` (part size and concurrency from config). When the body fails, the
   * signal aborts or S3 refuses a part, the multipart upload is aborted (its parts deleted)
   * before this rejects; the body is destroyed so whoever feeds it stops too.
   */
  async put(key: string, body: Readable, options: PutOptions = {}): Promise<StoredObject> {
    const { signal } = options;
    assertWritable(key, body, signal);
    if (this.settings.createBucket) await this.ensureBucket().catch((error: unknown) => this.fail(body, error));

    // Aborting fails the body: the uploader stops reading, waits for the parts in flight and
    // aborts the multipart upload, and a single PutObject already sent is deleted below.
    const onAbort = (): void => {
      body.destroy(signal?.reason instanceof Error ? signal.reason : new DOMException('The write was aborted', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    let size: number;
    try {
      size = await uploadInParts(body, {
        client: this.client,
        bucket: this.settings.bucket,
        key,
        contentType: options.contentType,
        partSize: this.settings.partSizeBytes,
        queueSize: this.settings.uploadConcurrency,
      });
    } catch (error) {
      // The body failed or the signal aborted: that error is the reason.
      if (!(error instanceof S3WriteError)) throw error;
      // S3 failed: stop the body so that whoever feeds it does not wait forever.
      const failure = storageUnavailable(error.reason);
      body.destroy(failure);
      throw failure;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (signal?.aborted) {
      // Aborted while the last request completed: the object exists, and must not.
      await this.delete(key);
      throw signal.reason;
    }
    return { key, size };
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    try {
      const result = await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: key }));
      return { size: result.ContentLength ?? 0, lastModified: result.LastModified };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw storageUnavailable(error);
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: key }));
    } catch (error) {
      if (!isNotFound(error)) throw storageUnavailable(error);
    }
  }

  async openRead(key: string, range?: ByteRange): Promise<Readable> {
    assertValidKey(key);
    assertValidRange(range);
    try {
      const result = await this.client.send(
        new GetObjectCommand({ Bucket: this.settings.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      if (!(result.Body instanceof Readable)) throw new Error('GetObject returned no readable body');
      return result.Body;
    } catch (error) {
      if (errorName(error) === 'NoSuchKey' || isNotFound(error)) throw objectNotFound();
      if (errorName(error) === 'InvalidRange' || httpStatus(error) === 416) throw invalidRange();
      throw storageUnavailable(error);
    }
  }

  async downloadUrl(key: string, options: DownloadUrlOptions): Promise<DownloadLink> {
    assertValidKey(key);
    assertValidTtl(options.ttlSeconds);
    // SigV4 presigning is deterministic given the signing date: a fixed `issuedAt` gives the same URL.
    const signingDate = options.issuedAt === undefined ? new Date() : wholeSeconds(options.issuedAt);
    const expiresAt = new Date(signingDate.getTime() + options.ttlSeconds * 1000);
    const command = new GetObjectCommand({
      Bucket: this.settings.bucket,
      Key: key,
      ResponseContentDisposition: attachmentDisposition(options.fileName),
      ResponseContentType: 'application/octet-stream',
    });
    const url = await getSignedUrl(this.presigner, command, { expiresIn: options.ttlSeconds, signingDate });
    return { url, expiresAt };
  }

  /** HeadBucket round trip: reachable, credentials accepted, bucket present. */
  async health(): Promise<DependencyHealth> {
    const details = { driver: this.driver, bucket: this.settings.bucket, endpoint: displayEndpoint(this.settings.endpoint) };
    const started = performance.now();
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }), { abortSignal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
      return { status: 'up', ...details, latency_ms: Math.round((performance.now() - started) * 100) / 100 };
    } catch (error) {
      const problem = isNotFound(error) ? 'bucket does not exist' : describe(error);
      return { status: 'down', ...details, error: problem };
    }
  }

  /** Creates the bucket when missing; shared by concurrent callers, forgotten after a failure. */
  private ensureBucket(): Promise<void> {
    this.bucketReady ??= this.createBucketIfMissing().catch((error: unknown) => {
      this.bucketReady = undefined;
      throw error;
    });
    return this.bucketReady;
  }

  private async createBucketIfMissing(): Promise<void> {
    const { bucket, region } = this.settings;
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
      return;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    try {
      await this.client.send(
        new CreateBucketCommand({
          Bucket: bucket,
          // us-east-1 is the default location and refuses to be named.
          ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
        }),
      );
      this.logger.log(`Created bucket ${bucket}`);
    } catch (error) {
      // Another replica created it in the meantime.
      if (errorName(error) !== 'BucketAlreadyOwnedByYou') throw error;
    }
  }

  private fail(body: Readable, error: unknown): never {
    const failure = storageUnavailable(error);
    body.destroy(failure);
    throw failure;
  }
}

function clientConfig(settings: S3Settings, endpoint: string | undefined, checksumMode: S3Settings['checksumMode']): S3ClientConfig {
  const { accessKeyId, secretAccessKey } = settings;
  return {
    region: settings.region,
    endpoint,
    forcePathStyle: settings.forcePathStyle,
    requestChecksumCalculation: checksumMode,
    responseChecksumValidation: checksumMode,
    // Without explicit keys the SDK's default chain applies (environment, profile, IAM role).
    ...(accessKeyId !== undefined && secretAccessKey !== undefined ? { credentials: { accessKeyId, secretAccessKey } } : {}),
  };
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

/** HEAD answers carry no error body, so a missing object or bucket is only a 404 named NotFound. */
function isNotFound(error: unknown): boolean {
  const name = errorName(error);
  return name === 'NotFound' || name === 'NoSuchKey' || name === 'NoSuchBucket' || httpStatus(error) === 404;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.message && error.message !== error.name ? `${error.name}: ${error.message}` : error.name;
}

/** The endpoint without any credentials embedded in it; the default AWS endpoint when unset. */
function displayEndpoint(endpoint: string | undefined): string {
  if (endpoint === undefined) return 'aws';
  try {
    const url = new URL(endpoint);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return 'invalid';
  }
}

/** SigV4 dates have whole seconds; truncating keeps `expiresAt` exact. */
function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

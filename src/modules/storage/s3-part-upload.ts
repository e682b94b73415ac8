import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  type CompletedPart,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';

/** S3 refused or could not be reached; any other rejection of {@link uploadInParts} is the body's. */
export class S3WriteError extends Error {
  constructor(readonly reason: unknown) {
    super(reason instanceof Error ? reason.message : String(reason));
    this.name = 'S3WriteError';
  }
}

export interface PartUploadTarget {
  client: S3Client;
  bucket: string;
  key: string;
  contentType?: string;
  /** Bytes per part (S3's minimum, 5 MiB, for all but the last). */
  partSize: number;
  /** Parts sent at the same time. */
  queueSize: number;
}

/**
 * Streams `body` to S3 in parts, holding at most `queueSize + 1` part buffers, which are reused
 * from part to part; a body smaller than one part goes up as a single PutObject. Returns the
 * number of bytes stored. On any failure parts in flight are awaited and the multipart upload is
 * aborted, so S3 keeps nothing, before this rejects: with the body's error, or an
 * {@link S3WriteError} when S3 failed (the body is then left unread, for the caller to destroy).
 *
 * Why not `@aws-sdk/lib-storage`'s `Upload`: it gathers each part by `Buffer.concat` into a
 * freshly allocated buffer, so every byte is allocated twice (socket chunk, then part). At
 * ~100 MB/s that churn of large external buffers keeps V8 in full garbage collections and puts
 * ~60 MB of dead buffers on the resident set; reusing the part buffers removes it (see
 * `npm run bench:upload`). Requests, signing and retries are still the SDK's.
 */
export async function uploadInParts(body: Readable, target: PartUploadTarget): Promise<number> {
  const { client, bucket, key, partSize, queueSize } = target;
  const spare: Buffer[] = [];
  const inFlight = new Set<Promise<void>>();
  const completed: CompletedPart[] = [];
  let uploadId: string | undefined;
  let failure: { error: unknown } | undefined;
  let part: Buffer | null = null;
  let filled = 0;
  let total = 0;
  let partsStarted = 0;

  const send = async (buffer: Buffer, length: number): Promise<void> => {
    uploadId ??= (await s3(client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: target.contentType })))).UploadId;
    const partNumber = ++partsStarted;
    const sending: Promise<void> = client
      .send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: buffer.subarray(0, length), ContentLength: length }))
      .then(
        (result) => {
          completed.push({ PartNumber: partNumber, ETag: result.ETag });
          spare.push(buffer);
        },
        (error: unknown) => {
          failure ??= { error: new S3WriteError(error) };
        },
      )
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
    while (inFlight.size >= queueSize && failure === undefined) await Promise.race(inFlight);
    if (failure !== undefined) throw failure.error;
  };

  try {
    // Leaving a plain `for await` early would destroy the body with an AbortError and hide that S3
    // failed; the caller decides what happens to the body.
    for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      for (let offset = 0; offset < chunk.length; ) {
        part ??= spare.pop() ?? Buffer.allocUnsafeSlow(partSize);
        const copied = chunk.copy(part, filled, offset);
        filled += copied;
        offset += copied;
        total += copied;
        if (filled === partSize) {
          const full = part;
          part = null;
          filled = 0;
          await send(full, partSize);
        }
      }
    }
    if (uploadId === undefined) {
      const bytes = part ? part.subarray(0, filled) : Buffer.alloc(0);
      await s3(client.send(new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: target.contentType, Body: bytes, ContentLength: filled })));
      return total;
    }
    if (filled > 0) await send(part as Buffer, filled);
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure.error;
    completed.sort((a, b) => (a.PartNumber as number) - (b.PartNumber as number));
    await s3(client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: completed } })));
    return total;
  } catch (error) {
    await Promise.allSettled(inFlight);
    if (uploadId !== undefined) {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
    }
    throw error;
  }
}

function s3<T>(request: Promise<T>): Promise<T> {
  return request.catch((error: unknown) => {
    throw new S3WriteError(error);
  });
}

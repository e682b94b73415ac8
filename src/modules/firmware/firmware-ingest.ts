import { createHash, type Hash } from 'node:crypto';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StoragePort } from '../storage/storage.port';

export interface IngestedFile {
  size: number;
  md5: string;
  sha256: string;
}

/** Passes bytes through while computing their MD5, SHA-256 and count, in the same pass. */
class DigestStream extends Transform {
  private readonly md5: Hash = createHash('md5');
  private readonly sha256: Hash = createHash('sha256');
  size = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.md5.update(chunk);
    this.sha256.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }

  digests(): IngestedFile {
    return { size: this.size, md5: this.md5.digest('hex'), sha256: this.sha256.digest('hex') };
  }
}

/**
 * Streams `source` into storage under `key` while hashing it; nothing holds the whole file. When
 * the source fails (client gone, size limit hit) the storage write is aborted and leaves nothing,
 * and this rejects with the source's error once the clean-up is done.
 */
export async function ingestFile(storage: StoragePort, key: string, source: Readable): Promise<IngestedFile> {
  const digest = new DigestStream();
  const copying = pipeline(source, digest);
  const storing = storage.put(key, digest, { contentType: 'application/octet-stream' }).catch((error: unknown) => {
    // Nobody reads the digest stream any more: fail the copy too, or it would wait forever.
    digest.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  });
  const [copied, stored] = await Promise.allSettled([copying, storing]);
  if (stored.status === 'rejected' && (copied.status === 'fulfilled' || copied.reason === stored.reason)) {
    throw stored.reason;
  }
  if (copied.status === 'rejected') {
    // The storage write saw its body fail; make sure nothing of it remains even if it completed.
    if (stored.status === 'fulfilled') await storage.delete(key);
    throw copied.reason;
  }
  return digest.digests();
}

import type { Readable } from 'node:stream';
import { BadRequestError, DependencyUnavailableError, NotFoundError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { type ByteRange, isValidStorageKey } from './storage.port';

// Messages never name the key: keys are internal and must not reach API clients.

/** Rejects keys an adapter would have to escape or that could leave the store. */
export function assertValidKey(key: string): void {
  if (!isValidStorageKey(key)) {
    throw new BadRequestError(ErrorCode.StorageInvalidKey, 'Invalid storage key: use "/"-separated segments of letters, digits, ".", "_" and "-" that do not start with "."');
  }
}

/**
 * What every adapter checks before writing: a valid key, and a signal not already aborted (the
 * body is then destroyed, so whoever feeds it stops).
 */
export function assertWritable(key: string, body: Readable, signal: AbortSignal | undefined): void {
  assertValidKey(key);
  if (signal?.aborted) {
    body.destroy();
    throw signal.reason;
  }
}

export function assertValidRange(range: ByteRange | undefined): void {
  if (range === undefined) return;
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw invalidRange();
  }
}

export function assertValidTtl(ttlSeconds: number): void {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new BadRequestError(ErrorCode.BadRequest, 'A download URL lives for a whole number of seconds, at least 1');
  }
}

export function invalidRange(): BadRequestError {
  return new BadRequestError(ErrorCode.StorageInvalidRange, 'The byte range is not within the object');
}

export function objectNotFound(): NotFoundError {
  return new NotFoundError(ErrorCode.StorageObjectNotFound, 'No such object in storage');
}

/** A failure of the storage backend itself (unreachable, refused, out of space); keeps the cause for the log. */
export function storageUnavailable(cause: unknown): DependencyUnavailableError {
  const reason = cause instanceof Error ? cause.name : 'unknown error';
  return Object.assign(new DependencyUnavailableError(ErrorCode.StorageUnavailable, `Firmware storage failed (${reason})`), { cause });
}

/**
 * `Content-Disposition: attachment` for `fileName`: a plain `filename` that every client reads
 * (quotes, backslashes, separators and non-ASCII replaced) plus RFC 6266 `filename*` when the
 * name needed changes. Safe against header injection whatever the name holds.
 */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\/]/g, '_').trim() || 'download';
  if (fallback === fileName) return `attachment; filename="${fileName}"`;
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

import type { Readable } from 'node:stream';
import type { DependencyHealth } from '../../common/health/health-indicator';

/** An object as stored. */
export interface StoredObject {
  key: string;
  size: number;
}

export interface ObjectInfo {
  size: number;
  lastModified?: Date;
}

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

/** A URL that serves an object without other credentials until `expiresAt`. */
export interface DownloadLink {
  url: string;
  expiresAt: Date;
}

export interface DownloadUrlOptions {
  ttlSeconds: number;
  fileName: string;
  /** When the link counts as issued (default: now); it expires `ttlSeconds` later. */
  issuedAt?: Date;
}

export interface PutOptions {
  contentType?: string;
  /** Aborting it cancels the write; nothing of the object remains. */
  signal?: AbortSignal;
}

/**
 * Where firmware binaries live. One adapter per technology (S3-compatible object storage, the
 * local filesystem), chosen from configuration. Keys are `/`-separated segments of
 * `[A-Za-z0-9._-]` that never start with a dot, at most 255 characters each and 512 in all.
 */
export interface StoragePort {
  readonly driver: 's3' | 'filesystem';

  /**
   * Streams `body` to `key`, never holding the whole object in memory. Either the complete object
   * is stored or nothing is: when `body` errors, the signal aborts or the write fails, partial
   * data is removed and the promise rejects.
   */
  put(key: string, body: Readable, options?: PutOptions): Promise<StoredObject>;

  /** Size and modification time, or null when there is no such object. */
  head(key: string): Promise<ObjectInfo | null>;

  /** Removes the object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;

  /** Reads the object, or the inclusive `range` of it. Rejects when there is no such object. */
  openRead(key: string, range?: ByteRange): Promise<Readable>;

  /**
   * A short-lived URL that serves the object's bytes (GET with `Range` support) to anyone holding
   * it, e.g. a device. `fileName` is suggested to the downloader. `ttlSeconds` is a whole number,
   * at least 1. Filesystem links also answer HEAD; S3 presigned URLs are signed for GET only.
   *
   * With `issuedAt` (whole seconds) the link is signed as of that instant and expires at
   * `issuedAt + ttlSeconds`; the same key, file name, TTL and `issuedAt` then always give the same
   * URL, so a caller can hand out one stable link per time window without recording anything.
   * Without it, the link is issued now.
   */
  downloadUrl(key: string, options: DownloadUrlOptions): Promise<DownloadLink>;

  health(): Promise<DependencyHealth>;
}

export const STORAGE = Symbol('STORAGE');

/** At most 255 characters: the longest file name most file systems take (NAME_MAX). */
const KEY_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;

/** True for keys every adapter accepts (no traversal, no hidden files, nothing to escape). */
export function isValidStorageKey(key: string): boolean {
  return key.length > 0 && key.length <= 512 && key.split('/').every((segment) => KEY_SEGMENT.test(segment));
}

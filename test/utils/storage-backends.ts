import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startS3Server, type S3TestServer } from './s3-server';

/** A storage the service can be pointed at in tests, and a way to see everything it holds. */
export interface StorageBackend {
  name: 'filesystem' | 's3';
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Environment for `createTestApp`. */
  env(): Record<string, string>;
  /** Everything stored: objects and unfinished multipart uploads, or every file, temporary ones included. */
  objects(): Promise<string[]>;
  /** S3 only: the server, e.g. to see the requests it received. */
  s3?: () => S3TestServer;
}

/** The filesystem store and S3 on a loopback s3rver: storage and firmware suites run against both. */
export function storageBackends(): StorageBackend[] {
  return [filesystemBackend(), s3Backend()];
}

/** Every file below `directory` (none when it does not exist), relative and sorted. */
export async function listFiles(directory: string): Promise<string[]> {
  if (!existsSync(directory)) return [];
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)))
    .sort();
}

function filesystemBackend(): StorageBackend {
  let directory = '';
  return {
    name: 'filesystem',
    start: async () => {
      directory = await mkdtemp(join(tmpdir(), 'ota-test-storage-'));
    },
    stop: () => rm(directory, { recursive: true, force: true }),
    env: () => ({ STORAGE_DRIVER: 'filesystem', STORAGE_DIR: directory }),
    objects: () => listFiles(directory),
  };
}

function s3Backend(): StorageBackend {
  let server: S3TestServer | undefined;
  const running = (): S3TestServer => {
    if (!server) throw new Error('the S3 server is not started');
    return server;
  };
  return {
    name: 's3',
    start: async () => {
      server = await startS3Server();
    },
    stop: async () => server?.close(),
    env: () => ({
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: running().endpoint,
      S3_BUCKET: running().bucket,
      S3_REGION: running().region,
      S3_ACCESS_KEY_ID: running().accessKeyId,
      S3_SECRET_ACCESS_KEY: running().secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    }),
    // Unfinished multipart uploads hold parts: leftovers as much as objects are.
    objects: async () =>
      [
        ...(await running().listObjects()).map((key) => `object:${key}`),
        ...(await running().listUnfinishedUploads()).map((id) => `unfinished-upload:${id}`),
      ].sort(),
    s3: running,
  };
}

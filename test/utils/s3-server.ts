import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

/** The parts of `s3rver` (a JavaScript package without types) that the tests use. */
interface S3rverInstance {
  callback(): (request: IncomingMessage, response: ServerResponse) => void;
  logger: { close(): void };
}
type S3rverConstructor = new (options: { silent: boolean; directory: string; address?: string; port?: number }) => S3rverInstance;
const S3rver = require('s3rver') as S3rverConstructor;

/** s3rver's built-in account; it verifies request signatures against this key pair. */
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';
const REGION = 'us-east-1';

/** Where s3rver keeps the parts of multipart uploads that were neither completed nor aborted. */
const UPLOADS_FOLDER = '._S3rver_uploads';

/** One request to an object, named as in the S3 API. */
export interface S3Operation {
  name: 'PutObject' | 'CreateMultipartUpload' | 'UploadPart' | 'CompleteMultipartUpload' | 'AbortMultipartUpload' | 'GetObject' | 'HeadObject' | 'DeleteObject' | 'Other';
  key: string;
}

export interface S3TestServer {
  /** `http://127.0.0.1:<port>`, path-style. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** A client of the test's own, configured for this server. */
  client: S3Client;
  /** Keys of every object in the bucket, sorted. */
  listObjects(): Promise<string[]>;
  /** Ids of multipart uploads started and never completed or aborted (their parts still held). */
  listUnfinishedUploads(): Promise<string[]>;
  /** The object requests the server has received so far, in order (to see how a client wrote). */
  operations(): S3Operation[];
  /** Resolves when the server starts receiving the next such request for `key` (its body may still be on its way). */
  nextOperation(name: S3Operation['name'], key: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real S3 API on loopback: `s3rver` on 127.0.0.1, a random free port and a temporary folder,
 * with one fresh bucket created through the API.
 *
 * s3rver 3.7 lacks AbortMultipartUpload (it answers 405 and keeps the parts) and accepts parts for
 * uploads that no longer exist. This server adds both behaviours as S3 and MinIO have them
 * (DELETE `?uploadId` removes the upload and its parts; a part for an unknown upload is 404
 * NoSuchUpload), so tests can check that an adapter really aborts what it started.
 */
export async function startS3Server(options: { bucket?: string } = {}): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'ota-test-s3-'));
  const s3rver = new S3rver({ silent: true, directory });
  const handle = s3rver.callback();
  const uploadsOf = (bucket: string) => join(directory, bucket, UPLOADS_FOLDER);

  const log: S3Operation[] = [];
  const waiters: { name: S3Operation['name']; key: string; resolve: () => void }[] = [];
  const server: Server = createServer((request, response) => {
    const operation = objectOperation(request);
    if (operation) {
      log.push(operation);
      for (const waiter of waiters.filter((w) => w.name === operation.name && w.key === operation.key)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
    void multipartExtensions(request, response, uploadsOf).then((handled) => {
      if (!handled) handle(request, response);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const bucket = options.bucket ?? `ota-test-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const client = new S3Client({
    endpoint,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));

  return {
    endpoint,
    bucket,
    region: REGION,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    client,
    listObjects: async () => {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    operations: () => [...log],
    nextOperation: (name, key) => new Promise<void>((resolve) => waiters.push({ name, key, resolve })),
    listUnfinishedUploads: async () => (await readdir(uploadsOf(bucket)).catch(() => [] as string[])).sort(),
    close: async () => {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      s3rver.logger.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Handles the two multipart requests s3rver gets wrong; false leaves the request to s3rver. */
async function multipartExtensions(request: IncomingMessage, response: ServerResponse, uploadsOf: (bucket: string) => string): Promise<boolean> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const uploadId = url.searchParams.get('uploadId');
  const [, bucket] = url.pathname.split('/');
  const isAbort = request.method === 'DELETE';
  const isPart = request.method === 'PUT' && url.searchParams.has('partNumber');
  if (uploadId === null || !bucket || (!isAbort && !isPart)) return false;

  const folder = /^[0-9a-f]+$/.test(uploadId) ? join(uploadsOf(bucket), uploadId) : undefined;
  const exists = folder !== undefined && (await stat(join(folder, 'key')).then(() => true, () => false));
  if (!exists) {
    request.resume();
    response.writeHead(404, { 'content-type': 'application/xml' });
    response.end(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code>' +
        '<Message>The specified upload does not exist.</Message></Error>',
    );
    return true;
  }
  if (isPart) return false;
  await rm(folder, { recursive: true, force: true });
  request.resume();
  response.writeHead(204);
  response.end();
  return true;
}

/** Names a request to an object (path-style `/<bucket>/<key>`); undefined for bucket requests. */
function objectOperation(request: IncomingMessage): S3Operation | undefined {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const [, , ...keyParts] = url.pathname.split('/');
  const key = decodeURIComponent(keyParts.join('/'));
  if (key === '') return undefined;
  const query = url.searchParams;
  const name = ((): S3Operation['name'] => {
    switch (request.method) {
      case 'PUT':
        return query.has('partNumber') ? 'UploadPart' : 'PutObject';
      case 'POST':
        if (query.has('uploads')) return 'CreateMultipartUpload';
        return query.has('uploadId') ? 'CompleteMultipartUpload' : 'Other';
      case 'DELETE':
        return query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
      case 'GET':
        return 'GetObject';
      case 'HEAD':
        return 'HeadObject';
      default:
        return 'Other';
    }
  })();
  return { name, key };
}

import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import type { OnModuleInit } from '@nestjs/common';
import { DownloadTokenSigner } from '../../src/modules/storage/download-token';
import { STORAGE, type StoragePort } from '../../src/modules/storage/storage.port';
import { startS3Server, type S3TestServer } from '../utils/s3-server';
import { listFiles, type StorageBackend, storageBackends } from '../utils/storage-backends';
import { startTcpProxy } from '../utils/tcp-proxy';
import { createTestApp, type TestApp } from '../utils/test-app';

/**
 * The storage port's contract, run against both adapters as the application wires them (S3 on a
 * loopback s3rver, the filesystem store in a temporary folder), then the filesystem download
 * route over HTTP, and storage health. Nothing is mocked: bytes go to real servers and disks,
 * and "nothing left behind" is checked by listing the bucket, its unfinished multipart uploads,
 * and every file of the store (temporary ones included).
 */

const MiB = 1024 * 1024;
const PART_SIZE_MB = 5;

// ---------------------------------------------------------------------------------------------
// Bodies and helpers
// ---------------------------------------------------------------------------------------------

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `data` as a stream of `chunkSize` chunks, produced on demand like a network body. */
function streamOf(data: Buffer, chunkSize = 64 * 1024): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= data.length) {
        this.push(null);
        return;
      }
      this.push(data.subarray(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

/** Sends `bytesBeforeError` random bytes, then fails with `error`, as a dropped upload does. */
function failingBody(bytesBeforeError: number, error: Error): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytesBeforeError) {
        this.destroy(error);
        return;
      }
      const chunk = randomBytes(Math.min(64 * 1024, bytesBeforeError - sent));
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

/**
 * An endless body that aborts `controller` once `abortAfter` bytes were read, then keeps
 * trickling bytes: the write is cut while it is running, not after the body ended.
 */
function abortingBody(controller: AbortController, abortAfter: number): Readable & { bytesRead: () => number } {
  let sent = 0;
  const body = new Readable({
    read() {
      if (sent >= abortAfter) {
        if (!controller.signal.aborted) controller.abort();
        setTimeout(() => this.push(randomBytes(1024)), 20);
        return;
      }
      const chunk = randomBytes(64 * 1024);
      sent += chunk.length;
      this.push(chunk);
    },
  });
  return Object.assign(body, { bytesRead: () => sent });
}

async function freePortThatIsClosed(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Changes the character at `index` to another one of the base64url alphabet. */
function flipCharacter(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A 43-character base64url text (32 bytes) that decodes to the same bytes: its last character
 * holds 2 bits that no byte uses. A verifier comparing decoded bytes would accept it.
 */
function withOtherPaddingBits(text: string): string {
  const last = BASE64URL.indexOf(text.at(-1) as string);
  const other = `${text.slice(0, -1)}${BASE64URL[last ^ 1]}`;
  expect(Buffer.from(other, 'base64url').equals(Buffer.from(text, 'base64url'))).toBe(true);
  return other;
}

let keyCounter = 0;
const uniqueKey = (name = 'image.bin'): string => `firmware/test-org/${Date.now().toString(36)}${(keyCounter++).toString(36)}/${name}`;

// ---------------------------------------------------------------------------------------------
// The two adapters, each wired by the application from its environment
// ---------------------------------------------------------------------------------------------

/** Smaller parts than the default so a test-sized stream spans several; links that cannot be fetched by accident. */
const CONTRACT_ENV: Record<StorageBackend['name'], Record<string, string>> = {
  filesystem: { PUBLIC_BASE_URL: 'http://ota.test.invalid' },
  s3: { S3_PART_SIZE_MB: String(PART_SIZE_MB), S3_UPLOAD_CONCURRENCY: '2' },
};

describe.each(storageBackends())('StoragePort contract: $name', (backend) => {
  let t: TestApp;
  let storage: StoragePort;
  /** Origin the app listens on, for URLs that point back at it (filesystem downloads). */
  let origin: string;

  beforeAll(async () => {
    await backend.start();
    t = await createTestApp({ env: { ...backend.env(), ...CONTRACT_ENV[backend.name] } });
    storage = t.app.get<StoragePort>(STORAGE);
    await t.app.listen(0, '127.0.0.1');
    origin = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await t?.close();
    await backend.stop();
  });

  /** A download URL as a device fetches it: the service's links go to the port it listens on. */
  const reachable = (url: string): string => (backend.name === 'filesystem' ? `${origin}${new URL(url).pathname}` : url);

  it('is the adapter the configuration names', () => {
    expect(storage.driver).toBe(backend.name);
  });

  it('stores, describes, reads (whole and by range) and deletes an object', async () => {
    const key = uniqueKey();
    const data = randomBytes(300_000);

    const stored = await storage.put(key, streamOf(data), { contentType: 'application/octet-stream' });
    expect(stored).toEqual({ key, size: data.length });

    const info = await storage.head(key);
    expect(info?.size).toBe(data.length);
    // (Compared by value: Dates made by Node's fs come from another realm than Jest's `Date`.)
    expect(Number.isFinite(info?.lastModified?.getTime())).toBe(true);

    expect(sha256(await readAll(await storage.openRead(key)))).toBe(sha256(data));
    const ranges = [
      { start: 0, end: 99 },
      { start: 123_456, end: 200_000 },
      { start: data.length - 100, end: data.length - 1 },
      { start: data.length - 1, end: data.length - 1 },
    ];
    for (const range of ranges) {
      const bytes = await readAll(await storage.openRead(key, range));
      expect([range, sha256(bytes)]).toEqual([range, sha256(data.subarray(range.start, range.end + 1))]);
    }
    // An end past the object stops at its last byte, as S3 does.
    expect((await readAll(await storage.openRead(key, { start: 299_000, end: 10_000_000 }))).equals(data.subarray(299_000))).toBe(true);

    await storage.delete(key);
    expect(await storage.head(key)).toBeNull();
    await expect(storage.openRead(key)).rejects.toMatchObject({ code: 'storage/object_not_found' });
  });

  it('refuses ranges that start past the end or are reversed', async () => {
    const key = uniqueKey();
    await storage.put(key, streamOf(randomBytes(1000)));
    await expect(storage.openRead(key, { start: 1000, end: 1100 })).rejects.toMatchObject({ code: 'storage/invalid_range' });
    await expect(storage.openRead(key, { start: 10, end: 9 })).rejects.toMatchObject({ code: 'storage/invalid_range' });
    await expect(storage.openRead(key, { start: -1, end: 9 })).rejects.toMatchObject({ code: 'storage/invalid_range' });
  });

  it('replaces an object written again under the same key', async () => {
    const key = uniqueKey();
    await storage.put(key, streamOf(randomBytes(5000)));
    const second = randomBytes(1234);
    await storage.put(key, streamOf(second));
    expect(await storage.head(key)).toMatchObject({ size: 1234 });
    expect((await readAll(await storage.openRead(key))).equals(second)).toBe(true);
  });

  it('streams a ~20 MiB body (several multipart parts on S3) intact', async () => {
    const key = uniqueKey('large.bin');
    const data = randomBytes(20 * MiB + 12_345);
    const before = backend.s3?.().operations().length ?? 0;

    expect(await storage.put(key, streamOf(data))).toEqual({ key, size: data.length });

    expect(await storage.head(key)).toMatchObject({ size: data.length });
    expect(sha256(await readAll(await storage.openRead(key)))).toBe(sha256(data));
    if (backend.s3) {
      const operations = backend.s3().operations().slice(before).filter((op) => op.key === key).map((op) => op.name);
      expect(operations.filter((name) => name === 'UploadPart')).toHaveLength(Math.ceil(data.length / (PART_SIZE_MB * MiB)));
      expect(operations).toContain('CompleteMultipartUpload');
    }
    await storage.delete(key);
  });

  it('leaves nothing behind when the body fails halfway, and rejects with its error', async () => {
    const key = uniqueKey();
    const before = await backend.objects();
    const operationsBefore = backend.s3?.().operations().length ?? 0;
    const failure = new Error('client disconnected');

    // 12 MiB: on S3, two parts are uploaded before the failure, so there is an upload to abort.
    await expect(storage.put(key, failingBody(12 * MiB, failure))).rejects.toBe(failure);

    expect(await storage.head(key)).toBeNull();
    expect(await backend.objects()).toEqual(before);
    if (backend.s3) {
      const operations = backend.s3().operations().slice(operationsBefore).map((op) => op.name);
      expect(operations.filter((name) => name === 'UploadPart').length).toBeGreaterThanOrEqual(2);
      expect(operations).toContain('AbortMultipartUpload');
      expect(operations).not.toContain('CompleteMultipartUpload');
    }
  });

  it('leaves nothing behind when the signal aborts mid-write', async () => {
    const key = uniqueKey();
    const before = await backend.objects();
    const operationsBefore = backend.s3?.().operations().length ?? 0;
    const controller = new AbortController();
    const body = abortingBody(controller, 11 * MiB);

    await expect(storage.put(key, body, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });

    expect(body.bytesRead()).toBeGreaterThanOrEqual(11 * MiB);
    expect(body.destroyed).toBe(true);
    expect(await storage.head(key)).toBeNull();
    expect(await backend.objects()).toEqual(before);
    if (backend.s3) {
      const operations = backend.s3().operations().slice(operationsBefore).map((op) => op.name);
      expect(operations).toContain('UploadPart');
      expect(operations).toContain('AbortMultipartUpload');
      expect(operations).not.toContain('CompleteMultipartUpload');
    }
  });

  it('leaves nothing behind when the signal aborts a small write before it was sent', async () => {
    const key = uniqueKey();
    const before = await backend.objects();
    const controller = new AbortController();
    await expect(storage.put(key, abortingBody(controller, 256 * 1024), { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(await storage.head(key)).toBeNull();
    expect(await backend.objects()).toEqual(before);
  });

  // Only S3 has a request in flight that the signal cannot cancel any more.
  (backend.name === 's3' ? it : it.skip)('leaves nothing behind when the signal aborts while a single-request write is in flight', async () => {
    const server = (backend.s3 as () => S3TestServer)();
    const key = uniqueKey();
    const before = await backend.objects();
    const controller = new AbortController();
    const sent = server.nextOperation('PutObject', key);

    const writing = storage.put(key, streamOf(randomBytes(MiB)), { signal: controller.signal });
    await sent;
    controller.abort();

    await expect(writing).rejects.toMatchObject({ name: 'AbortError' });
    expect(await storage.head(key)).toBeNull();
    expect(await backend.objects()).toEqual(before);
  });

  it('does not start a write whose signal is already aborted', async () => {
    const key = uniqueKey();
    const before = await backend.objects();
    const body = streamOf(randomBytes(1000));
    await expect(storage.put(key, body, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(body.destroyed).toBe(true);
    expect(await backend.objects()).toEqual(before);
  });

  it.each([
    ['empty', ''],
    ['parent segment', 'firmware/../etc/passwd'],
    ['leading slash', '/etc/passwd'],
    ['hidden segment', 'firmware/.tmp/x'],
    ['dot segment', './x'],
    ['empty segment', 'firmware//x'],
    ['trailing slash', 'firmware/'],
    ['backslash', 'firmware\\x'],
    ['space', 'firmware/a b.bin'],
    ['non-ASCII', 'firmware/é.bin'],
    ['too long (513 characters)', `firmware/${'x'.repeat(250)}/${'x'.repeat(253)}`],
    ['segment too long for a file name', `firmware/${'x'.repeat(256)}`],
  ])('refuses an invalid key (%s) in every operation', async (_case, key) => {
    const before = await backend.objects();
    const invalid = { code: 'storage/invalid_key' };
    await expect(storage.put(key, streamOf(randomBytes(100)))).rejects.toMatchObject(invalid);
    await expect(storage.head(key)).rejects.toMatchObject(invalid);
    await expect(storage.delete(key)).rejects.toMatchObject(invalid);
    await expect(storage.openRead(key)).rejects.toMatchObject(invalid);
    await expect(storage.downloadUrl(key, { ttlSeconds: 60, fileName: 'x.bin' })).rejects.toMatchObject(invalid);
    expect(await backend.objects()).toEqual(before);
  });

  it('deletes a missing object without complaint', async () => {
    await expect(storage.delete(uniqueKey())).resolves.toBeUndefined();
    expect(await storage.head(uniqueKey())).toBeNull();
  });

  it('hands out a download URL that serves exactly the bytes, with ranges, until it expires', async () => {
    const key = uniqueKey();
    const data = randomBytes(200_000);
    await storage.put(key, streamOf(data));
    const before = Date.now();

    const link = await storage.downloadUrl(key, { ttlSeconds: 600, fileName: 'sensor-fw 2.1.0.bin' });

    expect(link.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 599_000);
    expect(link.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 600_000);
    if (backend.name === 'filesystem') expect(link.url.startsWith('http://ota.test.invalid/api/v1/downloads/')).toBe(true);
    if (backend.name === 's3') expect(link.url.startsWith(`${backend.s3?.().endpoint}/`)).toBe(true);

    const whole = await fetch(reachable(link.url));
    expect(whole.status).toBe(200);
    expect(sha256(Buffer.from(await whole.arrayBuffer()))).toBe(sha256(data));
    expect(whole.headers.get('content-disposition')).toBe('attachment; filename="sensor-fw 2.1.0.bin"');

    if (backend.name === 'filesystem') {
      const head = await fetch(reachable(link.url), { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(data.length));
      expect((await head.arrayBuffer()).byteLength).toBe(0);
    }

    const part = await fetch(reachable(link.url), { headers: { range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${data.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(data.subarray(1000, 2000))).toBe(true);
  });

  it('refuses a download URL that lives less than a second', async () => {
    const key = uniqueKey();
    await expect(storage.downloadUrl(key, { ttlSeconds: 0, fileName: 'x.bin' })).rejects.toMatchObject({ code: 'request/bad_request' });
  });

  it('reports itself up in /health/detailed without making the service unhealthy', async () => {
    const res = await t.request({ method: 'GET', url: '/health/detailed' });
    expect(res.statusCode).toBe(200);
    const storageCheck = res.json().checks.storage;
    expect(storageCheck).toMatchObject({ status: 'up', driver: backend.name });
    expect(storageCheck.latency_ms).toEqual(expect.any(Number));
    if (backend.name === 'filesystem') expect(storageCheck).toMatchObject({ writable: true, free_bytes: expect.any(Number) });
    if (backend.name === 's3') expect(storageCheck).toMatchObject({ bucket: backend.s3?.().bucket, endpoint: backend.s3?.().endpoint });
  });
});

// ---------------------------------------------------------------------------------------------
// The filesystem download route, over HTTP
// ---------------------------------------------------------------------------------------------

describe('GET/HEAD /api/v1/downloads/:token (filesystem store)', () => {
  const secret = randomBytes(32).toString('base64url');
  const signer = new DownloadTokenSigner(secret);
  const data = randomBytes(10_000);
  const size = data.length;
  let directory: string;
  let t: TestApp;
  let storage: StoragePort;
  let key: string;
  /** Path (with the token) of a valid link to `data`. */
  let path: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ota-test-storage-'));
    t = await createTestApp({ env: { STORAGE_DIR: directory, PUBLIC_BASE_URL: 'https://ota.example.com/', DOWNLOAD_URL_SECRET: secret } });
    storage = t.app.get<StoragePort>(STORAGE);
    key = uniqueKey('sensor.bin');
    await storage.put(key, streamOf(data));
    const link = await storage.downloadUrl(key, { ttlSeconds: 300, fileName: 'sensor-v2.1.0.bin' });
    expect(link.url.startsWith('https://ota.example.com/api/v1/downloads/')).toBe(true);
    path = new URL(link.url).pathname;
  });
  afterAll(async () => {
    await t?.close();
    await rm(directory, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) => t.request({ method: 'GET', url, headers });

  it('serves the whole file as an attachment', async () => {
    const res = await get(path);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(data)).toBe(true);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['content-disposition']).toBe('attachment; filename="sensor-v2.1.0.bin"');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(Number(res.headers['content-length'])).toBe(size);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.headers.etag).toEqual(expect.any(String));
  });

  it.each([
    ['first bytes', 'bytes=0-99', 0, 99],
    ['middle', 'bytes=4000-4999', 4000, 4999],
    ['suffix', 'bytes=-100', size - 100, size - 1],
    ['open-ended', 'bytes=100-', 100, size - 1],
    ['end past the file', 'bytes=9990-20000', 9990, size - 1],
  ])('answers a %s range with 206 and exactly those bytes', async (_case, range, start, end) => {
    const res = await get(path, { range });
    expect(res.statusCode).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${size}`);
    expect(Number(res.headers['content-length'])).toBe(end - start + 1);
    expect(res.rawPayload.equals(data.subarray(start, end + 1))).toBe(true);
  });

  it('answers an unsatisfiable range with 416 and the size', async () => {
    const res = await get(path, { range: `bytes=${size}-` });
    expect(res.statusCode).toBe(416);
    expect(res.headers['content-range']).toBe(`bytes */${size}`);
    expect(res.json()).toMatchObject({ code: 'download/range_not_satisfiable', request_id: expect.any(String) });
  });

  it('resumes only when the file is unchanged (If-Range)', async () => {
    const etag = (await get(path)).headers.etag as string;
    const same = await get(path, { range: 'bytes=0-9', 'if-range': etag });
    expect(same.statusCode).toBe(206);
    const changed = await get(path, { range: 'bytes=0-9', 'if-range': '"something-else"' });
    expect(changed.statusCode).toBe(200);
    expect(changed.rawPayload.equals(data)).toBe(true);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const whole = await t.request({ method: 'HEAD', url: path });
    expect(whole.statusCode).toBe(200);
    expect(Number(whole.headers['content-length'])).toBe(size);
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.headers['content-disposition']).toBe('attachment; filename="sensor-v2.1.0.bin"');
    expect(whole.rawPayload).toHaveLength(0);

    const ranged = await t.request({ method: 'HEAD', url: path, headers: { range: 'bytes=-100' } });
    expect(ranged.statusCode).toBe(206);
    expect(ranged.headers['content-range']).toBe(`bytes ${size - 100}-${size - 1}/${size}`);
    expect(Number(ranged.headers['content-length'])).toBe(100);
    expect(ranged.rawPayload).toHaveLength(0);
  });

  it('is also served under the legacy /api/v1/ota prefix', async () => {
    const res = await get(path.replace('/api/v1/', '/api/v1/ota/'), { range: 'bytes=0-9' });
    expect(res.statusCode).toBe(206);
    expect(res.rawPayload.equals(data.subarray(0, 10))).toBe(true);
  });

  it('refuses an expired link with 403 download/expired', async () => {
    const token = signer.sign({ key, fileName: 'sensor.bin', expiresAt: new Date(Date.now() - 1000) });
    const res = await get(`/api/v1/downloads/${token}`);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'download/expired' });
    expect((await t.request({ method: 'HEAD', url: `/api/v1/downloads/${token}` })).statusCode).toBe(403);
  });

  it('accepts a link signed with the configured secret (the signer the tests use is the real one)', async () => {
    const token = signer.sign({ key, fileName: 'other-name.bin', expiresAt: new Date(Date.now() + 60_000) });
    const res = await get(`/api/v1/downloads/${token}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="other-name.bin"');
  });

  it('refuses tampered and malformed links with 403 download/invalid_token', async () => {
    const token = path.split('/').pop() as string;
    const [payload, signature] = token.split('.');
    const other = new DownloadTokenSigner(randomBytes(32).toString('base64url'));
    const forged = JSON.stringify({ k: key, n: 'x.bin', e: Math.floor(Date.now() / 1000) + 600 });
    const candidates = [
      `${flipCharacter(payload, 5)}.${signature}`,
      `${payload}.${flipCharacter(signature, 10)}`,
      // Same bytes, other text: the last character's 2 low bits are unused padding.
      `${payload}.${withOtherPaddingBits(signature)}`,
      `${payload}.${signature}x`,
      `${payload}`,
      `${Buffer.from(forged).toString('base64url')}.${signature}`,
      other.sign({ key, fileName: 'x.bin', expiresAt: new Date(Date.now() + 60_000) }),
      'not-a-token',
      `${Buffer.from('not json').toString('base64url')}.${signature}`,
    ];
    for (const candidate of candidates) {
      const res = await get(`/api/v1/downloads/${candidate}`);
      expect([candidate, res.statusCode, res.json().code]).toEqual([candidate, 403, 'download/invalid_token']);
    }
  });

  it('refuses a correctly signed token whose key could leave the store or reach partial writes', async () => {
    await writeFile(join(directory, '.tmp', 'partial'), 'x');
    for (const badKey of ['../../etc/passwd', '.tmp/partial', `${key}/../../../x`]) {
      const token = signer.sign({ key: badKey, fileName: 'x', expiresAt: new Date(Date.now() + 60_000) });
      const res = await get(`/api/v1/downloads/${token}`);
      expect([badKey, res.statusCode, res.json().code]).toEqual([badKey, 403, 'download/invalid_token']);
    }
    await rm(join(directory, '.tmp', 'partial'));
  });

  it('answers 404 download/not_found for a link to a file that no longer exists, or to a folder', async () => {
    const goneKey = uniqueKey();
    await storage.put(goneKey, streamOf(randomBytes(100)));
    const gone = new URL((await storage.downloadUrl(goneKey, { ttlSeconds: 60, fileName: 'x.bin' })).url).pathname;
    await storage.delete(goneKey);
    const folder = signer.sign({ key: key.split('/').slice(0, -1).join('/'), fileName: 'x', expiresAt: new Date(Date.now() + 60_000) });

    for (const url of [gone, `/api/v1/downloads/${folder}`]) {
      const res = await get(url);
      expect([url, res.statusCode, res.json().code]).toEqual([url, 404, 'download/not_found']);
    }
  });

  it('serves the longest keys and file names, and suggests any file name safely', async () => {
    const longKey = `firmware/${'k'.repeat(255)}/${'k'.repeat(247)}`;
    expect(longKey).toHaveLength(512);
    await storage.put(longKey, streamOf(data.subarray(0, 100)));
    const fileName = `прошивка "v2"\r\nSet-Cookie: x=1 ${'ü'.repeat(255)}`.slice(0, 255);
    const link = await storage.downloadUrl(longKey, { ttlSeconds: 60, fileName });

    const res = await get(new URL(link.url).pathname);

    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(data.subarray(0, 100))).toBe(true);
    expect(res.headers['set-cookie']).toBeUndefined();
    const disposition = res.headers['content-disposition'] as string;
    expect(disposition.startsWith('attachment; filename="________ _v2___Set-Cookie: x=1 ___')).toBe(true);
    expect(disposition).toMatch(/^[\x20-\x7e]+$/);
    const encoded = /filename\*=UTF-8''(.+)$/.exec(disposition)?.[1] ?? '';
    expect(decodeURIComponent(encoded)).toBe(fileName);
  });

  it('keeps partial writes in a dot folder inside the store (no key can name it), empty when idle', async () => {
    expect(await listFiles(join(directory, '.tmp'))).toEqual([]);
    expect(await listFiles(directory)).toContain(key);
  });

  it('removes temporary files of writes abandoned long ago (a crash) at start, and only those', async () => {
    const temp = join(directory, '.tmp');
    await writeFile(join(temp, 'abandoned'), 'x');
    await utimes(join(temp, 'abandoned'), new Date(Date.now() - 3 * 86_400_000), new Date(Date.now() - 3 * 86_400_000));
    await writeFile(join(temp, 'in-progress'), 'x');

    await (storage as unknown as OnModuleInit).onModuleInit();

    expect(await listFiles(temp)).toEqual(['in-progress']);
    await rm(join(temp, 'in-progress'));
  });
});

// ---------------------------------------------------------------------------------------------
// S3 specifics through the application
// ---------------------------------------------------------------------------------------------

describe('S3 storage in the application', () => {
  let server: S3TestServer;

  beforeAll(async () => {
    server = await startS3Server();
  });
  afterAll(() => server?.close());

  const s3Env = (overrides: Record<string, string> = {}): Record<string, string> => ({
    S3_ENDPOINT: server.endpoint,
    S3_BUCKET: server.bucket,
    S3_ACCESS_KEY_ID: server.accessKeyId,
    S3_SECRET_ACCESS_KEY: server.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
    ...overrides,
  });

  it('does not serve local downloads: the route answers 404 download/not_found', async () => {
    const t = await createTestApp({ env: s3Env() });
    try {
      const storage = t.app.get<StoragePort>(STORAGE);
      expect(storage.driver).toBe('s3');
      const token = new DownloadTokenSigner('any-secret-any-secret-any-secret-1').sign({
        key: 'firmware/x.bin',
        fileName: 'x.bin',
        expiresAt: new Date(Date.now() + 60_000),
      });
      const res = await t.request({ method: 'GET', url: `/api/v1/downloads/${token}` });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('download/not_found');
    } finally {
      await t.close();
    }
  });

  it('creates the bucket at start when S3_CREATE_BUCKET is on', async () => {
    const bucket = `created-${Date.now().toString(36)}`;
    await expect(server.client.send(new HeadBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({ name: 'NotFound' });
    const t = await createTestApp({ env: s3Env({ S3_BUCKET: bucket, S3_CREATE_BUCKET: 'true' }) });
    try {
      await expect(server.client.send(new HeadBucketCommand({ Bucket: bucket }))).resolves.toBeDefined();
      const storage = t.app.get<StoragePort>(STORAGE);
      const data = randomBytes(1000);
      await storage.put('firmware/first.bin', streamOf(data));
      expect((await readAll(await storage.openRead('firmware/first.bin'))).equals(data)).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('presigns URLs for S3_PUBLIC_ENDPOINT when devices reach storage at another address', async () => {
    const publicEndpoint = 'https://downloads.example.com';
    const t = await createTestApp({ env: s3Env({ S3_PUBLIC_ENDPOINT: publicEndpoint }) });
    try {
      const storage = t.app.get<StoragePort>(STORAGE);
      const data = randomBytes(5000);
      const key = uniqueKey();
      await storage.put(key, streamOf(data));
      const link = await storage.downloadUrl(key, { ttlSeconds: 60, fileName: 'x.bin' });
      const url = new URL(link.url);
      expect(url.origin).toBe(publicEndpoint);
      expect(url.pathname).toBe(`/${server.bucket}/${key}`);
      expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
      // The same signed request, sent to where the public address leads (a proxy would do this).
      const res = await fetch(`${server.endpoint}${url.pathname}${url.search}`, { headers: { host: url.host } });
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(data)).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('works with S3_CHECKSUM_MODE=WHEN_SUPPORTED, and its presigned URLs need no checksum header', async () => {
    const t = await createTestApp({ env: s3Env({ S3_CHECKSUM_MODE: 'WHEN_SUPPORTED', S3_PART_SIZE_MB: '5' }) });
    try {
      const storage = t.app.get<StoragePort>(STORAGE);
      for (const size of [1000, 11 * MiB]) {
        const data = randomBytes(size);
        const key = uniqueKey();
        await storage.put(key, streamOf(data));
        expect(sha256(await readAll(await storage.openRead(key)))).toBe(sha256(data));
        const link = await storage.downloadUrl(key, { ttlSeconds: 60, fileName: 'x.bin' });
        const res = await fetch(link.url);
        expect(res.status).toBe(200);
        expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(data));
      }
    } finally {
      await t.close();
    }
  });

  it('rejects storage/unavailable and stops reading the body when S3 goes away mid-upload', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(server.endpoint).port) });
    const t = await createTestApp({ env: s3Env({ S3_ENDPOINT: `http://${proxy.address}`, S3_PART_SIZE_MB: '5', S3_UPLOAD_CONCURRENCY: '2' }) });
    try {
      const storage = t.app.get<StoragePort>(STORAGE);
      // Endless: only the uploader giving up ends it. S3 disappears once a part is on its way.
      let produced = 0;
      const body = new Readable({
        read() {
          if (produced === 6 * MiB) void proxy.cut();
          produced += 64 * 1024;
          this.push(randomBytes(64 * 1024));
        },
      });
      // Whoever feeds the body hears why it was stopped (a pipeline would pass it upstream).
      const bodyError = new Promise((resolve) => body.once('error', resolve));
      await expect(storage.put(uniqueKey(), body)).rejects.toMatchObject({ code: 'storage/unavailable' });
      await expect(bodyError).resolves.toMatchObject({ code: 'storage/unavailable' });
      // Reading stopped with the parts in flight: at most the queue plus the part being filled.
      expect(produced).toBeLessThanOrEqual(4 * 5 * MiB);
    } finally {
      await t.close();
      await proxy.close();
    }
  });

  it('reports storage down when S3 is unreachable, and the service degraded but still ready (200)', async () => {
    const port = await freePortThatIsClosed();
    const t = await createTestApp({ env: s3Env({ S3_ENDPOINT: `http://127.0.0.1:${port}` }) });
    try {
      const res = await t.request({ method: 'GET', url: '/health/detailed' });
      expect(res.statusCode).toBe(200);
      expect(res.json().status).toBe('degraded');
      expect(res.json().checks.storage).toMatchObject({ status: 'down', driver: 's3', bucket: server.bucket, error: expect.any(String) });
      await expect(t.app.get<StoragePort>(STORAGE).put(uniqueKey(), streamOf(randomBytes(10)))).rejects.toMatchObject({
        code: 'storage/unavailable',
      });
    } finally {
      await t.close();
    }
  });
});

describe('filesystem store secrets', () => {
  it('generates the download secret under the data folder outside production, and keeps it', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ota-test-storage-'));
    const t = await createTestApp({ env: { STORAGE_DIR: directory } });
    try {
      const secret = (await readFile(join(t.config.dataDir, 'download-url-secret'), 'utf8')).trim();
      expect(secret.length).toBeGreaterThanOrEqual(32);
      const storage = t.app.get<StoragePort>(STORAGE);
      const key = uniqueKey();
      await storage.put(key, streamOf(randomBytes(10)));
      const token = new DownloadTokenSigner(secret).sign({ key, fileName: 'x.bin', expiresAt: new Date(Date.now() + 60_000) });
      expect((await t.request({ method: 'GET', url: `/api/v1/downloads/${token}` })).statusCode).toBe(200);
    } finally {
      await t.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});

import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../src/database/embedded/free-port';
import { firmwareBytes, firmwareMetadata } from '../utils/firmware-factory';
import { startS3Server, type S3TestServer } from '../utils/s3-server';
import { listFiles } from '../utils/storage-backends';
import { createTestApp, type TestApp } from '../utils/test-app';
import { withClient } from '../utils/test-database';
import { bearer, hs256Token } from '../utils/tokens';
import { waitUntil } from '../utils/wait-for';

/**
 * Uploads that end badly, over raw sockets: cut off before the closing boundary, abandoned by the
 * client, stalled mid-body, or malformed. Each must get an answer or a closed socket, and leave no
 * temporary file, open file handle, object or row.
 */

const BOUNDARY = 'ota-hardening-boundary';
/** Small, so a stalled client is given up on quickly; the raw requests below are sent in one go. */
const BODY_TIMEOUT_MS = 1500;

type Part = { name: string; value: string } | { name: string; fileName: string; content: Buffer };

/** A multipart/form-data body; without `close`, it stops after the last part's bytes, with no closing boundary. */
function multipart(parts: Part[], { close = true } = {}): Buffer {
  const encoded = parts.map((part) =>
    'value' in part
      ? Buffer.from(`--${BOUNDARY}\r\ncontent-disposition: form-data; name="${part.name}"\r\n\r\n${part.value}`)
      : Buffer.concat([
          Buffer.from(`--${BOUNDARY}\r\ncontent-disposition: form-data; name="${part.name}"; filename="${part.fileName}"\r\ncontent-type: application/octet-stream\r\n\r\n`),
          part.content,
        ]),
  );
  const separated = encoded.flatMap((part, index) => (index === 0 ? [part] : [Buffer.from('\r\n'), part]));
  return Buffer.concat([...separated, ...(close ? [Buffer.from(`\r\n--${BOUNDARY}--\r\n`)] : [])]);
}

function uploadParts(content: Buffer, metadata = firmwareMetadata()): Part[] {
  return [
    { name: 'metadata', value: JSON.stringify(metadata) },
    { name: 'file', fileName: 'firmware.bin', content },
  ];
}

/** The request line and headers of an upload whose body has `contentLength` bytes. */
function uploadHead(headers: Record<string, string>, contentLength: number): Buffer {
  const lines = [
    'POST /api/v1/firmware HTTP/1.1',
    'host: 127.0.0.1',
    `content-type: multipart/form-data; boundary=${BOUNDARY}`,
    `content-length: ${contentLength}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
}

interface RawResponse {
  status: number;
  headers: string;
  body: Record<string, unknown>;
}

function parseResponse(text: string): RawResponse | undefined {
  const match = /^HTTP\/1\.1 (\d{3}) [^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(text);
  if (!match) return undefined;
  return { status: Number(match[1]), headers: match[2].toLowerCase(), body: JSON.parse(match[3]) as Record<string, unknown> };
}

/** A client on a socket of its own: `ended` resolves with everything received once the server closes it. */
function openClient(port: number): { socket: Socket; ended: Promise<string> } {
  const socket = connect({ port, host: '127.0.0.1' });
  const ended = new Promise<string>((resolve) => {
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    // A reset after the answer, or of a client that gave up, is part of what is tested.
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received));
  });
  return { socket, ended };
}

function openFileDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

async function firmwareRowCount(t: TestApp): Promise<number> {
  return withClient(t.database.url, async (client) => Number((await client.query('SELECT count(*) AS n FROM ota.firmware')).rows[0].n));
}

describe('firmware uploads that end badly, filesystem store', () => {
  let t: TestApp;
  let port: number;
  let storeDir: string;
  let operator: Record<string, string>;

  beforeAll(async () => {
    storeDir = await mkdtemp(join(tmpdir(), 'ota-test-storage-'));
    port = await findFreePort();
    t = await createTestApp({
      env: { STORAGE_DRIVER: 'filesystem', STORAGE_DIR: storeDir, FIRMWARE_MAX_BYTES: String(4 * 1024 * 1024), HTTP_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS) },
    });
    await t.app.listen({ port, host: '127.0.0.1' });
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: 'org-a', role: 'operator' }));
    // One upload that works, over a socket too: the connections and files a first request opens
    // for good are then open before any test counts file descriptors.
    expect((await send(multipart(uploadParts(firmwareBytes(10_000)))))?.status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await rm(storeDir, { recursive: true, force: true });
  });

  let filesBefore: string[];
  let rowsBefore: number;
  beforeEach(async () => {
    filesBefore = await listFiles(storeDir);
    rowsBefore = await firmwareRowCount(t);
  });

  const tempFiles = (): Promise<string[]> => listFiles(join(storeDir, '.tmp'));

  /** Sends the whole request and waits for the server to close the connection. */
  async function send(body: Buffer, contentLength = body.length): Promise<RawResponse | undefined> {
    const client = openClient(port);
    client.socket.write(Buffer.concat([uploadHead({ ...operator, connection: 'close' }, contentLength), body]));
    return parseResponse(await client.ended);
  }

  /** Temporary files included: the store holds exactly what it held before the test. */
  async function expectNothingStored(): Promise<void> {
    expect(await listFiles(storeDir)).toEqual(filesBefore);
    expect(await firmwareRowCount(t)).toBe(rowsBefore);
  }

  it.each([1, 1_000, 65_000, 70_000, 300_000])(
    'answers 400 at once when the body ends %i file bytes in, before the closing boundary',
    async (size) => {
      const response = await send(multipart(uploadParts(firmwareBytes(size)), { close: false }));

      expect(response?.status).toBe(400);
      expect(response?.body).toMatchObject({ code: 'request/malformed_body', detail: expect.stringMatching(/ended|end of multipart/i) });
      await expectNothingStored();
    },
  );

  it('leaves no temporary file and no open file handle when clients disconnect mid-upload', async () => {
    const descriptorsBefore = openFileDescriptors();
    const body = multipart(uploadParts(firmwareBytes(200_000)));
    const metadataEnd = body.indexOf('--', 10);
    // Cut points from inside the metadata to late in the file, so some clients leave while the
    // metadata is checked and others while the file is being written.
    const cuts = Array.from({ length: 24 }, (_, index) => metadataEnd - 20 + Math.floor(((body.length - metadataEnd) * index) / 24));

    for (const cut of cuts) {
      const client = openClient(port);
      client.socket.write(Buffer.concat([uploadHead(operator, body.length), body.subarray(0, cut)]), () => client.socket.destroy());
      await client.ended;
    }

    await waitUntil('the temporary files of abandoned uploads to be removed', async () => (await tempFiles()).length === 0);
    await waitUntil(`open file descriptors to fall back to ${descriptorsBefore}`, () => openFileDescriptors() <= descriptorsBefore);
    await expectNothingStored();
  });

  it('answers 408 and closes the connection when the client stops sending mid-body, and cleans up', async () => {
    const descriptorsBefore = openFileDescriptors();
    const body = multipart(uploadParts(firmwareBytes(200_000)));
    const client = openClient(port);
    client.socket.write(Buffer.concat([uploadHead(operator, body.length), body.subarray(0, body.length / 2)]));

    const response = parseResponse(await client.ended);

    expect(response?.status).toBe(408);
    expect(response?.headers).toContain('connection: close');
    expect(response?.body).toMatchObject({ code: 'request/timeout', detail: expect.any(String), request_id: expect.any(String) });
    await waitUntil('the temporary file of the stalled upload to be removed', async () => (await tempFiles()).length === 0);
    await waitUntil(`open file descriptors to fall back to ${descriptorsBefore}`, () => openFileDescriptors() <= descriptorsBefore);
    await expectNothingStored();
  });

  it('closes the connection of a client that stalls after its upload was already refused', async () => {
    const metadata = JSON.stringify(firmwareMetadata({ name: '' }));
    const body = multipart([{ name: 'metadata', value: metadata }, { name: 'file', fileName: 'firmware.bin', content: firmwareBytes(2 * 1024 * 1024) }]);
    const client = openClient(port);
    // The metadata and the start of the file; the rest never comes.
    client.socket.write(Buffer.concat([uploadHead(operator, body.length), body.subarray(0, 512 * 1024)]));

    const response = parseResponse(await client.ended);

    expect(response?.status).toBe(422);
    expect(response?.headers).toContain('connection: close');
    await expectNothingStored();
  });

  it.each([
    ['NUL', '\u0000'],
    ['ESC', '\u001b'],
    ['BEL', '\u0007'],
    ['DEL', '\u007f'],
  ])('refuses a file name with %s with 422 naming the field, and stores nothing', async (_label, character) => {
    const body = multipart([
      { name: 'metadata', value: JSON.stringify(firmwareMetadata()) },
      { name: 'file', fileName: `fw${character}.bin`, content: firmwareBytes(1000) },
    ]);
    const response = await send(body);

    expect(response?.status).toBe(422);
    expect(response?.body).toMatchObject({ code: 'request/validation_failed', detail: expect.any(String) });
    expect(response?.body.errors).toEqual([expect.objectContaining({ loc: ['body', 'file', 'filename'], type: 'file_name' })]);
    await expectNothingStored();
  });

  it('refuses a file part without a file name with 400, not a crash', async () => {
    const metadata = Buffer.from(`--${BOUNDARY}\r\ncontent-disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(firmwareMetadata())}\r\n`);
    const file = Buffer.from(`--${BOUNDARY}\r\ncontent-disposition: form-data; name="file"\r\ncontent-type: application/octet-stream\r\n\r\nbytes\r\n--${BOUNDARY}--\r\n`);
    const response = await send(Buffer.concat([metadata, file]));

    expect(response?.status).toBe(400);
    expect(response?.body).toMatchObject({ code: 'firmware/unsupported_file_type' });
    await expectNothingStored();
  });

  it.each([
    ['the same name', 'file'],
    ['another name', 'extra'],
  ])('refuses a second file part under %s with 400 and keeps neither file', async (_label, secondName) => {
    const body = multipart([
      ...uploadParts(firmwareBytes(50_000)),
      { name: secondName, fileName: 'second.bin', content: firmwareBytes(50_000) },
    ]);
    const response = await send(body);

    expect(response?.status).toBe(400);
    expect(response?.body).toMatchObject({ code: 'firmware/extra_file_part', detail: expect.stringContaining('second file part') });
    await expectNothingStored();
  });
});

describe('firmware uploads that end badly, S3 store', () => {
  const PART_SIZE = 5 * 1024 * 1024;
  let t: TestApp;
  let s3: S3TestServer;
  let port: number;
  let operator: Record<string, string>;

  beforeAll(async () => {
    s3 = await startS3Server();
    port = await findFreePort();
    t = await createTestApp({
      env: {
        STORAGE_DRIVER: 's3',
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: s3.bucket,
        S3_REGION: s3.region,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        S3_FORCE_PATH_STYLE: 'true',
        S3_PART_SIZE_MB: '5',
        FIRMWARE_MAX_BYTES: String(32 * 1024 * 1024),
        HTTP_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS),
      },
    });
    await t.app.listen({ port, host: '127.0.0.1' });
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: 'org-a', role: 'operator' }));
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
  });

  const partsUploaded = (): number => s3.operations().filter((operation) => operation.name === 'UploadPart').length;

  /** Starts an upload of three parts' worth, sends a bit more than the first part, and waits until it went up. */
  async function uploadOnePartThen(): Promise<{ socket: Socket; ended: Promise<string> }> {
    const body = multipart(uploadParts(firmwareBytes(3 * PART_SIZE)));
    const partsBefore = partsUploaded();
    const client = openClient(port);
    client.socket.write(Buffer.concat([uploadHead(operator, body.length), body.subarray(0, PART_SIZE + 256 * 1024)]));
    await waitUntil('the first part to reach S3', () => partsUploaded() > partsBefore);
    return client;
  }

  async function expectNothingStored(): Promise<void> {
    await waitUntil('the multipart upload to be aborted', async () => (await s3.listUnfinishedUploads()).length === 0);
    expect(await s3.listObjects()).toEqual([]);
    expect(await firmwareRowCount(t)).toBe(0);
  }

  it('aborts the multipart upload when the client disconnects after a part went up', async () => {
    const client = await uploadOnePartThen();
    client.socket.destroy();
    await client.ended;

    await expectNothingStored();
    expect(s3.operations().map((operation) => operation.name)).toContain('AbortMultipartUpload');
  });

  it('answers 408 and aborts the multipart upload when the client stalls after a part went up', async () => {
    const client = await uploadOnePartThen();

    const response = parseResponse(await client.ended);

    expect(response?.status).toBe(408);
    await expectNothingStored();
  });

  it('answers 400 to a body cut before its closing boundary and stores nothing', async () => {
    const body = multipart(uploadParts(firmwareBytes(PART_SIZE + 1000)), { close: false });
    const client = openClient(port);
    client.socket.write(Buffer.concat([uploadHead({ ...operator, connection: 'close' }, body.length), body]));

    const response = parseResponse(await client.ended);

    expect(response?.status).toBe(400);
    await expectNothingStored();
  });
});

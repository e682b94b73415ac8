import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { firmwareBytes, firmwareMetadata, multipartBody, uploadFirmware } from '../utils/firmware-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { apiKeyRequest, bearer, hs256Token } from '../utils/tokens';

/** JSON text of objects nested `depth` levels deep (the outermost is level 1). */
function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth - 1)}{"a":1}${'}'.repeat(depth - 1)}`;
}

/** A JSON object whose `key` holds `value` verbatim, next to the given fields. */
function withRawField(fields: Record<string, unknown>, key: string, value: string): string {
  return JSON.stringify(fields).replace(/}$/, `,"${key}":${value}}`);
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes `request` to a fresh connection byte for byte, optionally half-closes it, and reads until
 * the server closes it: the way to send what an HTTP client library refuses to produce.
 */
async function rawExchange(port: number, request: string, options: { halfClose?: boolean } = {}): Promise<RawResponse> {
  const socket = connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(request);
  if (options.halfClose) socket.end();
  await once(socket, 'close');
  const text = Buffer.concat(received).toString('utf8');
  const headerEnd = text.indexOf('\r\n\r\n');
  const [statusLine, ...headerLines] = text.slice(0, headerEnd).split('\r\n');
  const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(headerEnd + 4) };
}

/** The contract's error body: exactly detail (a non-empty string), code and request_id. */
function expectContractError(status: number, contentType: string | undefined, bodyText: string, requestId: string | undefined, expected: { status: number; code: string }) {
  const body = JSON.parse(bodyText) as Record<string, unknown>;
  expect({ status, code: body.code }).toEqual(expected);
  expect(contentType).toMatch(/^application\/json/);
  expect(Object.keys(body).sort()).toEqual(['code', 'detail', 'request_id']);
  expect(typeof body.detail === 'string' && body.detail !== '').toBe(true);
  expect(body.request_id).toBe(requestId);
}

function expectInjectedError(res: LightMyRequestResponse, expected: { status: number; code: string }): void {
  expectContractError(res.statusCode, res.headers['content-type'] as string, res.body, res.headers['x-request-id'] as string, expected);
}

describe('HTTP hardening', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let port: number;
  let maxDepth: number;

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_DEV_TOKENS: 'true' } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    admin = bearer(await hs256Token({ sub: 'admin-1', role: 'admin' }));
    maxDepth = t.config.http.jsonMaxDepth;
  });
  afterAll(() => t.close());

  describe('JSON nested deeper than JSON_MAX_DEPTH', () => {
    const postJson = (url: string, payload: string, headers: Record<string, string> = {}) =>
      t.request({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, payload });

    it('is a 400 naming the limit on a JSON route, and a body at the limit still goes through', async () => {
      const deep = await postJson('/api/v1/api-keys', withRawField(apiKeyRequest(), 'extra', nestedJson(2000)), admin);
      expectInjectedError(deep, { status: 400, code: 'request/malformed_body' });
      expect(deep.json().detail).toContain(`${maxDepth} levels`);

      // The body object is level 1, so its field may nest maxDepth - 1 more.
      const atLimit = await postJson('/api/v1/api-keys', withRawField(apiKeyRequest(), 'extra', nestedJson(maxDepth - 1)), admin);
      expect(atLimit.statusCode).toBe(201);
      const overLimit = await postJson('/api/v1/api-keys', withRawField(apiKeyRequest(), 'extra', nestedJson(maxDepth)), admin);
      expectInjectedError(overLimit, { status: 400, code: 'request/malformed_body' });
    });

    it('is a 400 on the public dev-token route', async () => {
      const res = await postJson('/api/v1/auth/dev-token', withRawField({ user_id: 'u-1', email: 'u-1@example.com' }, 'extra', nestedJson(2000)));
      expectInjectedError(res, { status: 400, code: 'request/malformed_body' });
    });

    it("is a 400 on the device API's check-in, served outside Nest's router", async () => {
      const res = await postJson('/api/v1/device-api/devices/dev-1/check-in', nestedJson(2000));
      expectInjectedError(res, { status: 400, code: 'request/malformed_body' });
    });

    it('is a 400 in the metadata part of a firmware upload, and metadata at the limit is stored', async () => {
      const upload = async (metadataJson: string) => {
        const body = await multipartBody([
          { name: 'metadata', value: metadataJson },
          { name: 'file', fileName: 'firmware.bin', content: firmwareBytes(1024) },
        ]);
        return t.request({ method: 'POST', url: '/api/v1/firmware', headers: { ...admin, ...body.headers }, payload: body.payload });
      };
      const deep = await upload(withRawField(firmwareMetadata(), 'metadata', nestedJson(2000)));
      expectInjectedError(deep, { status: 400, code: 'firmware/invalid_metadata' });
      expect(deep.json().detail).toContain(`${maxDepth} levels`);

      const atLimit = await upload(withRawField(firmwareMetadata(), 'metadata', nestedJson(maxDepth - 1)));
      expect(atLimit.statusCode).toBe(201);
    });
  });

  describe('what Node refuses before routing, answered with the contract body over a raw socket', () => {
    it('answers headers over 16 KB with 431 request/headers_too_large', async () => {
      const res = await rawExchange(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
      expectContractError(res.status, res.headers['content-type'], res.body, res.headers['x-request-id'], { status: 431, code: 'request/headers_too_large' });
    });

    it.each([
      ['a control character in a header value', 'GET /health HTTP/1.1\r\nHost: x\r\nX-Odd: a\u0001b\r\n\r\n'],
      ['Transfer-Encoding together with Content-Length', 'POST /api/v1/api-keys HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n'],
      ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n'],
      ['a malformed chunk size', 'POST /api/v1/api-keys HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'],
    ])('answers %s with 400 request/malformed_request', async (_name, request) => {
      const res = await rawExchange(port, request);
      expectContractError(res.status, res.headers['content-type'], res.body, res.headers['x-request-id'], { status: 400, code: 'request/malformed_request' });
    });

    it('answers a body cut off before its Content-Length with 400 and the contract body', async () => {
      const res = await rawExchange(
        port,
        `POST /api/v1/api-keys HTTP/1.1\r\nHost: x\r\nAuthorization: ${admin.authorization}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":`,
        { halfClose: true },
      );
      const body = JSON.parse(res.body) as Record<string, unknown>;
      expect(res.status).toBe(400);
      expect(Object.keys(body).sort()).toEqual(['code', 'detail', 'request_id']);
      expect(typeof body.detail).toBe('string');
    });
  });

  describe('Range on a signed download link (RFC 9110 §14.2)', () => {
    const content = firmwareBytes(4096);
    let downloadPath: string;

    beforeAll(async () => {
      const { firmware_id: id } = (await uploadFirmware(t, admin, { content })).json();
      const link = (await t.request({ method: 'GET', url: `/api/v1/firmware/${id}/download`, headers: admin })).json();
      downloadPath = new URL(link.download_url).pathname;
    });

    const download = (range: string) => t.request({ method: 'GET', url: downloadPath, headers: { range } });

    it.each(['bytes=abc', 'bytes=5-3', 'bytes=', 'bytes=0-1,x', 'bytes 0-10', 'items=0-10', 'bytes=--5'])('ignores the unparsable %p: 200 with the whole file', async (range) => {
      const res = await download(range);
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.equals(content)).toBe(true);
      expect(res.headers['content-range']).toBeUndefined();
    });

    it.each([
      ['bytes=100-199', 100, 200],
      ['bytes=4000-', 4000, 4096],
      ['bytes=-96', 4000, 4096],
      ['bytes=4090-99999', 4090, 4096],
      ['bytes=0-4,,', 0, 5],
    ])('serves the valid %p as 206', async (range, start, end) => {
      const res = await download(range);
      expect(res.statusCode).toBe(206);
      expect(res.rawPayload.equals(content.subarray(start, end))).toBe(true);
      expect(res.headers['content-range']).toBe(`bytes ${start}-${end - 1}/4096`);
    });

    it.each(['bytes=4096-', 'bytes=99999999999999999999-', 'bytes=-0'])('answers the valid but unsatisfiable %p with 416 and bytes */size', async (range) => {
      const res = await download(range);
      expectInjectedError(res, { status: 416, code: 'download/range_not_satisfiable' });
      expect(res.headers['content-range']).toBe('bytes */4096');
    });
  });
});

describe('a request that arrives while the server closes', () => {
  it('gets 503 service/shutting_down with the contract body and Connection: close', async () => {
    const held = Promise.withResolvers<void>();
    const entered = Promise.withResolvers<void>();
    const closing = Promise.withResolvers<void>();
    const t = await createTestApp({
      beforeInit: (app) => {
        const fastify = app.getHttpAdapter().getInstance();
        fastify.get('/test/held', async () => {
          entered.resolve();
          await held.promise;
          return { held: true };
        });
        fastify.addHook('preClose', (done) => {
          closing.resolve();
          done();
        });
      },
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => undefined);
    await once(socket, 'connect');

    // A keep-alive connection busy with one request, when the close begins, carries another.
    socket.write('GET /test/held HTTP/1.1\r\nHost: x\r\n\r\n');
    await entered.promise;
    const closed = t.close();
    await closing.promise;
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    held.resolve();
    await once(socket, 'close');
    await closed;

    const text = Buffer.concat(received).toString('utf8');
    const second = text.slice(text.indexOf('HTTP/1.1', 1));
    const [head, body] = second.split('\r\n\r\n');
    expect(text.startsWith('HTTP/1.1 200')).toBe(true);
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 503 Service Unavailable');
    expect(head.toLowerCase()).toContain('connection: close');
    const requestId = /x-request-id: (\S+)/i.exec(head)?.[1];
    expectContractError(503, /content-type: (\S+)/i.exec(head)?.[1], body, requestId, { status: 503, code: 'service/shutting_down' });
  });
});

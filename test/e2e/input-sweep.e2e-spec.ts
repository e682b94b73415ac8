import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { type AddressInfo, connect } from 'node:net';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildOpenApiDocument } from '../../src/openapi';
import { createDevice, deviceAuth } from '../utils/device-factory';
import { firmwareBytes, firmwareMetadata, multipartBody, uploadFirmware } from '../utils/firmware-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { apiKeyHeader, bearer, hs256Token, internalServiceHeaders, TEST_INTERNAL_SECRET, unsignedToken, withForgedSignature } from '../utils/tokens';

/**
 * The input sweep: every operation of the OpenAPI document gets malformed input (wrong types,
 * missing and oversize fields, odd path ids and query values, broken and deeply nested JSON, huge
 * bodies and headers, broken multipart, garbage credentials). Whatever comes back must be below
 * 500, and every 4xx must carry the contract's error body. The document is built from the running
 * app, the same way `npm run openapi` writes openapi/openapi.json, so operations added later are
 * swept without touching this file.
 */

const BODY_LIMIT_BYTES = 64 * 1024;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const BATCH = 16;

type Schema = Record<string, unknown> & { $ref?: string; properties?: Record<string, Schema>; required?: string[] };
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema?: Schema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  contentTypes: string[];
  bodySchema: Schema | undefined;
  /** Device API operations act for the device in their path. */
  deviceApi: boolean;
}
interface Probe {
  label: string;
  request: InjectOptions;
}

/** JSON text of objects nested `depth` levels deep. */
function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** 30 levels of nesting inside a field: deep, but within JSON_MAX_DEPTH once inside a body. */
const DEEP_BUT_ALLOWED = JSON.parse(nestedJson(30)) as unknown;
/** 2 000 levels inside a field: the depth that once overflowed the stack of a recursive walk. */
const DEEP = JSON.parse(nestedJson(2000)) as unknown;
/**
 * Arrays nested as deep as the body limit allows: whether 2 000 levels overflow a recursive walk
 * depends on how far the JIT has optimized it, 30 000 overflow it whatever the JIT did. Text,
 * because `JSON.stringify` itself recurses.
 */
const DEEPEST_ARRAYS = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;

/** Values no field expects, whatever its type: each replaces one field of an otherwise plausible body. */
const ODD_VALUES: unknown[] = [
  null,
  true,
  -1,
  1.5,
  1e308,
  '',
  'x'.repeat(20_000),
  'nul\u0000byte',
  'lone \ud800 surrogate',
  '2024-13-45T99:99:99Z',
  [],
  [null, { a: 1 }],
  {},
  { $ne: null },
  DEEP_BUT_ALLOWED,
  DEEP,
];

/** Path segments no route expects, already percent-encoded where needed. */
const ODD_PATH_VALUES = [
  '%00',
  '..',
  '%2e%2e',
  '%2F',
  'a'.repeat(5000),
  '%E2%98%83',
  '%F0%9F%98%80',
  '%ED%A0%80',
  '%C0%AF',
  '%FF',
  '%ZZ',
  '-1',
  '0',
  '1e309',
  '%20',
  'null',
  "'%3B%20DROP%20TABLE%20x%3B--",
];

/** Query values no parameter expects, already percent-encoded where needed. */
const ODD_QUERY_VALUES = ['abc', '-1', '1e309', '99999999999999999999', '', '%00', '%ED%A0%80', '%FF', 'x'.repeat(5000), 'true', '0.5', '%5B%5D'];

/** Bodies that are not the JSON the route expects. */
const BROKEN_JSON: { label: string; payload: string | Buffer; contentType: string }[] = [
  { label: 'cut-off JSON', payload: '{"name":', contentType: 'application/json' },
  { label: 'not JSON', payload: 'nul', contentType: 'application/json' },
  { label: 'a JSON string', payload: '"text"', contentType: 'application/json' },
  { label: 'a JSON array', payload: '[1,2]', contentType: 'application/json' },
  { label: 'a JSON number', payload: '123', contentType: 'application/json' },
  { label: 'JSON null', payload: 'null', contentType: 'application/json' },
  { label: 'an empty JSON body', payload: '', contentType: 'application/json' },
  { label: 'a __proto__ key', payload: '{"__proto__":{"admin":true}}', contentType: 'application/json' },
  { label: 'a constructor.prototype key', payload: '{"constructor":{"prototype":{"admin":true}}}', contentType: 'application/json' },
  { label: 'invalid UTF-8', payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), contentType: 'application/json' },
  { label: 'a byte-order mark', payload: '\ufeff{}', contentType: 'application/json' },
  { label: 'JSON nested 2 000 deep', payload: `${'['.repeat(2000)}${']'.repeat(2000)}`, contentType: 'application/json' },
  { label: 'objects nested 2 000 deep', payload: nestedJson(2000), contentType: 'application/json' },
  { label: 'a field nested 2 000 deep', payload: `{"reason":"sweep","extra":${nestedJson(2000)}}`, contentType: 'application/json' },
  { label: 'a field nested 30 000 deep', payload: `{"reason":"sweep","extra":${DEEPEST_ARRAYS}}`, contentType: 'application/json' },
  { label: 'a body over the limit', payload: JSON.stringify({ filler: 'x'.repeat(BODY_LIMIT_BYTES) }), contentType: 'application/json' },
  { label: 'text/plain', payload: '{}', contentType: 'text/plain' },
  { label: 'XML', payload: '<a/>', contentType: 'application/xml' },
  { label: 'a form', payload: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' },
  { label: 'a content type with odd parameters', payload: '{}', contentType: 'application/json; charset=ebcdic; x="' },
  { label: 'broken NDJSON', payload: '{"device_id":"a"}\n{"device_id":\n\u0000\n', contentType: 'application/x-ndjson' },
  { label: 'multipart without a boundary', payload: '--x\r\n\r\n', contentType: 'multipart/form-data' },
];

/** Describes why a response breaks the contract, or null when it keeps it. */
function contractProblem(res: LightMyRequestResponse | RawResponse): string | null {
  const status = 'statusCode' in res ? res.statusCode : res.status;
  const body = 'statusCode' in res ? res.body : res.body;
  if (status >= 500) return `status ${status}: ${body.slice(0, 300)}`;
  if (status < 400) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `status ${status} without a JSON body: ${body.slice(0, 200)}`;
  }
  const { detail, code, request_id: requestId } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof detail !== 'string' || detail === '' || typeof code !== 'string' || typeof requestId !== 'string') {
    return `status ${status} without string detail, code and request_id: ${body.slice(0, 200)}`;
  }
  return null;
}

interface RawResponse {
  status: number;
  body: string;
}

/** Sends bytes no HTTP client would produce on a fresh connection and reads until the server closes it. */
async function rawExchange(port: number, request: string, halfClose = false): Promise<RawResponse> {
  const socket = connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(request);
  if (halfClose) socket.end();
  await once(socket, 'close');
  const text = Buffer.concat(received).toString('utf8');
  return { status: Number(text.split(' ')[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) };
}

describe('input sweep over every operation of the OpenAPI document', () => {
  let t: TestApp;
  let port: number;
  let document: OpenAPIObject;
  let operations: Operation[];
  let admin: Record<string, string>;
  let device: { device_id: string; device_token: string };
  let firmwareId: string;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        AUTH_DEV_TOKENS: 'true',
        INTERNAL_SERVICE_SECRET: TEST_INTERNAL_SECRET,
        BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
        FIRMWARE_MAX_BYTES: String(BODY_LIMIT_BYTES),
        DEVICE_IMPORT_MAX_BYTES: String(BODY_LIMIT_BYTES),
        // The limits answer 429 to a burst like this one; they have tests of their own.
        RATE_LIMIT_ENABLED: 'false',
      },
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    admin = bearer(await hs256Token({ sub: 'sweeper', organization_id: 'org-sweep', role: 'admin' }));
    device = await createDevice(t, admin);
    firmwareId = (await uploadFirmware(t, admin, { content: firmwareBytes(1024) })).json().firmware_id;
    document = buildOpenApiDocument(t.app);
    operations = operationsOf(document);
  });
  afterAll(() => t?.close());

  function operationsOf(doc: OpenAPIObject): Operation[] {
    return Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => {
        const operation = item[method]!;
        const content = (operation.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content ?? {};
        const contentTypes = Object.keys(content);
        const security = (operation.security ?? doc.security ?? []).flatMap((requirement) => Object.keys(requirement));
        return {
          method: method.toUpperCase(),
          path,
          parameters: (operation.parameters ?? []) as Parameter[],
          contentTypes,
          bodySchema: resolve(content['application/json']?.schema ?? content['multipart/form-data']?.schema),
          deviceApi: security.includes('device'),
        };
      }),
    );
  }

  function resolve(schema: Schema | undefined): Schema | undefined {
    if (schema?.$ref === undefined) return schema;
    return document.components?.schemas?.[schema.$ref.split('/').pop()!] as Schema;
  }

  /** Credentials that may act on the operation. */
  function credentials(operation: Operation): Record<string, string> {
    return operation.deviceApi ? deviceAuth(device.device_token) : admin;
  }

  /** A plausible value for a path parameter, so that only the probed input is odd. */
  function pathValue(operation: Operation, parameter: Parameter): string {
    const schema = parameter.schema ?? {};
    if (parameter.name === 'device_id') return operation.deviceApi ? encodeURIComponent(device.device_id) : 'sweep-device';
    if (schema.pattern === '^[0-9a-f]{32}$') return randomBytes(16).toString('hex');
    if (schema.format === 'uuid') return randomUUID();
    return `sweep-${parameter.name}`;
  }

  function urlOf(operation: Operation, overrides: Record<string, string> = {}, query = ''): string {
    const path = operation.path.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
      if (name in overrides) return overrides[name];
      const parameter = operation.parameters.find((p) => p.in === 'path' && p.name === name) ?? { name, in: 'path' as const };
      return pathValue(operation, parameter);
    });
    return query === '' ? path : `${path}?${query}`;
  }

  /** A plausible value for a body field, from its example, enum, default or type. */
  function plausible(name: string, schema: Schema | undefined): unknown {
    const field = resolve(schema) ?? {};
    if (name === 'firmware_id') return firmwareId;
    if (name === 'device_ids' || name === 'target_devices') return [device.device_id];
    if (field.example !== undefined) return field.example;
    if (Array.isArray(field.enum)) return field.enum[0];
    if (field.default !== undefined) return field.default;
    if (field.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
    if (field.format === 'email') return 'sweep@example.com';
    switch (field.type) {
      case 'integer':
      case 'number':
        return typeof field.minimum === 'number' ? field.minimum : 1;
      case 'boolean':
        return true;
      case 'array':
        return [];
      case 'object':
        return {};
      default:
        return typeof field.pattern === 'string' && field.pattern.includes('[0-9a-f]{32}') ? randomBytes(16).toString('hex') : 'sweep';
    }
  }

  function plausibleBody(schema: Schema): Record<string, unknown> {
    return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, field]) => [name, plausible(name, field)]));
  }

  async function multipartUpload(parts: Parameters<typeof multipartBody>[0]): Promise<{ payload: Buffer; contentType: string }> {
    const body = await multipartBody(parts);
    return { payload: body.payload, contentType: body.headers['content-type'] };
  }

  /** Sends every probe (in small concurrent batches) and lists the responses that break the contract. */
  async function sweep(probes: Probe[]): Promise<string[]> {
    const problems: string[] = [];
    for (let start = 0; start < probes.length; start += BATCH) {
      await Promise.all(
        probes.slice(start, start + BATCH).map(async ({ label, request }) => {
          const res = await t.request(request);
          const problem = contractProblem(res);
          if (problem) problems.push(`${request.method} ${String(request.url).slice(0, 160)} [${label}] -> ${problem}`);
        }),
      );
    }
    return problems;
  }

  it('covers the operations the service has', () => {
    expect(operations.length).toBeGreaterThan(40);
    expect(operations.filter((operation) => operation.contentTypes.includes('multipart/form-data')).length).toBeGreaterThan(0);
    expect(operations.filter((operation) => operation.deviceApi).length).toBeGreaterThan(0);
  });

  it('answers garbage credentials with a 4xx and the error body', async () => {
    const garbage: [string, Record<string, string>][] = [
      ['no credentials', {}],
      ['a random bearer', { authorization: `Bearer ${randomBytes(24).toString('base64url')}` }],
      ['a malformed JWT', { authorization: 'Bearer a.b.c' }],
      ['a JWT of garbage parts', { authorization: `Bearer ${'%%%.'.repeat(2)}%%%` }],
      ['an empty bearer', { authorization: 'Bearer ' }],
      ['an unsigned admin JWT', bearer(unsignedToken())],
      ['a forged signature', bearer(withForgedSignature(await hs256Token({ role: 'admin' })))],
      ['a JWT without organization', bearer(await hs256Token({ organization_id: '', role: 'admin' }))],
      ['a JWT with an odd role', bearer(await hs256Token({ role: 'root\u0000' }))],
      ['a JWT with a unicode organization', bearer(await hs256Token({ organization_id: 'org-\ud800', role: 'admin' }))],
      ['a basic scheme', { authorization: 'Basic Zm9vOmJhcg==' }],
      ['a 10 000 character bearer', { authorization: `Bearer ${'a'.repeat(10_000)}` }],
      ['a wrong API key', apiKeyHeader(`ota_${randomBytes(24).toString('hex')}`)],
      ['an API key of garbage', apiKeyHeader('\u00ff\u00fe'.repeat(500))],
      ['a wrong internal secret', internalServiceHeaders('not-the-secret-0123456789', { organizationId: 'org-sweep' })],
      ['an internal flag without secret', { 'x-internal-service': 'true' }],
      ['a garbage device token', deviceAuth('garbage')],
      ['a device scheme without token', { authorization: 'Device' }],
    ];
    const probes = operations.flatMap((operation) =>
      garbage.map(([label, headers]) => ({
        label,
        request: { method: operation.method, url: urlOf(operation), headers: { ...headers, 'content-type': 'application/json' }, payload: '{}' } as InjectOptions,
      })),
    );
    expect(await sweep(probes)).toEqual([]);
  });

  it('answers odd path ids with a 4xx and the error body', async () => {
    const probes = operations.flatMap((operation) =>
      operation.parameters
        .filter((parameter) => parameter.in === 'path')
        .flatMap((parameter) =>
          ODD_PATH_VALUES.map((value) => ({
            label: `${parameter.name}=${value.slice(0, 20)}`,
            request: {
              method: operation.method,
              url: urlOf(operation, { [parameter.name]: value }),
              headers: { ...credentials(operation), 'content-type': 'application/json' },
              payload: '{}',
            } as InjectOptions,
          })),
        ),
    );
    expect(probes.length).toBeGreaterThan(0);
    expect(await sweep(probes)).toEqual([]);
  });

  it('answers odd query values with a 4xx and the error body', async () => {
    const probes = operations.flatMap((operation) =>
      operation.parameters
        .filter((parameter) => parameter.in === 'query')
        .flatMap((parameter) => [
          ...ODD_QUERY_VALUES.map((value) => ({ label: `${parameter.name}=${value.slice(0, 20)}`, query: `${parameter.name}=${value}` })),
          { label: `${parameter.name} twice`, query: `${parameter.name}=1&${parameter.name}=2` },
          { label: `${parameter.name} as an object`, query: `${parameter.name}[a]=1` },
        ])
        .map(({ label, query }) => ({ label, request: { method: operation.method, url: urlOf(operation, {}, query), headers: credentials(operation) } as InjectOptions })),
    );
    expect(probes.length).toBeGreaterThan(0);
    expect(await sweep(probes)).toEqual([]);
  });

  it('answers a JSON body with missing fields or an odd value in any field with a 4xx and the error body', async () => {
    const probes = operations
      .filter((operation) => operation.contentTypes.includes('application/json') && operation.bodySchema)
      .flatMap((operation) => {
        const base = plausibleBody(operation.bodySchema!);
        const request = (label: string, payload: unknown): Probe => ({
          label,
          request: { method: operation.method, url: urlOf(operation), headers: { ...credentials(operation), 'content-type': 'application/json' }, payload: payload as InjectOptions['payload'] },
        });
        return [
          request('{}', {}),
          request('a plausible body with a field nested 30 000 deep', JSON.stringify(base).replace(/}$/, `,"extra":${DEEPEST_ARRAYS}}`)),
          request('only the required fields, plausible', Object.fromEntries((operation.bodySchema!.required ?? []).map((name) => [name, base[name]]))),
          ...Object.keys(base).flatMap((field) => ODD_VALUES.map((value) => request(`${field}=${JSON.stringify(value)?.slice(0, 30)}`, { ...base, [field]: value }))),
        ];
      });
    expect(probes.length).toBeGreaterThan(0);
    expect(await sweep(probes)).toEqual([]);
  });

  it('answers broken, deeply nested and oversized bodies with a 4xx and the error body', async () => {
    const probes = operations
      .filter((operation) => operation.method !== 'GET')
      .flatMap((operation) =>
        BROKEN_JSON.map(({ label, payload, contentType }) => ({
          label,
          request: { method: operation.method, url: urlOf(operation), headers: { ...credentials(operation), 'content-type': contentType }, payload } as InjectOptions,
        })),
      );
    expect(await sweep(probes)).toEqual([]);
  });

  it('answers broken multipart with a 4xx and the error body', async () => {
    const metadata = JSON.stringify(firmwareMetadata());
    const file = { name: 'file', fileName: 'firmware.bin', content: firmwareBytes(512) };
    const valid = await multipartUpload([{ name: 'metadata', value: metadata }, file]);
    const boundary = /boundary=(.+)$/.exec(valid.contentType)![1];
    const bodies: { label: string; payload: Buffer | string; contentType: string }[] = [
      { label: 'no parts', ...(await multipartUpload([])) },
      { label: 'metadata only', ...(await multipartUpload([{ name: 'metadata', value: metadata }])) },
      { label: 'file only', ...(await multipartUpload([file])) },
      { label: 'file before metadata', ...(await multipartUpload([file, { name: 'metadata', value: metadata }])) },
      { label: 'metadata twice', ...(await multipartUpload([{ name: 'metadata', value: metadata }, { name: 'metadata', value: metadata }, file])) },
      { label: 'metadata not JSON', ...(await multipartUpload([{ name: 'metadata', value: '{"name":' }, file])) },
      { label: 'metadata a JSON array', ...(await multipartUpload([{ name: 'metadata', value: '[1]' }, file])) },
      { label: 'metadata nested 2 000 deep', ...(await multipartUpload([{ name: 'metadata', value: nestedJson(2000) }, file])) },
      { label: 'a metadata field nested 2 000 deep', ...(await multipartUpload([{ name: 'metadata', value: metadata.replace(/}$/, `,"metadata":${nestedJson(2000)}}`) }, file])) },
      { label: 'a metadata field nested 30 000 deep', ...(await multipartUpload([{ name: 'metadata', value: metadata.replace(/}$/, `,"metadata":${DEEPEST_ARRAYS}}`) }, file])) },
      { label: 'metadata with NUL', ...(await multipartUpload([{ name: 'metadata', value: metadata.replace('SmartTech', 'Smart\\u0000Tech') }, file])) },
      { label: 'metadata over the field limit', ...(await multipartUpload([{ name: 'metadata', value: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }) }, file])) },
      { label: 'a file name that climbs', ...(await multipartUpload([{ name: 'metadata', value: metadata }, { ...file, fileName: '../../../etc/passwd.bin' }])) },
      { label: 'a file name with NUL', ...(await multipartUpload([{ name: 'metadata', value: metadata }, { ...file, fileName: 'a\u0000.bin' }])) },
      { label: 'a file over the limit', ...(await multipartUpload([{ name: 'metadata', value: JSON.stringify(firmwareMetadata()) }, { ...file, content: firmwareBytes(BODY_LIMIT_BYTES + 1) }])) },
      { label: 'the body cut in half', payload: valid.payload.subarray(0, Math.floor(valid.payload.length / 2)), contentType: valid.contentType },
      { label: 'no closing boundary', payload: valid.payload.subarray(0, valid.payload.length - boundary.length - 6), contentType: valid.contentType },
      { label: 'another boundary', payload: valid.payload, contentType: 'multipart/form-data; boundary=not-the-boundary' },
      { label: 'no boundary parameter', payload: valid.payload, contentType: 'multipart/form-data' },
      { label: 'garbage', payload: randomBytes(2048), contentType: valid.contentType },
      { label: 'part headers without a blank line', payload: `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n--${boundary}--\r\n`, contentType: valid.contentType },
      { label: 'JSON instead of multipart', payload: metadata, contentType: 'application/json' },
      { label: 'an empty body', payload: '', contentType: valid.contentType },
    ];
    const probes = operations
      .filter((operation) => operation.contentTypes.includes('multipart/form-data'))
      .flatMap((operation) =>
        bodies.map(({ label, payload, contentType }) => ({
          label,
          request: { method: operation.method, url: urlOf(operation), headers: { ...credentials(operation), 'content-type': contentType }, payload } as InjectOptions,
        })),
      );
    expect(await sweep(probes)).toEqual([]);
  });

  it('answers huge headers and cut-off bodies on the wire with the error body', async () => {
    const problems: string[] = [];
    for (const operation of operations) {
      const url = urlOf(operation);
      const auth = Object.entries(credentials(operation))
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      const cases: [string, string, boolean][] = [
        ['headers over 16 KB', `${operation.method} ${url} HTTP/1.1\r\nHost: x\r\n${auth}X-Padding: ${'p'.repeat(17 * 1024)}\r\n\r\n`, false],
        ['a body cut off', `${operation.method} ${url} HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 64\r\n\r\n{"a":`, true],
      ];
      for (const [label, request, halfClose] of cases) {
        const problem = contractProblem(await rawExchange(port, request, halfClose));
        if (problem) problems.push(`${operation.method} ${url} [${label}] -> ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

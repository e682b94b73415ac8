import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { DependencyUnavailableError } from '../../src/common/errors/domain-error';
import { ErrorCode } from '../../src/common/errors/error-codes';
import { loadConfig } from '../../src/config';
import type { PrismaService } from '../../src/database/prisma.service';
import { PrismaClient } from '../../src/generated/prisma/client';
import { DevicesRepository } from '../../src/modules/devices/devices.repository';
import { DeviceDirectoryHealthIndicator } from '../../src/modules/devices/directory/device-directory.health';
import { createDeviceDirectory } from '../../src/modules/devices/directory/device-directory.providers';
import type { DirectoryDevice } from '../../src/modules/devices/directory/device-directory.port';
import { RegistryDeviceDirectory } from '../../src/modules/devices/directory/registry-device-directory';
import {
  RemoteDeviceDirectory,
  type RemoteDirectoryOptions,
  type RemoteDirectorySettings,
} from '../../src/modules/devices/directory/remote-device-directory';
import { startHttpServer } from '../utils/http-server';
import { createTestDatabase, type TestDatabase, withClient } from '../utils/test-database';

/**
 * The device directory's two adapters. The remote one talks to a real HTTP server on loopback
 * that plays the platform device service (answers, errors, silence, garbage); the registry one
 * reads rows inserted with SQL into a real database.
 */

interface ServedRequest {
  url: string;
  headers: IncomingMessage['headers'];
}

/** A device as the platform device service describes it, in its preferred spelling. */
function serviceDevice(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    device_id: 'frame-0001',
    device_type: 'smart_frame',
    model: 'SF-200',
    manufacturer: 'Acme',
    hardware_version: '2.1',
    firmware_version: '1.4.2',
    ...overrides,
  };
}

const expectedDevice: DirectoryDevice = {
  deviceId: 'frame-0001',
  deviceType: 'smart_frame',
  deviceModel: 'SF-200',
  manufacturer: 'Acme',
  hardwareVersion: '2.1',
  firmwareVersion: '1.4.2',
};

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function expectUnavailable(lookup: Promise<unknown>, detail?: RegExp): Promise<void> {
  const error = await lookup.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DependencyUnavailableError);
  expect(error).toMatchObject({ kind: 'unavailable', code: ErrorCode.DeviceDirectoryUnavailable });
  if (detail) expect((error as Error).message).toMatch(detail);
}

describe('remote device directory', () => {
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  let handle: (request: IncomingMessage, response: ServerResponse) => void;
  const served: ServedRequest[] = [];
  /** Responses held open by a test, ended after it so the server can close. */
  const held: ServerResponse[] = [];

  beforeAll(async () => {
    Logger.overrideLogger(false);
    server = await startHttpServer((request, response) => {
      served.push({ url: request.url ?? '', headers: request.headers });
      handle(request, response);
    });
  });
  afterAll(async () => {
    server.server.closeAllConnections();
    await server.close();
  });
  beforeEach(() => {
    served.length = 0;
    handle = (_request, response) => json(response, 404, { detail: 'Device not found' });
  });
  afterEach(() => {
    for (const response of held.splice(0)) response.destroy();
  });

  function directory(settings: Partial<RemoteDirectorySettings> = {}, options: RemoteDirectoryOptions = {}): RemoteDeviceDirectory {
    return new RemoteDeviceDirectory(
      { url: server.url, token: 'service-token', timeoutMs: 2_000, cacheSeconds: 30, probeOrganizationId: 'default-org', ...settings },
      options,
    );
  }

  /** Serves `devices` by id (any organization); unknown ids are 404. */
  function serve(...devices: Record<string, unknown>[]): void {
    handle = (request, response) => {
      const id = decodeURIComponent((request.url ?? '').replace(/^\/api\/v1\/devices\//, ''));
      const device = devices.find((d) => d.device_id === id);
      if (device) json(response, 200, device);
      else json(response, 404, { detail: 'Device not found' });
    };
  }

  describe('answers', () => {
    it('maps a found device from model and firmware_version', async () => {
      serve(serviceDevice());
      await expect(directory().find('org-a', 'frame-0001')).resolves.toEqual(expectedDevice);
    });

    it('accepts device_model and current_version, and missing optional fields as null', async () => {
      serve({ device_id: 'frame-0001', device_model: 'SF-200', current_version: '1.4.2', hardware_version: 2 });
      await expect(directory().find('org-a', 'frame-0001')).resolves.toEqual({
        deviceId: 'frame-0001',
        deviceType: null,
        deviceModel: 'SF-200',
        manufacturer: null,
        hardwareVersion: '2',
        firmwareVersion: '1.4.2',
      });
    });

    it.each(['device', 'data'])('accepts the device wrapped as {%s: {...}}', async (wrapper) => {
      handle = (_request, response) => json(response, 200, { [wrapper]: serviceDevice() });
      await expect(directory().find('org-a', 'frame-0001')).resolves.toEqual(expectedDevice);
    });

    it('answers null for a device the service does not know (404)', async () => {
      serve(serviceDevice());
      await expect(directory().find('org-a', 'frame-9999')).resolves.toBeNull();
    });

    it('forwards the service token and the organization, and encodes the device id in the path', async () => {
      serve(serviceDevice({ device_id: 'line 3/frame#7' }));
      await expect(directory().find('org-a', 'line 3/frame#7')).resolves.toMatchObject({ deviceId: 'line 3/frame#7' });
      expect(served).toHaveLength(1);
      expect(served[0].url).toBe('/api/v1/devices/line%203%2Fframe%237');
      expect(served[0].headers).toMatchObject({ authorization: 'Bearer service-token', 'x-organization-id': 'org-a' });
    });

    it('sends no Authorization header when no token is configured', async () => {
      serve(serviceDevice());
      await directory({ token: undefined }).find('org-a', 'frame-0001');
      expect(served[0].headers.authorization).toBeUndefined();
    });
  });

  describe('failures are 503 device_directory/unavailable, never an answer', () => {
    it('when the service does not answer in time', async () => {
      handle = (_request, response) => void held.push(response);
      await expectUnavailable(directory({ timeoutMs: 200 }).find('org-a', 'frame-0001'), /did not answer within 200 ms/);
    });

    it('when the body stalls after the headers', async () => {
      handle = (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' }).write('{"device_id": "frame-0001", ');
        held.push(response);
      };
      await expectUnavailable(directory({ timeoutMs: 200 }).find('org-a', 'frame-0001'), /did not answer within 200 ms/);
    });

    it.each([500, 502, 503, 429, 400])('when the service answers %i', async (status) => {
      handle = (_request, response) => json(response, status, { detail: 'boom' });
      await expectUnavailable(directory().find('org-a', 'frame-0001'), new RegExp(`HTTP ${status}`));
    });

    it.each([401, 403])('when the service refuses our credentials (%i)', async (status) => {
      handle = (_request, response) => json(response, status, { detail: 'nope' });
      await expectUnavailable(directory().find('org-a', 'frame-0001'), /refused our credentials/);
    });

    it.each([
      ['a body that is not JSON', 'text/html', '<html>Bad gateway</html>'],
      ['an empty body', 'application/json', ''],
      ['a JSON array', 'application/json', JSON.stringify([serviceDevice()])],
      ['an object without device_id', 'application/json', JSON.stringify({ model: 'SF-200', firmware_version: '1.4.2' })],
      ['a version that is not a string', 'application/json', JSON.stringify(serviceDevice({ firmware_version: { major: 1 } }))],
    ])('when a 2xx carries %s', async (_case, contentType, body) => {
      handle = (_request, response) => response.writeHead(200, { 'content-type': contentType }).end(body);
      await expectUnavailable(directory().find('org-a', 'frame-0001'), /cannot be used/);
    });

    it('when the service describes another device than the one asked for', async () => {
      handle = (_request, response) => json(response, 200, serviceDevice({ device_id: 'frame-0002' }));
      await expectUnavailable(directory().find('org-a', 'frame-0001'), /cannot be used/);
    });

    it('when nothing listens on the port', async () => {
      const closed = await startHttpServer(() => undefined);
      await closed.close();
      await expectUnavailable(directory({ url: closed.url }).find('org-a', 'frame-0001'), /cannot be reached/);
    });
  });

  describe('cache', () => {
    it('answers a repeated lookup without asking the service again', async () => {
      serve(serviceDevice());
      const cached = directory();
      await cached.find('org-a', 'frame-0001');
      await expect(cached.find('org-a', 'frame-0001')).resolves.toEqual(expectedDevice);
      expect(served).toHaveLength(1);
    });

    it('remembers "not found" too', async () => {
      const cached = directory();
      await expect(cached.find('org-a', 'frame-0001')).resolves.toBeNull();
      await expect(cached.find('org-a', 'frame-0001')).resolves.toBeNull();
      expect(served).toHaveLength(1);
    });

    it('keeps organizations apart', async () => {
      serve(serviceDevice());
      const cached = directory();
      await cached.find('org-a', 'frame-0001');
      await cached.find('org-b', 'frame-0001');
      expect(served.map((r) => r.headers['x-organization-id'])).toEqual(['org-a', 'org-b']);
    });

    it('never keeps a failure: the next lookup asks again and gets the answer', async () => {
      handle = (_request, response) => json(response, 500, {});
      const cached = directory();
      await expectUnavailable(cached.find('org-a', 'frame-0001'));
      serve(serviceDevice());
      await expect(cached.find('org-a', 'frame-0001')).resolves.toEqual(expectedDevice);
      expect(served).toHaveLength(2);
    });

    it('asks every time when cacheSeconds is 0', async () => {
      serve(serviceDevice());
      const uncached = directory({ cacheSeconds: 0 });
      await uncached.find('org-a', 'frame-0001');
      await uncached.find('org-a', 'frame-0001');
      expect(served).toHaveLength(2);
    });

    it('asks again once an answer is older than cacheSeconds', async () => {
      serve(serviceDevice());
      let now = 1_000;
      const cached = directory({ cacheSeconds: 30 }, { now: () => now });
      await cached.find('org-a', 'frame-0001');
      now += 29_999;
      await cached.find('org-a', 'frame-0001');
      expect(served).toHaveLength(1);
      now += 2;
      await cached.find('org-a', 'frame-0001');
      expect(served).toHaveLength(2);
    });

    it('drops the least recently used answer when full', async () => {
      serve(serviceDevice({ device_id: 'a' }), serviceDevice({ device_id: 'b' }), serviceDevice({ device_id: 'c' }));
      const small = directory({}, { maxEntries: 2 });
      await small.find('org-a', 'a');
      await small.find('org-a', 'b');
      await small.find('org-a', 'a'); // a is now the most recent
      await small.find('org-a', 'c'); // evicts b
      expect(served).toHaveLength(3);
      await small.find('org-a', 'a');
      expect(served).toHaveLength(3);
      await small.find('org-a', 'b');
      expect(served).toHaveLength(4);
    });

    it('sends one request for concurrent lookups of the same device, even with the cache off', async () => {
      const pending: ServerResponse[] = [];
      handle = (_request, response) => void pending.push(response);
      const shared = directory({ cacheSeconds: 0 });
      const lookups = Array.from({ length: 5 }, () => shared.find('org-a', 'frame-0001'));
      while (served.length === 0) await new Promise((resolve) => setImmediate(resolve));
      for (const response of pending) json(response, 200, serviceDevice());
      const answers = await Promise.all(lookups);
      expect(answers).toEqual(Array(5).fill(expectedDevice));
      expect(served).toHaveLength(1);
    });

    it('shares a failure among concurrent lookups without keeping it', async () => {
      const pending: ServerResponse[] = [];
      handle = (_request, response) => void pending.push(response);
      const shared = directory();
      const lookups = Array.from({ length: 3 }, () => shared.find('org-a', 'frame-0001'));
      while (served.length === 0) await new Promise((resolve) => setImmediate(resolve));
      for (const response of pending) json(response, 503, {});
      for (const lookup of lookups) await expectUnavailable(lookup);
      expect(served).toHaveLength(1);
      serve(serviceDevice());
      await expect(shared.find('org-a', 'frame-0001')).resolves.toEqual(expectedDevice);
    });
  });

  describe('health', () => {
    it('probes the service once when no lookup happened recently, and reuses the outcome', async () => {
      const remote = directory();
      const indicator = new DeviceDirectoryHealthIndicator(remote);
      await expect(indicator.check()).resolves.toMatchObject({ status: 'up', mode: 'remote', url: server.url });
      expect(served).toHaveLength(1);
      expect(served[0].headers).toMatchObject({ 'x-organization-id': 'default-org', authorization: 'Bearer service-token' });
      await indicator.check();
      expect(served).toHaveLength(1);
    });

    it('reports the last lookup failure as down, with the reason', async () => {
      handle = (_request, response) => json(response, 401, {});
      const remote = directory();
      await expectUnavailable(remote.find('org-a', 'frame-0001'));
      await expect(remote.health()).resolves.toMatchObject({ status: 'down', error: expect.stringMatching(/refused our credentials/) });
      expect(served).toHaveLength(1);
    });

    it('reports the registry mode when no device service is configured', async () => {
      const indicator = new DeviceDirectoryHealthIndicator(new RegistryDeviceDirectory({ findById: () => Promise.resolve(null), findManyByIds: () => Promise.resolve([]) }));
      await expect(indicator.check()).resolves.toEqual({ status: 'up', mode: 'registry' });
    });
  });
});

describe('registry device directory', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let registry: RegistryDeviceDirectory;

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url }) });
    registry = new RegistryDeviceDirectory(new DevicesRepository(prisma as unknown as PrismaService));
    await withClient(database.url, (client) =>
      client.query(
        `INSERT INTO ota.devices (organization_id, device_id, device_type, device_model, manufacturer, hardware_version, firmware_version, updated_at)
         VALUES ('org-a', 'frame-0001', 'smart_frame', 'SF-200', 'Acme', '2.1', '1.4.2', now()),
                ('org-a', 'frame-0002', NULL, NULL, NULL, NULL, NULL, now())`,
      ),
    );
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await database.drop();
  });

  it('finds a registered device', async () => {
    await expect(registry.find('org-a', 'frame-0001')).resolves.toEqual(expectedDevice);
  });

  it('keeps unknown fields as null', async () => {
    await expect(registry.find('org-a', 'frame-0002')).resolves.toEqual({
      deviceId: 'frame-0002',
      deviceType: null,
      deviceModel: null,
      manufacturer: null,
      hardwareVersion: null,
      firmwareVersion: null,
    });
  });

  it('answers null for an unknown device', async () => {
    await expect(registry.find('org-a', 'frame-9999')).resolves.toBeNull();
  });

  it("answers null for another organization's device", async () => {
    await expect(registry.find('org-b', 'frame-0001')).resolves.toBeNull();
  });
});

describe('choosing the directory', () => {
  const repository = new DevicesRepository(null as unknown as PrismaService);
  const config = (env: Record<string, string> = {}) =>
    loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgresql://unused@127.0.0.1/unused', DEFAULT_ORGANIZATION_ID: 'default-org', ...env });

  it('is the built-in registry when no device service is configured', () => {
    expect(createDeviceDirectory(config(), repository)).toBeInstanceOf(RegistryDeviceDirectory);
  });

  it('is the device service, sent its token, when DEVICE_SERVICE_URL is set', async () => {
    let seen: IncomingMessage['headers'] = {};
    const server = await startHttpServer((request, response) => {
      seen = request.headers;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(serviceDevice()));
    });
    try {
      const directory = createDeviceDirectory(config({ DEVICE_SERVICE_URL: `${server.url}/`, DEVICE_SERVICE_TOKEN: 'svc' }), repository);
      expect(directory).toBeInstanceOf(RemoteDeviceDirectory);
      await expect(directory.find('org-a', 'frame-0001')).resolves.toEqual(expectedDevice);
      expect(seen.authorization).toBe('Bearer svc');
    } finally {
      await server.close();
    }
  });
});

import { PinoLogger } from 'nestjs-pino';
import { createTestApp, type TestApp } from '../utils/test-app';

/** The access line every request ends with (registerHttpObservability), at `info` only. */
describe('access log', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());
  afterEach(() => jest.restoreAllMocks());

  /** Runs `body` with the root logger at `level` (the tests' app is silent otherwise). */
  async function atLevel(level: string, body: (info: jest.SpyInstance) => Promise<void>): Promise<void> {
    const root = PinoLogger.root;
    const before = root.level;
    root.level = level;
    try {
      await body(jest.spyOn(root, 'info').mockImplementation(() => undefined));
    } finally {
      root.level = before;
    }
  }

  it('writes one line per request with its id, route, status and duration', () =>
    atLevel('info', async (info) => {
      const res = await t.request({ method: 'GET', url: '/health', headers: { 'x-request-id': 'access-1' } });
      expect(res.statusCode).toBe(200);
      expect(info).toHaveBeenCalledWith(
        { request_id: 'access-1', method: 'GET', route: '/health', url: '/health', status: 200, duration_ms: expect.any(Number) },
        'request completed',
      );
    }));

  it('builds no line when the level is above info', () =>
    atLevel('warn', async (info) => {
      expect((await t.request({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      expect(info).not.toHaveBeenCalled();
    }));
});

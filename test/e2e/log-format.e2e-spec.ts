import { ensureBuilt, type Replica, startReplica } from '../utils/replica-process';
import { createTestDatabase, type TestDatabase } from '../utils/test-database';

/** The service as `npm start` runs it: JSON lines for collectors, readable lines for people. */
describe('log format', () => {
  let database: TestDatabase;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    ensureBuilt();
    database = await createTestDatabase({ migrated: true });
  }, 180_000);
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await database.drop();
  });

  async function logOf(format: string | undefined): Promise<string[]> {
    const replica = await startReplica(database.url, { SCHEDULER_ENABLED: 'false', ...(format === undefined ? {} : { LOG_FORMAT: format }) });
    replicas.push(replica);
    await fetch(`${replica.url}/health`);
    return replica.log().split('\n').filter((line) => line.includes('OTA service listening'));
  }

  it('writes JSON lines when stdout is not a terminal (auto), and human-readable ones with LOG_FORMAT=pretty', async () => {
    const [json] = await logOf(undefined);
    expect(JSON.parse(json)).toMatchObject({ level: 'info', service: 'ota_service', msg: expect.stringContaining('OTA service listening') });

    const [pretty] = await logOf('pretty');
    expect(pretty).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO.*OTA service listening/);
    expect(() => JSON.parse(pretty)).toThrow();
  });
});

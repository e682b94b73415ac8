import type pg from 'pg';
import { loadConfig } from '../../src/config';
import { createPool } from '../../src/database/database-pools';
import { PrismaService } from '../../src/database/prisma.service';
import { TEST_JWT_SECRET } from '../utils/test-app';
import { startTcpProxy, type TcpProxy } from '../utils/tcp-proxy';
import { createTestDatabase, type TestDatabase } from '../utils/test-database';

/** The pools' own recovery, against the real PostgreSQL through a proxy that loses connections. */
describe('createPool', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let pool: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
    const direct = new URL(database.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(database.url);
    proxied.host = proxy.address;
    pool = createPool({ url: proxied.toString(), name: 'ota_service:test', max: 1, statementTimeoutMs: 200, connectTimeoutMs: 1_000 });
  });
  afterAll(async () => {
    await pool.end();
    await proxy.close();
    await database.drop();
  });

  it('drops a connection handed back with a query it gave up on, so the next caller gets a working one', async () => {
    await pool.query('SELECT 1');
    // As Prisma runs a transaction: a checked-out connection, released without an error.
    const client = await pool.connect();
    await client.query('BEGIN');
    proxy.blackHoleOpenConnections();
    await expect(client.query('SELECT 1')).rejects.toThrow('Query read timeout');
    client.release();

    const { rows } = await pool.query<{ answer: number }>('SELECT 42 AS answer');
    expect(rows).toEqual([{ answer: 42 }]);
    expect(pool.totalCount).toBe(1);
  });
});

describe('PrismaService.longTransaction', () => {
  let database: TestDatabase;
  let prisma: PrismaService;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, JWT_SECRET: TEST_JWT_SECRET, DATABASE_STATEMENT_TIMEOUT_MS: '200' });
    prisma = new PrismaService({ url: database.url, embedded: undefined }, config);
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await database.drop();
  });

  // Longer than the pool's limits on both sides: the server's 200 ms and the client's 2.2 s.
  const longStatement = 'SELECT pg_sleep(2.5)::text AS slept';

  it('lets its statements run past the pool limits, server- and client-side, where others are cut off', async () => {
    await expect(prisma.$queryRawUnsafe(longStatement)).rejects.toMatchObject({ meta: { driverAdapterError: { cause: { originalCode: '57014' } } } });
    await expect(prisma.longTransaction((tx) => tx.$queryRawUnsafe(longStatement))).resolves.toEqual([{ slept: '' }]);
  });
});

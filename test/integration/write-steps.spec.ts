import { PrismaPg } from '@prisma/adapter-pg';
import { runWriteSteps, type WriteStep } from '../../src/database/write-steps';
import { Prisma, PrismaClient } from '../../src/generated/prisma/client';
import { createTestDatabase, type TestDatabase, withClient } from '../utils/test-database';

describe('write steps composed into one statement, against PostgreSQL', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;

  const sql = <T extends object = Record<string, unknown>>(text: string) => withClient(database.url, async (client) => (await client.query<T>(text)).rows);
  const insertOrders = (ids: number[]): WriteStep => ({
    name: 'orders_added',
    sql: Prisma.sql`INSERT INTO public.orders (id) SELECT unnest(${ids}::int[]) RETURNING id`,
  });
  // Reads the step above through its RETURNING: the one way a step sees another's rows.
  const countOrders: WriteStep = {
    name: 'order_counts_added',
    sql: Prisma.sql`UPDATE public.order_counts SET orders = orders + (SELECT count(*) FROM orders_added)`,
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url }) });
    await prisma.$connect();
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.drop();
  });
  beforeEach(async () => {
    await sql('DROP TABLE IF EXISTS public.orders, public.order_counts, public.audit');
    await sql('CREATE TABLE public.orders (id int PRIMARY KEY); CREATE TABLE public.order_counts (orders int NOT NULL); INSERT INTO public.order_counts VALUES (0)');
    await sql('CREATE TABLE public.audit (entry text NOT NULL)');
  });

  it('writes every step, across tables, and a step sees an earlier one through its RETURNING', async () => {
    await prisma.$transaction((tx) =>
      runWriteSteps(tx, [insertOrders([1, 2, 3]), countOrders, { name: 'audit_added', sql: Prisma.sql`INSERT INTO public.audit VALUES ('three orders')` }]),
    );
    expect(await sql('SELECT id FROM public.orders ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(await sql('SELECT orders FROM public.order_counts')).toEqual([{ orders: 3 }]);
    expect(await sql('SELECT entry FROM public.audit')).toEqual([{ entry: 'three orders' }]);
  });

  it('writes nothing of any step when one of them fails', async () => {
    await sql('INSERT INTO public.orders VALUES (2)');
    const run = prisma.$transaction((tx) => runWriteSteps(tx, [{ name: 'audit_added', sql: Prisma.sql`INSERT INTO public.audit VALUES ('kept?')` }, insertOrders([1, 2]), countOrders]));
    await expect(run).rejects.toThrow(/orders_pkey/);
    expect(await sql('SELECT id FROM public.orders')).toEqual([{ id: 2 }]);
    expect(await sql('SELECT orders FROM public.order_counts')).toEqual([{ orders: 0 }]);
    expect(await sql('SELECT entry FROM public.audit')).toEqual([]);
  });

  it('refuses names that are repeated or not plain identifiers, before sending anything', async () => {
    const audit = (name: string): WriteStep => ({ name, sql: Prisma.sql`INSERT INTO public.audit VALUES ('written')` });
    await expect(prisma.$transaction((tx) => runWriteSteps(tx, [audit('audit_added'), audit('audit_added')]))).rejects.toThrow(/not a unique lower-case identifier/);
    await expect(prisma.$transaction((tx) => runWriteSteps(tx, [audit('audit; DROP TABLE orders')]))).rejects.toThrow(/not a unique lower-case identifier/);
    expect(await sql('SELECT entry FROM public.audit')).toEqual([]);
    expect(await sql('SELECT count(*)::int AS tables FROM pg_tables WHERE tablename = \'orders\'')).toEqual([{ tables: 1 }]);
  });

  it('sends no statement for no steps', async () => {
    const sent = jest.spyOn(prisma, '$executeRaw');
    await runWriteSteps(prisma, []);
    expect(sent).not.toHaveBeenCalled();
  });
});

import { Prisma } from '../../src/generated/prisma/client';
import { PrismaService } from '../../src/database/prisma.service';
import { preparedAs, preparedStatementName } from '../../src/database/prepared-statements';
import { createTestApp, type TestApp } from '../utils/test-app';

/** Statements opt into being prepared on their connection (`preparedAs`); all others stay unnamed. */
describe('prepared statements', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('prepares a statement made with preparedAs on the connection, and no other', async () => {
    const prisma = t.app.get(PrismaService);
    // One transaction: one connection, whose prepared statements pg_prepared_statements lists.
    const { answers, prepared } = await prisma.$transaction(async (tx) => {
      const answers = [
        await tx.$queryRaw<{ n: number }[]>(preparedAs('probe_statement', Prisma.sql`SELECT ${1}::int AS n`)),
        await tx.$queryRaw<{ n: number }[]>(preparedAs('probe_statement', Prisma.sql`SELECT ${2}::int AS n`)),
        await tx.$queryRaw<{ n: number }[]>`SELECT ${3}::int AS n`,
      ];
      const prepared = await tx.$queryRaw<{ name: string; statement: string }[]>`SELECT name, statement FROM pg_prepared_statements`;
      return { answers, prepared };
    });
    expect(answers).toEqual([[{ n: 1 }], [{ n: 2 }], [{ n: 3 }]]);
    expect(prepared.map((statement) => statement.name)).toEqual(['probe_statement']);
    expect(prepared[0].statement).toMatch(/^\/\* prepared:probe_statement \*\/ SELECT \$1::int AS n$/);
  });

  it('names only statements that start with the marker', () => {
    expect(preparedStatementName({ sql: '/* prepared:check_in_read */ SELECT 1' })).toBe('check_in_read');
    expect(preparedStatementName({ sql: 'SELECT 1 /* prepared:check_in_read */' })).toBeUndefined();
    expect(preparedStatementName({ sql: '/* prepared:Bad-Name */ SELECT 1' })).toBeUndefined();
    expect(() => preparedAs('Bad-Name', Prisma.sql`SELECT 1`)).toThrow(/lowercase/);
  });
});

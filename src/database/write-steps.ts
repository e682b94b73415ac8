import { Prisma } from '../generated/prisma/client';
import type { TransactionClient } from './prisma.service';

/**
 * One data-modifying statement (INSERT, UPDATE or DELETE) that a module's repository contributes
 * to a write composed across modules; it runs as the CTE `name AS (sql)`. A later step of the
 * same module may read an earlier one's RETURNING by its name.
 */
export interface WriteStep {
  /** Unique within the composed statement: prefix it with the table it writes. */
  name: string;
  sql: Prisma.Sql;
}

const STEP_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Runs the steps as one statement, one round trip however many tables they write: on a hot path
 * each step otherwise costs a round trip on a connection held by a transaction. PostgreSQL runs
 * every step to completion, each seeing the data as it was before the statement, in no set order;
 * so no two steps may write the same rows, and a step sees another's writes only through its
 * RETURNING.
 */
export async function runWriteSteps(tx: TransactionClient, steps: readonly WriteStep[]): Promise<void> {
  if (steps.length === 0) return;
  const names = new Set<string>();
  for (const { name } of steps) {
    if (!STEP_NAME.test(name) || names.has(name)) throw new Error(`Write step name ${JSON.stringify(name)} is not a unique lower-case identifier`);
    names.add(name);
  }
  const ctes = steps.map((step) => Prisma.sql`${Prisma.raw(step.name)} AS (${step.sql})`);
  await tx.$executeRaw`WITH ${Prisma.join(ctes, ', ')} SELECT 1`;
}

import { Prisma } from '../generated/prisma/client';

/**
 * Server-side prepared statements, opted into one statement at a time. Without a name, Prisma's
 * pg adapter sends every statement unnamed, and PostgreSQL parses and plans it again each time:
 * for the check-in read that was two thirds of the database's CPU per statement (0.6 ms, against
 * 0.2 ms prepared, 40 devices per read). Naming every statement is not an option: pg keeps each
 * named statement on its connection for good, and statements built from filters or lists of
 * varying length would pile up without bound. So a statement opts in with {@link preparedAs}, and
 * only statements whose text never changes (the same placeholders whatever the values) may.
 */
const MARKER = /^\/\* prepared:([a-z_]+) \*\//;

/** The statement `sql`, sent under `name` as a prepared statement on each connection it runs on. */
export function preparedAs(name: string, sql: Prisma.Sql): Prisma.Sql {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`prepared statement names are lowercase words: ${name}`);
  return Prisma.sql`${Prisma.raw(`/* prepared:${name} */ `)}${sql}`;
}

/** The adapter's `statementNameGenerator`: a name for statements made with {@link preparedAs}, none for the rest. */
export function preparedStatementName(query: { sql: string }): string | undefined {
  return query.sql.startsWith('/* prepared:') ? MARKER.exec(query.sql)?.[1] : undefined;
}

import { NO_SCHEMA_FILTER, withSchemaEngine } from './schema-engine';

const EMPTY_MIGRATION = /^\s*-- This is an empty migration\.\s*$/;

/**
 * The SQL that turns a database shaped like `from` (or an empty one) into one shaped like `to`.
 * Returns an empty string when the two datamodels describe the same database. The diff itself
 * reads no tables, but the engine insists on a reachable database when it starts.
 *
 * Diffing against a live database is not possible here: the pg adapter cannot read PostgreSQL's
 * internal `"char"` catalog columns, so introspection fails; diffing two datamodels works.
 */
export async function diffDatamodels(databaseUrl: string, from: string | undefined, to: string): Promise<string> {
  const result = await withSchemaEngine(databaseUrl, to, (engine) =>
    engine.diff({
      from: from === undefined ? { tag: 'empty' } : { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: from }] },
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: to }] },
      script: true,
      exitCode: null,
      filters: NO_SCHEMA_FILTER,
    }),
  );
  const script = result.stdout ?? '';
  return EMPTY_MIGRATION.test(script) ? '' : script;
}

import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as engineBindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

// Node has WebAssembly, but @types/node does not declare it (it lives in TypeScript's DOM lib).
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

let instantiation: Promise<void> | undefined;

/**
 * Loads Prisma's schema engine compiled to WebAssembly. The package entry imports the `.wasm`
 * file as an ES module, which Node refuses, so the bytes are instantiated here by hand; the
 * native engine is not an option because it is downloaded at install time, which offline build
 * machines cannot do.
 */
function instantiateEngine(): Promise<void> {
  instantiation ??= (async () => {
    const wasmPath = join(dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
    const bytes = await readFile(wasmPath);
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': withUnrefTimers(engineBindings) });
    const exports = instance.exports as Record<string, unknown> & { __wbindgen_start(): void };
    engineBindings.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
  })();
  return instantiation;
}

/**
 * The engine arms 10-second timers around its queries and never clears them, which would keep
 * a finished CLI (or a test runner) alive for ten seconds. Its timers are unref'd instead: they
 * still fire, but no longer hold the process open.
 */
function withUnrefTimers(bindings: typeof engineBindings): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...bindings };
  for (const name of Object.keys(imports).filter((key) => key.startsWith('__wbg_setTimeout_'))) {
    imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
  }
  return imports;
}

/**
 * Runs `work` with a schema engine bound to `databaseUrl` through the same pg adapter the service
 * uses, then frees the engine and closes its connections (the adapter does not close a pool it
 * was given, and an open connection would, for one, keep a template database from being cloned).
 */
export async function withSchemaEngine<T>(
  databaseUrl: string,
  datamodel: string,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  await instantiateEngine();
  const pool = new Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An idle connection dropped by the server is an 'error' event on the pool; unheard, it would
  // crash the process. The query that needs the connection reports the failure instead.
  pool.on('error', () => undefined);
  try {
    const adapter = bindMigrationAwareSqlAdapterFactory(new WholeScriptPg(pool));
    const ignoreEngineLog = (): void => undefined;
    const engine = await engineBindings.SchemaEngine.new({ datamodels: [['schema.prisma', datamodel]] }, ignoreEngineLog, adapter);
    try {
      return await work(engine);
    } finally {
      engine.free();
    }
  } finally {
    await pool.end();
  }
}

/**
 * Prisma's pg adapter runs a migration script by splitting it at every `;`, which cuts a function
 * body (`$$ … ; … $$`) apart, and a comment or string holding one. PostgreSQL runs a whole script
 * itself, as one simple-protocol query in one implicit transaction, so a migration also applies
 * whole or not at all.
 */
class WholeScriptPg extends PrismaPg {
  override async connect(): ReturnType<PrismaPg['connect']> {
    const adapter = await super.connect();
    // The adapter's own connection and error mapping (driver errors become the adapter errors the engine reports).
    const internals = adapter as unknown as { client: Pool; onError(error: unknown): never };
    adapter.executeScript = async (script: string) => {
      try {
        await internals.client.query(script);
      } catch (error) {
        internals.onError(error);
      }
    };
    return adapter;
  }
}

/** An unreachable database fails a migration run instead of leaving it hanging on TCP. */
export const CONNECT_TIMEOUT_MS = 10_000;

export const NO_SCHEMA_FILTER = { externalTables: [], externalEnums: [] };

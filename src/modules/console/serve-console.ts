import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ErrorCode } from '../../common/errors/error-codes';
import { NotFoundError } from '../../common/errors/domain-error';

export const CONSOLE_PATH = '/console';

/**
 * The console's routes. They serve the app's static files only, no data: they are registered on
 * Fastify outside the API and its guard, and answer without credentials (the app then signs in
 * through the API like any client).
 */
const INDEX_ROUTES = [CONSOLE_PATH, `${CONSOLE_PATH}/`, `${CONSOLE_PATH}/*`];
const ASSETS_PREFIX = `${CONSOLE_PATH}/assets/`;
export const CONSOLE_ROUTES: readonly string[] = [...INDEX_ROUTES, `${ASSETS_PREFIX}*`];

/**
 * The console talks to this origin only (the public API, its event streams) and runs no inline
 * script or style: anything injected into a page cannot run or phone home.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Vite names every asset by its content hash, so a cached copy can never be stale. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the operator console (a single-page app built by Vite into `directory`): hashed assets
 * under `/console/assets/` cached for a year, and `index.html`, revalidated on every load, for
 * `/console` and every client-side route below it. Without a build it answers 404 saying so.
 */
export async function registerConsole(fastify: FastifyInstance, directory: string): Promise<void> {
  const indexFile = join(directory, 'index.html');

  await fastify.register(fastifyStatic, {
    root: join(directory, 'assets'),
    prefix: ASSETS_PREFIX,
    index: false,
    wildcard: true,
    cacheControl: false,
    etag: true,
    setHeaders: (response) => {
      response.header('cache-control', IMMUTABLE);
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.header(name, value);
    },
  });

  // Read on each load (a few hundred bytes, loaded once per visit): a rebuild is picked up without
  // a restart, and its index never points at assets that are gone.
  const sendIndex = async (_request: unknown, reply: FastifyReply): Promise<Buffer> => {
    const index = await readFile(indexFile).catch(() => undefined);
    if (index === undefined) {
      throw new NotFoundError(ErrorCode.ConsoleNotBuilt, `The console is not built: run "npm run build" (looked in ${directory})`);
    }
    return reply.headers({ ...SECURITY_HEADERS, 'cache-control': 'no-cache', 'content-type': 'text/html; charset=utf-8' }).send(index);
  };
  // Client-side routes (/console/campaigns/…) load the app, which then shows the right page.
  for (const route of INDEX_ROUTES) fastify.get(route, sendIndex);
}

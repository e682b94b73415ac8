import createClient from 'openapi-fetch';
import type { OtaClient, paths } from '../../clients/typescript';
import type { TestApp } from './test-app';

/**
 * The typed client of `clients/typescript` (what other services and the console use), talking to
 * an in-process test app through Fastify's inject instead of a socket: the tests' helpers call
 * the operator API the way its clients do, and a change of the API that breaks them fails to compile.
 */
export function typedClient(t: TestApp, headers: Record<string, string>): OtaClient {
  return createClient<paths>({ baseUrl: 'http://ota.test', headers, fetch: (request) => injectFetch(t, request) });
}

async function injectFetch(t: TestApp, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
  const res = await t.request({
    method: request.method as 'GET',
    url: `${url.pathname}${url.search}`,
    headers: Object.fromEntries(request.headers.entries()),
    ...(body === undefined ? {} : { payload: body }),
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
  }
  // A body on a 204 or 304 is not allowed by Response.
  return new Response([204, 304].includes(res.statusCode) ? null : res.rawPayload, { status: res.statusCode, headers });
}

/** The data of a typed call, or an error with the status and body, failing the test. */
export async function expectData<T>(what: string, call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (data === undefined || !response.ok) throw new Error(`${what} answered ${response.status}: ${JSON.stringify(error)}`);
  return data;
}

import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { vi } from 'vitest';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import type { OtaClient } from '../../../../clients/typescript';
import type { Session } from '../../api/session';
import { SessionContext } from '../../api/session-context';

/** One answer of the fake client, shaped like openapi-fetch's. */
export function answer(status: number, body: unknown) {
  const ok = status < 400;
  return { data: ok ? body : undefined, error: ok ? undefined : body, response: new Response(null, { status }) };
}

type Answer = ReturnType<typeof answer>;
type Handler = (path: string, options: { body?: unknown; params?: { query?: Record<string, unknown> }; signal?: AbortSignal }) => Answer | Promise<Answer>;

/** A stand-in for `session.client` (component tests only): every call is recorded and answered by `handler`. */
export function fakeClient(handler: Handler) {
  const call = vi.fn(async (path: string, options: Parameters<Handler>[1] = {}) => handler(path, options));
  return { GET: call, POST: call, calls: call };
}

/** What a {@link routedClient} route is called with, and answers. */
export type RouteInit = { params?: { path?: Record<string, string>; query?: Record<string, unknown> } };
export type RouteReply = { status: number; body?: unknown };

/**
 * A stand-in for `session.client` answering per `"METHOD path"` (the schema's path, e.g.
 * `"GET /api/v1/devices/{device_id}"`) and recording every call; an unknown route is a 404.
 */
export function routedClient(routes: Record<string, (init: RouteInit) => RouteReply>) {
  const calls: { method: string; path: string; init: RouteInit }[] = [];
  const call = (method: string) => async (path: string, init: RouteInit = {}) => {
    calls.push({ method, path, init });
    const reply = routes[`${method} ${path}`]?.(init) ?? { status: 404, body: { detail: `No fake for ${method} ${path}`, code: 'test/no_route' } };
    return answer(reply.status, reply.body);
  };
  return { client: { GET: call('GET'), POST: call('POST'), DELETE: call('DELETE') } as unknown as OtaClient, calls };
}

export function sessionWith(client: ReturnType<typeof fakeClient> | OtaClient, canWrite = true): Session {
  return {
    credentials: { bearer: 'test' },
    principal: { kind: 'user', roles: [canWrite ? 'operator' : 'viewer'], id: 'tester', organization_id: 'default', email: null, expires_at: null },
    client: client as unknown as OtaClient,
    canWrite,
    authorization: { authorization: 'Bearer test' },
  };
}

/** Renders `page` signed in, at `path` of an in-memory router that records where it went. */
export function renderPage(page: ReactNode, session: Session, path = '/') {
  const [pathname, search = ''] = path.split('?');
  const location = memoryLocation({ path: pathname, searchPath: search, record: true });
  const view = render(
    <SessionContext.Provider value={{ session, signOut: () => undefined }}>
      <Router hook={location.hook} searchHook={location.searchHook}>
        {page}
      </Router>
    </SessionContext.Provider>,
  );
  return { ...view, history: location.history };
}

import { Controller, Get, type INestApplication, Module, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { APP_FILTER, APP_GUARD, DiscoveryModule, DiscoveryService, MetadataScanner, NestFactory, Reflector } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { HTTPMethods } from 'fastify';
import { Auth, DEVICE_AUTH_KEY, IS_PUBLIC_KEY, Public, REQUIRED_ROLES_KEY } from '../../src/common/auth/auth.decorators';
import { AuthenticationGuard } from '../../src/common/auth/authentication.guard';
import { AllExceptionsFilter } from '../../src/common/errors/all-exceptions.filter';
import { CONSOLE_ROUTES } from '../../src/modules/console/serve-console';
import { DEVICE_API_FAST_ROUTES } from '../../src/modules/device-api/device-api.fast-routes';
import { type CatalogRoute, RouteCatalog } from '../../src/modules/stats/route-catalog';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';

type Access = 'public' | 'protected' | 'unmarked' | 'ambiguous';

interface DiscoveredHandler {
  name: string;
  method: string;
  /** Path as declared (controller path + handler path), without the global prefix. */
  path: string;
  access: Access;
}

const GLOBAL_PREFIX = '/api/v1';
const LEGACY_PREFIX = '/api/v1/ota';
/** Dummy path parameter: shaped like the ids the API uses, so it reaches as far as possible. */
const DUMMY_ID = '00000000-0000-4000-8000-000000000000';

function asList(value: unknown): string[] {
  if (value === undefined) return [''];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

function normalize(path: string): string {
  const joined = `/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

/**
 * How a handler is marked: the most specific level (handler, then controller) that carries a
 * marker decides; both markers on the same level are ambiguous, none anywhere is unmarked.
 * `@Auth(...)` and `@DeviceAuth()` both protect.
 */
function accessOf(reflector: Reflector, handler: Function, controller: Function): Access {
  for (const target of [handler, controller]) {
    const roles = reflector.get<unknown[] | undefined>(REQUIRED_ROLES_KEY, target);
    const isPublic = reflector.get<boolean | undefined>(IS_PUBLIC_KEY, target) === true;
    const deviceParam = reflector.get<string | undefined>(DEVICE_AUTH_KEY, target);
    const hasRoles = (Array.isArray(roles) && roles.length > 0) || typeof deviceParam === 'string';
    if (hasRoles && isPublic) return 'ambiguous';
    if (hasRoles) return 'protected';
    if (isPublic) return 'public';
  }
  return 'unmarked';
}

/** Every request handler of every controller the application registered. */
function discoverHandlers(app: INestApplication): DiscoveredHandler[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const handlers: DiscoveredHandler[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as Function | null;
    const instance = wrapper.instance as object | undefined;
    if (!controller || !instance) continue;
    const prototype = Object.getPrototypeOf(instance) as Record<string, Function>;
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[methodName];
      const handlerPath = Reflect.getMetadata(PATH_METADATA, handler) as unknown;
      if (handlerPath === undefined) continue;
      const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
      for (const base of asList(Reflect.getMetadata(PATH_METADATA, controller))) {
        for (const own of asList(handlerPath)) {
          handlers.push({
            name: `${controller.name}.${methodName}`,
            method: RequestMethod[requestMethod],
            path: normalize(`${base}/${own}`),
            access: accessOf(reflector, handler, controller),
          });
        }
      }
    }
  }
  return handlers;
}

/** The device API's fast routes: served by Fastify outside Nest's router, behind the same guard. */
function fastRouteHandlers(): DiscoveredHandler[] {
  return Object.entries(DEVICE_API_FAST_ROUTES).map(([name, route]) => ({
    name: `DeviceApiFastRoutes.${name}`,
    method: route.method,
    path: normalize(route.path),
    access: 'protected',
  }));
}

/** The served route of a handler: under the global prefix, or outside it for excluded paths. */
function servedRoute(handler: DiscoveredHandler, routes: readonly CatalogRoute[]): CatalogRoute[] {
  const candidates = new Set([handler.path, normalize(`${GLOBAL_PREFIX}/${handler.path}`)]);
  return routes.filter((route) => route.method === handler.method && candidates.has(normalize(route.url)));
}

function fillParams(url: string): string {
  return url.replace(/:[A-Za-z0-9_]+(\([^)]*\))?/g, DUMMY_ID).replace(/\*/g, 'x');
}

function requestFor(route: CatalogRoute, url = fillParams(route.url)) {
  const withBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
  return { method: route.method as HTTPMethods, url, ...(withBody ? { payload: {} } : {}) };
}

describe('route walk: every route is public or protected, and the guard enforces it', () => {
  let t: TestApp;
  let handlers: DiscoveredHandler[];
  let routes: readonly CatalogRoute[];

  beforeAll(async () => {
    t = await createTestApp();
    handlers = [...discoverHandlers(t.app), ...fastRouteHandlers()];
    routes = t.app.get(RouteCatalog).list();
  });
  afterAll(() => t.close());

  it('discovers handlers and routes of both kinds (the walk is not empty)', () => {
    expect(handlers.filter((h) => h.access === 'protected').length).toBeGreaterThan(0);
    expect(handlers.filter((h) => h.access === 'public').length).toBeGreaterThan(0);
    expect(routes.length).toBeGreaterThanOrEqual(handlers.length);
  });

  it('finds no handler that is neither @Public() nor @Auth(...), nor one that is both', () => {
    const offenders = handlers.filter((h) => h.access === 'unmarked' || h.access === 'ambiguous').map((h) => `${h.name} (${h.access})`);
    expect(offenders).toEqual([]);
  });

  it('serves every handler at exactly one route, and no route that no controller declares', () => {
    const unserved = handlers.filter((h) => servedRoute(h, routes).length !== 1).map((h) => `${h.method} ${h.path} (${h.name})`);
    expect(unserved).toEqual([]);
    const declared = new Set(handlers.flatMap((h) => servedRoute(h, routes)));
    const undeclared = routes
      .filter((route) => !declared.has(route) && !(route.method === 'GET' && CONSOLE_ROUTES.includes(route.url)))
      .map((route) => `${route.method} ${route.url}`);
    // A route registered straight on Fastify would bypass the global guard, unless it is one of
    // the device API's fast routes, which call it themselves (and are walked like the others), or
    // one of the console's static files, which hold no data (console-hosting.e2e-spec.ts).
    expect(undeclared).toEqual([]);
  });

  it('answers 401 on every protected route without credentials, and the guard never refuses a public one', async () => {
    const wrong: string[] = [];
    for (const handler of handlers) {
      for (const route of servedRoute(handler, routes)) {
        const res = await t.request(requestFor(route));
        const label = `${route.method} ${route.url} [${handler.access}] -> ${res.statusCode}`;
        if (handler.access === 'protected' && (res.statusCode !== 401 || res.json().code !== 'auth/unauthenticated')) wrong.push(label);
        // A public route may refuse bad input of its own (a download token, say); the guard may not.
        const refusedByGuard = [401, 403].includes(res.statusCode) && String(res.json().code).startsWith('auth/');
        if (handler.access === 'public' && (refusedByGuard || res.statusCode === 500)) wrong.push(label);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers the same under the legacy /api/v1/ota prefix', async () => {
    const wrong: string[] = [];
    for (const handler of handlers) {
      for (const route of servedRoute(handler, routes).filter((r) => r.url.startsWith(`${GLOBAL_PREFIX}/`))) {
        const legacyUrl = fillParams(route.url).replace(GLOBAL_PREFIX, LEGACY_PREFIX);
        const [current, legacy] = [await t.request(requestFor(route)), await t.request(requestFor(route, legacyUrl))];
        if (current.statusCode !== legacy.statusCode) wrong.push(`${route.method} ${legacyUrl}: ${legacy.statusCode} vs ${current.statusCode}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lets valid admin credentials past the guard on every protected route (the 401 is about credentials)', async () => {
    const admin = bearer(await hs256Token({ role: 'admin', organization_id: 'org-walk' }));
    const wrong: string[] = [];
    for (const handler of handlers.filter((h) => h.access === 'protected')) {
      for (const route of servedRoute(handler, routes)) {
        const res = await t.request({ ...requestFor(route), headers: admin });
        if (res.statusCode === 401 || res.statusCode === 500) wrong.push(`${route.method} ${route.url} -> ${res.statusCode}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('how the guard reads the markers', () => {
  @Public()
  @Controller('open')
  class OpenController {
    @Get()
    open(): string {
      return 'open';
    }

    @Auth('viewer')
    @Get('locked')
    locked(): string {
      return 'locked';
    }
  }

  @Auth('viewer')
  @Controller('closed')
  class ClosedController {
    @Get()
    closed(): string {
      return 'closed';
    }

    @Public()
    @Get('opened')
    opened(): string {
      return 'opened';
    }
  }

  @Controller('bare')
  class UnmarkedController {
    @Get()
    bare(): string {
      return 'bare';
    }
  }

  @Module({
    imports: [DiscoveryModule],
    controllers: [OpenController, ClosedController, UnmarkedController],
    providers: [
      { provide: APP_GUARD, useClass: AuthenticationGuard },
      { provide: APP_FILTER, useClass: AllExceptionsFilter },
    ],
  })
  class MarkersModule {}

  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(MarkersModule, new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  it.each([
    ['/open', 200],
    ['/open/locked', 401],
    ['/closed', 401],
    ['/closed/opened', 200],
    ['/bare', 401],
  ])('GET %s answers %i: the handler-level marker overrides the controller-level one, unmarked is protected', async (url, status) => {
    expect((await app.inject({ method: 'GET', url })).statusCode).toBe(status);
  });

  it('classifies these handlers as the walk above does, so it would report the unmarked one', () => {
    const access = Object.fromEntries(discoverHandlers(app).map((h) => [h.path, h.access]));
    expect(access).toEqual({
      '/open': 'public',
      '/open/locked': 'protected',
      '/closed': 'protected',
      '/closed/opened': 'public',
      '/bare': 'unmarked',
    });
  });
});

import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { API_PREFIX } from '../common/http/api-prefix';
import { onDevicePool } from './database-pools';

/** Routes devices call: the device API (check-ins, reports, registration) and signed firmware downloads. */
const DEVICE_ROUTE_PREFIXES = [`/${API_PREFIX}/device-api/`, `/${API_PREFIX}/downloads/`];

function isDevicePath(path: string): boolean {
  return DEVICE_ROUTE_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/**
 * Serves the device routes from the device pool: a hook runs their handlers (everything after
 * the body is parsed: authentication, reads, writes) inside {@link onDevicePool}. A hook rather
 * than code in each route, so a route added under these prefixes is covered without remembering.
 * It looks at the request's path (after the legacy prefix is rewritten), which starts as its
 * route does, rather than at `request.routeOptions`, which Fastify builds anew on every read.
 */
@Injectable()
export class DeviceTrafficRouting implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    // An application context without HTTP (a CLI command, a test module) has no adapter.
    const adapter = this.adapterHost.httpAdapter as HttpAdapterHost['httpAdapter'] | null | undefined;
    if (!adapter) return;
    adapter.getInstance<FastifyInstance>().addHook('preHandler', (request, _reply, done) => {
      if (isDevicePath(request.url)) onDevicePool(done);
      else done();
    });
  }
}

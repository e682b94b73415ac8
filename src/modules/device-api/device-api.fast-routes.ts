import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { OperationObject, SecurityRequirementObject } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireOrganization } from '../../common/auth/auth.decorators';
import { AuthenticationGuard } from '../../common/auth/authentication.guard';
import { API_PREFIX } from '../../common/http/api-prefix';
import { DEVICE_LIMITS } from '../devices/device-input';
import { DeviceApiService } from './device-api.service';
import { checkedCheckIn, checkedDeviceId, checkedStatusReport, checkedUpdateParams } from './fast-input';

/** The routes Fastify serves here, outside Nest's router (the route-walk test walks them too). */
export const DEVICE_API_FAST_ROUTES = {
  checkIn: { method: 'POST', path: 'device-api/devices/:device_id/check-in' },
  reportStatus: { method: 'POST', path: 'device-api/devices/:device_id/updates/:update_id/status' },
} as const;

/**
 * The device API's hot routes, the check-in and the status report, served by Fastify directly
 * rather than through Nest's router: a fleet calls them all day, and Nest's per-request pipeline
 * (guard and pipe lookups, class-validator, parameter decorators) costs more than a check-in
 * itself. They keep the rules of the other routes: the global guard's authenticators and 401/403
 * answers (`AuthenticationGuard.authenticateForDevice`), the DTOs' validation (`fast-input.ts`),
 * and errors through the global exception filter (Nest's Fastify error handler). Their OpenAPI
 * entries are {@link DEVICE_API_FAST_ROUTE_DOCS}.
 */
@Injectable()
export class DeviceApiFastRoutes implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly guard: AuthenticationGuard,
    private readonly deviceApi: DeviceApiService,
  ) {}

  onModuleInit(): void {
    // An application context without HTTP (a CLI command, a test module) has no adapter.
    const adapter = this.adapterHost.httpAdapter as HttpAdapterHost['httpAdapter'] | undefined;
    if (adapter === undefined) return;
    const fastify = adapter.getInstance<FastifyInstance>();
    const { checkIn, reportStatus } = DEVICE_API_FAST_ROUTES;
    // Without a request-scoped logger (see registerRequestLogContext): nothing here logs per request.
    const config = { requestLogContext: false };
    fastify.route({ method: checkIn.method, url: `/${API_PREFIX}/${checkIn.path}`, config, handler: (request, reply) => this.checkIn(request, reply) });
    fastify.route({ method: reportStatus.method, url: `/${API_PREFIX}/${reportStatus.path}`, config, handler: (request, reply) => this.reportStatus(request, reply) });
  }

  private async checkIn(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const organizationId = await this.authenticate(request, reply);
    const deviceId = await checkedDeviceId(request.params);
    const body = await checkedCheckIn(request.body);
    const ifNoneMatch = request.headers['if-none-match'];
    const answer = await this.deviceApi.checkIn(organizationId, deviceId, body, ifNoneMatch);
    void reply.header('etag', answer.etag).header('cache-control', 'no-cache');
    if (answer.notModified) return reply.status(304).send();
    return reply.status(200).header('content-type', 'application/json; charset=utf-8').send(answer.json);
  }

  private async reportStatus(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const organizationId = await this.authenticate(request, reply);
    const params = await checkedUpdateParams(request.params);
    const body = await checkedStatusReport(request.body);
    const update = await this.deviceApi.reportStatus(organizationId, params.device_id, params.update_id, body);
    return reply.status(200).send(update);
  }

  /**
   * What `@DeviceAuth()` and `@CurrentOrganization()` do for Nest routes: the caller may act for
   * the path's device (401/403 otherwise, before any input is checked, as on Nest routes); its
   * organization.
   */
  private async authenticate(request: FastifyRequest, reply: FastifyReply): Promise<string> {
    const principal = await this.guard.authenticateForDevice(request, reply, (request.params as { device_id?: string }).device_id);
    return requireOrganization(principal);
  }
}

const ERROR_BODY = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } };
const DEVICE_ID_PARAMETER = {
  name: 'device_id',
  required: true,
  in: 'path',
  description: "The device's id (URL-encode characters such as `/`).",
  schema: { minLength: 1, maxLength: DEVICE_LIMITS.deviceIdMaxLength, type: 'string' },
} as const;
const DEVICE_AUTH_RESPONSES = {
  '401': { description: 'Missing or invalid device token or API key', content: ERROR_BODY },
  '403': {
    description: "Not this device: another device's token, or credentials that are neither a device token nor a device_gateway API key",
    content: ERROR_BODY,
  },
};
const DEVICE_SECURITY: SecurityRequirementObject[] = [{ device: [] }, { api_key: [] }];

/**
 * OpenAPI operations of the fast routes, by path, merged into the generated document (Nest's
 * Swagger module only sees controllers). The schemas they name are registered on the controller
 * with `@ApiExtraModels`.
 */
export const DEVICE_API_FAST_ROUTE_DOCS: Record<string, { post: OperationObject }> = {
  '/api/v1/device-api/devices/{device_id}/check-in': {
    post: {
      operationId: 'checkInDevice',
      tags: ['device-api'],
      summary:
        "The device's periodic check-in: records that it was seen and the firmware it runs, and\n" +
        'answers its released, unfinished update (null when there is none) with a download link and\n' +
        'when to check in next. Send the `ETag` of the last answer in `If-None-Match`: 304 (no body)\n' +
        'while nothing changed. The link is stable for half its lifetime, then a new one is handed out.',
      parameters: [
        DEVICE_ID_PARAMETER,
        {
          name: 'If-None-Match',
          required: false,
          in: 'header',
          description: 'The `ETag` of the last answer: 304 while it is still the answer',
          schema: { type: 'string' },
        },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/DeviceCheckInDto' } } } },
      responses: {
        '200': {
          description: 'The released update to work on (or null) and when to check in next',
          headers: { ETag: { description: 'Strong validator of this answer, for `If-None-Match`', schema: { type: 'string' } } },
          content: { 'application/json': { schema: { $ref: '#/components/schemas/DeviceCheckInResponseDto' } } },
        },
        '304': { description: 'Same answer as the one with the ETag sent in `If-None-Match`; no body' },
        ...DEVICE_AUTH_RESPONSES,
      },
      security: DEVICE_SECURITY,
    },
  },
  '/api/v1/device-api/devices/{device_id}/updates/{update_id}/status': {
    post: {
      operationId: 'reportDeviceUpdateStatus',
      tags: ['device-api'],
      summary:
        'The device reports the phase of one of its updates (and progress within it). Phases may be\n' +
        'skipped, never gone back; repeating the current phase updates progress (written at most once\n' +
        "a second); `completed` records the device's new version (another version than the update's\n" +
        'fails it with `version_mismatch`).',
      parameters: [
        DEVICE_ID_PARAMETER,
        { name: 'update_id', required: true, in: 'path', description: '32 lowercase hex characters.', schema: { pattern: '^[0-9a-f]{32}$', type: 'string' } },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/DeviceStatusReportDto' } } } },
      responses: {
        '200': { description: 'The update after the report', content: { 'application/json': { schema: { $ref: '#/components/schemas/UpdateResponseDto' } } } },
        ...DEVICE_AUTH_RESPONSES,
        '404': { description: 'No such update for this device (`update/not_found`)', content: ERROR_BODY },
        '409': {
          description: 'The update is finished (`update/terminal`) or the phase goes back (`update/invalid_transition`)',
          content: ERROR_BODY,
        },
      },
      security: DEVICE_SECURITY,
    },
  },
};

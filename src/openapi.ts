import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { SERVICE_VERSION } from './config';
import { DEVICE_API_FAST_ROUTE_DOCS } from './modules/device-api/device-api.fast-routes';

const DESCRIPTION = `Over-the-air firmware update service: firmware, devices, campaigns and safe rollouts.

Authenticate with one of:
- \`Authorization: Bearer <jwt>\` (HS256 shared secret or RS256/ES256 via JWKS; in development,
  get one from \`POST /api/v1/auth/dev-token\`),
- \`X-API-Key: <key>\` (created by an admin, scoped to an organization and a role),
- \`X-Internal-Service: true\` with \`X-Internal-Service-Secret\` for service-to-service calls,
- \`Authorization: Device <device_token>\` on the device API (\`/api/v1/device-api/...\`): a device
  acts for itself only; an API key with the role \`device_gateway\` acts for any device of its
  organization there.

Every route is also served under the \`/api/v1/ota\` prefix. Errors are
\`{"detail", "code", "request_id"}\`, with \`errors: [{loc, msg, type}]\` on 422.`;

/** The OpenAPI document of the running code. `npm run openapi` writes it to `openapi/openapi.json`. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('OTA Update Service')
    .setDescription(DESCRIPTION)
    .setVersion(SERVICE_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api_key')
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-Internal-Service-Secret', description: 'Send with `X-Internal-Service: true`' },
      'internal_service',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'Authorization',
        description:
          'Send `Authorization: Device <device_token>`. The token is issued when a device is registered ' +
          '(`POST /api/v1/devices`) or rotated (`POST /api/v1/devices/{device_id}/token`); it identifies one device.',
      },
      'device',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    // Method names are unique verbs (`createApiKey`), which read well in generated clients.
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
  Object.assign(document.paths, DEVICE_API_FAST_ROUTE_DOCS);
  return withInputErrorResponses(document);
}

const ERROR_BODY = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } };

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } };
const RATE_LIMITED = {
  description: 'Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers',
  headers: RETRY_AFTER,
  content: ERROR_BODY,
};
const UNAVAILABLE = {
  description: 'The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down',
  headers: RETRY_AFTER,
  content: ERROR_BODY,
};

/**
 * Every operation that takes input can answer 422 (invalid fields), and every one with a body
 * can answer 400 (malformed body) and 413; every API operation can answer 429 (rate limits) and
 * 503; documenting that once here keeps controllers thin.
 */
function withInputErrorResponses(document: OpenAPIObject): OpenAPIObject {
  for (const [path, pathItem] of Object.entries(document.paths)) {
    for (const operation of [pathItem.get, pathItem.post, pathItem.put, pathItem.patch, pathItem.delete]) {
      if (!operation) continue;
      const takesInput = (operation.parameters?.length ?? 0) > 0 || operation.requestBody !== undefined;
      if (takesInput) operation.responses['422'] ??= { description: 'Invalid input; `errors` lists each field', content: ERROR_BODY };
      if (operation.requestBody !== undefined) {
        operation.responses['400'] ??= { description: 'Malformed body', content: ERROR_BODY };
        operation.responses['413'] ??= { description: 'Body too large', content: ERROR_BODY };
      }
      // Health probes and metrics scrapes are exempt from rate limits.
      if (path.startsWith('/api/')) operation.responses['429'] ??= RATE_LIMITED;
      operation.responses['503'] ??= UNAVAILABLE;
    }
  }
  return document;
}

/** Where the documentation is served; these routes describe the API but are not part of it. */
export const DOCS_PATH = 'docs';

/** Swagger UI at `/docs`, the JSON document at `/docs-json`, YAML at `/docs-yaml`. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    yamlDocumentUrl: `${DOCS_PATH}-yaml`,
  });
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { generateOpenApiDocument, serializeOpenApiDocument } from '../../src/openapi-generator';
import { createTestApp, type TestApp } from '../utils/test-app';

const COMMITTED = join(__dirname, '..', '..', 'openapi', 'openapi.json');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type PathItem = OpenAPIObject['paths'][string];
type OperationObject = NonNullable<PathItem['get']>;

function operations(document: OpenAPIObject): { path: string; method: string; operation: OperationObject }[] {
  return Object.entries(document.paths).flatMap(([path, item]: [string, PathItem]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ path, method, operation: item[method] as OperationObject })),
  );
}

describe('OpenAPI document', () => {
  let generated: OpenAPIObject;

  beforeAll(async () => {
    generated = await generateOpenApiDocument();
  });

  it('matches the committed openapi/openapi.json (run `npm run openapi` after changing the API)', () => {
    expect(serializeOpenApiDocument(generated)).toBe(readFileSync(COMMITTED, 'utf8'));
  });

  it('gives every operation a unique operationId, a summary, a tag and a success response', () => {
    const all = operations(generated);
    expect(all.length).toBeGreaterThan(5);
    const ids = all.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, operation } of all) {
      const where = `${method.toUpperCase()} ${path}`;
      expect([where, operation.summary?.length ?? 0]).not.toEqual([where, 0]);
      expect([where, operation.tags?.length ?? 0]).not.toEqual([where, 0]);
      expect([where, Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status))]).toEqual([where, true]);
    }
  });

  it('documents credentials and the 401/403 answers on every protected operation', () => {
    const publicPaths = ['/health', '/health/detailed', '/metrics', '/api/v1/service/stats', '/api/v1/auth/dev-token', '/api/v1/downloads/{token}'];
    for (const { path, method, operation } of operations(generated)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (publicPaths.includes(path)) {
        expect([where, operation.security]).toEqual([where, undefined]);
        continue;
      }
      // Device routes (`@DeviceAuth()`) take a device token or a device_gateway API key.
      const credentials = path.startsWith('/api/v1/device-api/')
        ? [{ device: [] }, { api_key: [] }]
        : [{ bearer: [] }, { api_key: [] }, { internal_service: [] }];
      expect([where, operation.security]).toEqual([where, credentials]);
      expect([where, '401' in operation.responses && '403' in operation.responses]).toEqual([where, true]);
    }
  });

  it('documents 422 with the error body on operations that take input', () => {
    const withInput = operations(generated).filter(({ operation }) => operation.requestBody || operation.parameters?.length);
    expect(withInput.length).toBeGreaterThan(0);
    for (const { operation } of withInput) {
      expect(operation.responses['422']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } } });
    }
  });

  describe('as served', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('GET /docs-json is the same document the running app was built from', async () => {
      const res = await t.request({ method: 'GET', url: '/docs-json' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(generated);
    });
  });
});

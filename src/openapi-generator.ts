import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { configureRoutes, createFastifyAdapter } from './app.setup';
import { loadConfig } from './config';
import { buildOpenApiDocument } from './openapi';

/**
 * The OpenAPI document of the code, built without running it: the app is created in preview
 * mode (no providers instantiated, so no database), with the same routing as the real one.
 * `npm run openapi` writes it; a test compares it with the committed file.
 */
export async function generateOpenApiDocument(): Promise<OpenAPIObject> {
  const config = loadConfig({ NODE_ENV: 'development' });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createFastifyAdapter(config), {
    preview: true,
    logger: false,
  });
  try {
    configureRoutes(app);
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

/** Stable formatting, so the committed file only changes when the API does. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { generateOpenApiDocument, serializeOpenApiDocument } from '../openapi-generator';
import { runCommand } from './run-command';

const OPENAPI_FILE = join(resolve(__dirname, '..', '..'), 'openapi', 'openapi.json');

/** `npm run openapi`: writes `openapi/openapi.json` from the compiled code. */
runCommand('openapi', async () => {
  await mkdir(join(OPENAPI_FILE, '..'), { recursive: true });
  await writeFile(OPENAPI_FILE, serializeOpenApiDocument(await generateOpenApiDocument()));
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
});

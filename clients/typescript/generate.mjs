// Generates schema.d.ts (the API's paths and components as TypeScript types) from
// openapi/openapi.json with openapi-typescript. `node generate.mjs` writes it; `--check [file]`
// exits 1 when the file (schema.d.ts by default) differs from what the document generates (the
// drift test runs that).
import { readFile, writeFile } from 'node:fs/promises';
import openapiTS, { astToString } from 'openapi-typescript';

const DOCUMENT = new URL('../../openapi/openapi.json', import.meta.url);
const SCHEMA = new URL('./schema.d.ts', import.meta.url);
const BANNER = '/**\n * Generated from openapi/openapi.json by `npm run client:generate` (openapi-typescript). Do not edit.\n */\n\n';

async function generate() {
  const document = JSON.parse(await readFile(DOCUMENT, 'utf8'));
  // A property with a default is optional to send (openapi-typescript would make it required).
  return BANNER + astToString(await openapiTS(document, { defaultNonNullable: false }));
}

const generated = await generate();
const check = process.argv.indexOf('--check');
if (check !== -1) {
  const current = await readFile(process.argv[check + 1] ?? SCHEMA, 'utf8').catch(() => '');
  if (current !== generated) {
    console.error('clients/typescript/schema.d.ts is stale: run `npm run client:generate`');
    process.exit(1);
  }
  console.log('clients/typescript/schema.d.ts matches openapi/openapi.json');
} else {
  await writeFile(SCHEMA, generated);
  console.log('wrote clients/typescript/schema.d.ts');
}

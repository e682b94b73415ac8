import { defineConfig } from 'prisma/config';

// Prisma 7 reads its settings from here. Only `prisma generate` uses this file: migrations are
// created and applied by our own WebAssembly-engine runner (src/database/migrations/), because the
// native schema engine cannot be downloaded on offline build machines.
export default defineConfig({
  schema: 'prisma/schema.prisma',
});

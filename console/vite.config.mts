/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The operator console: a single-page app served by the service at /console (see
 * src/modules/console/serve-console.ts). `npm run build` writes it to dist/console; assets are
 * named by content hash, which is what lets the service cache them for a year.
 */
export default defineConfig({
  root: here('.'),
  base: '/console/',
  // React's automatic JSX runtime through Vite's own transform; no plugin needed for a build.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: here('../dist/console'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // No inline assets: the CSP allows scripts, styles and images from the service's origin only.
    assetsInlineLimit: 0,
    sourcemap: true,
  },
  // `npm run console:dev`: the console with hot reload, the API of a service running on :8240.
  server: { proxy: { '/api': 'http://localhost:8240' } },
  test: {
    root: here('.'),
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: [here('src/test-setup.ts')],
  },
});

/**
 * Tests run through ts-jest with the same @nestjs/swagger plugin as `nest build`, so the OpenAPI
 * document seen by tests is the one the service serves. Nest 12 is ESM: Jest loads it through
 * require(esm), which needs `--experimental-vm-modules` (the `test` script passes it).
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testRegex: '\\.(spec|e2e-spec)\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        tsconfig: '<rootDir>/tsconfig.json',
        // Node16/NodeNext module kinds warn without isolatedModules; the output is correct.
        diagnostics: { ignoreCodes: [151002] },
        astTransformers: { before: ['<rootDir>/test/utils/swagger-plugin.cjs'] },
      },
    ],
  },
  globalSetup: '<rootDir>/test/utils/global-setup.ts',
  globalTeardown: '<rootDir>/test/utils/global-teardown.ts',
  testTimeout: 60_000,
  // On a 2-core machine Jest would run every suite in its own process, one after the other, and
  // that process's heap only grows (the Nest apps, ts-jest's compiled programs) until it passed 4 GB.
  // With a limit Jest runs suites in a worker and replaces it once it holds more than this after a suite.
  workerIdleMemoryLimit: '2GB',
};

// Jest runs natively as ESM (node --experimental-vm-modules): NestJS 12 is ESM-only, and
// transforming node_modules to CommonJS would be slow. TypeScript is compiled by swc with
// legacy decorators + decorator metadata, as tsc does for the build.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const common = {
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: { '^.+\\.tsx?$': swc },
  moduleNameMapper: {
    // workspace packages resolve to their sources, so tests need no build step
    '^@tower/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^@tower/core/params$': '<rootDir>/packages/core/src/spec/params.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};

export default {
  // Per-project timeouts are not supported by Jest; integration and e2e tests need minutes.
  testTimeout: 180_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{packages,apps}/*/src/**/*.test.ts', '<rootDir>/infra/test/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$', '/node_modules/', '/dist/'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{packages,apps}/*/src/**/*.int.test.ts', '<rootDir>/{packages,apps}/*/test/**/*.int.test.ts'],
      globalSetup: '<rootDir>/scripts/jest/global-setup.js',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/e2e/**/*.e2e.test.ts'],
      globalSetup: '<rootDir>/scripts/jest/global-setup.js',
    },
  ],
};

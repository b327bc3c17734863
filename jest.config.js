/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/__tests__/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
  // the container deployment test runs on its own: npm run test:deploy (jest.containers.config.js)
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/tests/containers/'],
  transform: {
    // tsconfig sets isolatedModules: ts-jest transpiles per file; `tsc --noEmit` in `npm test` type-checks once.
    '^.+\\.ts$': 'ts-jest',
  },
  // the browser UI's modules import each other as './x.js', as browsers need
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 60000,
};

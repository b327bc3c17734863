/** `npm run test:deploy`: the container deployment test (podman), apart from `npm test`. */
const base = require('./jest.config');
module.exports = { ...base, testMatch: ['<rootDir>/tests/containers/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', '/dist/'], testTimeout: 20 * 60_000 };

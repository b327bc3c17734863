import { apiConfigSchema, dataServerConfigSchema, dbWriterConfigSchema, engineConfigSchema, loadConfig, PRODUCTION_JWT_SECRET_MIN, wsConfigSchema } from '../config';

const GOOD = {
  NODE_ENV: 'production',
  JWT_SECRET: 'k'.repeat(PRODUCTION_JWT_SECRET_MIN),
  ADMIN_PASSWORD: 'a-password-someone-chose',
  BOT_PASSWORD: 'another-chosen-password',
  REDIS_URL: 'redis://:s3cret-redis@redis:6379',
  DATABASE_URL: 'postgresql://exchange:s3cret-pg@postgres:5432/exchange',
};
const schemas = { api: apiConfigSchema, engine: engineConfigSchema, 'ws-server': wsConfigSchema, 'db-writer': dbWriterConfigSchema, 'data-server': dataServerConfigSchema };

describe('secrets in production', () => {
  test('when every secret is chosen, then every service starts', () => {
    for (const schema of Object.values(schemas)) expect(() => loadConfig(schema, GOOD)).not.toThrow();
  });

  test.each([
    ['JWT_SECRET', 'CHANGE_ME-at-least-16-characters', /JWT_SECRET is still a CHANGE_ME placeholder/, ['api', 'ws-server']],
    ['JWT_SECRET', 'sixteen-chars-ok-but-short', /JWT_SECRET must be at least 32 characters/, ['api', 'ws-server']],
    ['ADMIN_PASSWORD', 'CHANGE_ME', /ADMIN_PASSWORD is still a CHANGE_ME placeholder/, ['api', 'data-server']],
    ['ADMIN_PASSWORD', 'organiser-password', /ADMIN_PASSWORD is the development default/, ['api', 'data-server']],
    ['BOT_PASSWORD', 'CHANGE_ME-bots', /BOT_PASSWORD is still a CHANGE_ME placeholder/, ['data-server']],
    ['REDIS_URL', 'redis://:CHANGE_ME@redis:6379', /REDIS_URL holds a CHANGE_ME placeholder password/, ['api', 'engine', 'ws-server', 'db-writer', 'data-server']],
    ['DATABASE_URL', 'postgresql://exchange:change-me@postgres:5432/exchange', /DATABASE_URL holds a CHANGE_ME placeholder password/, ['api', 'db-writer']],
  ] as const)('when %s is %s, then the services that read it refuse to start, naming it', (name, value, message, services) => {
    for (const s of services) expect(() => loadConfig(schemas[s], { ...GOOD, [name]: value })).toThrow(message);
  });

  test('when a secret is left out, then the development default it falls back to is refused too', () => {
    const { JWT_SECRET: _j, ...noJwt } = GOOD;
    expect(() => loadConfig(wsConfigSchema, noJwt)).toThrow(/JWT_SECRET is the development default/);
    const { BOT_PASSWORD: _b, ADMIN_PASSWORD: _a, ...noPasswords } = GOOD;
    expect(() => loadConfig(dataServerConfigSchema, noPasswords)).toThrow(/ADMIN_PASSWORD is the development default.*BOT_PASSWORD is the development default/);
  });

  test('when NODE_ENV is not production, then the development defaults are taken', () => {
    for (const schema of Object.values(schemas)) expect(() => loadConfig(schema, {})).not.toThrow();
  });
});

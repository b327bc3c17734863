import { spawn } from 'child_process';
import { join } from 'path';

/**
 * Each service's real entry point, started as its container would be (NODE_ENV=production) but with
 * the examples' placeholders: every one exits at once, naming the variable, before it connects anywhere.
 */
const SERVICE = join(__dirname, '..', '..', 'dist', 'scripts', 'service.js');
const PLACEHOLDERS = {
  NODE_ENV: 'production',
  JWT_SECRET: 'CHANGE_ME-at-least-16-characters',
  ADMIN_PASSWORD: 'CHANGE_ME',
  BOT_PASSWORD: 'CHANGE_ME-bots',
  REDIS_URL: 'redis://:CHANGE_ME@127.0.0.1:1',
  DATABASE_URL: 'postgresql://exchange:CHANGE_ME@127.0.0.1:1/exchange',
};

function start(service: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SERVICE, service], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('production mode with placeholder secrets', () => {
  test.each([
    ['api', ['JWT_SECRET', 'ADMIN_PASSWORD', 'REDIS_URL', 'DATABASE_URL']],
    ['ws-server', ['JWT_SECRET', 'REDIS_URL']],
    ['engine', ['REDIS_URL']],
    ['db-writer', ['REDIS_URL', 'DATABASE_URL']],
    ['data-server', ['ADMIN_PASSWORD', 'BOT_PASSWORD', 'REDIS_URL']],
  ])('when %s starts, then it exits 1 naming each placeholder it was given', async (service, names) => {
    const { code, stderr } = await start(service, PLACEHOLDERS);
    expect(code).toBe(1);
    for (const name of names) expect(stderr).toContain(`${name} `);
    expect(stderr).toMatch(/CHANGE_ME placeholder/);
  });

  test('when the JWT secret is real but short, then the api refuses it, naming the length it needs', async () => {
    const { code, stderr } = await start('api', { ...PLACEHOLDERS, JWT_SECRET: 'only-twenty-chars-xx', ADMIN_PASSWORD: 'chosen-password', REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: 'postgresql://x:y@127.0.0.1:1/x' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/JWT_SECRET must be at least 32 characters/);
  });
});

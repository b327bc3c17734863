import { spawn, spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { NODE_FLAGS, SERVICE_ENTRIES } from '../../scripts/service';
import { freePort, PG_URL, REDIS_URL } from '../harness/stack';
import Redis from 'ioredis';
import { scanKeys } from '../../runtime/redis';

/**
 * No Docker engine runs here, so docker-compose.yml is parsed and checked, and every service it
 * names is started from the image's command (the same entry point the other tests start) with the
 * compose environment pointed at the local Redis and PostgreSQL, until its own health check passes.
 */
const ROOT = join(__dirname, '..', '..');
const envExample = Object.fromEntries(
  readFileSync(join(ROOT, '.env.example'), 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const interpolate = (v: string) =>
  v.replace(/\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    if (name in envExample) return envExample[name];
    if (op === '-') return arg ?? '';
    throw new Error(`${name} is required by docker-compose.yml but not in .env.example`);
  });

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  restart?: string;
}
const compose = parse(text, { merge: true }) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
const services = compose.services;
const appServices = Object.entries(services).filter(([, s]) => s.image === 'mock-exchange:latest');

describe('docker-compose.yml', () => {
  test('when it is parsed, then every variable it needs is in .env.example and every app service runs the one image', () => {
    expect(() => interpolate(text)).not.toThrow();
    expect(appServices.map(([name]) => name).sort()).toEqual(['api', 'data-server', 'db-writer', 'engine', 'migrate', 'ws-server']);
    for (const [, s] of appServices) {
      expect(s.build).toBe('.');
      expect(Object.keys(SERVICE_ENTRIES)).toContain(s.command?.[0]);
    }
  });

  test('when it is parsed, then Redis persists append-only with noeviction and PostgreSQL keeps a volume', () => {
    expect(services.redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
    expect(services.redis.volumes?.[0]).toMatch(/^redis-data:/);
    expect(services.postgres.volumes?.[0]).toMatch(/^postgres-data:/);
    expect(Object.keys(compose.volumes)).toEqual(['redis-data', 'postgres-data', 'postgres-backups', 'prometheus-data', 'grafana-data']);
  });

  test('when it is parsed, then every long-running service has a health check and waits on its dependencies, and migrations run once first', () => {
    for (const [name, s] of Object.entries(services)) {
      if (name === 'migrate') continue;
      expect(s.healthcheck?.test.length).toBeGreaterThan(1);
    }
    expect(services.migrate.restart).toBe('no');
    for (const name of ['engine', 'db-writer', 'api', 'ws-server', 'data-server']) {
      expect(services[name].depends_on).toMatchObject({
        redis: { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
    }
    expect(services.api.depends_on?.engine).toEqual({ condition: 'service_healthy' });
    // the same Node flags as npm start and the tests give it
    expect(services.engine.environment?.NODE_OPTIONS).toBe(NODE_FLAGS.engine!.join(' '));
    expect(services['data-server'].depends_on?.api).toEqual({ condition: 'service_healthy' });
  });

  describe('when each service is started from its compose command, then its own health check passes', () => {
    const db = `exchange_compose_${process.pid}`;
    const prefix = `compose-${process.pid}:`;
    const children: ReturnType<typeof spawn>[] = [];
    afterAll(async () => {
      for (const c of children) c.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-c', `DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`]);
      const redis = new Redis(REDIS_URL);
      const keys = await scanKeys(redis, `${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    });

    const localEnv = async (s: ComposeService) => {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(s.environment ?? {})) env[k] = interpolate(String(v));
      // the compose network's hosts are this machine's local services here
      env.REDIS_URL = REDIS_URL;
      env.DATABASE_URL = `${PG_URL}/${db}`;
      env.KEY_PREFIX = prefix;
      // .env.example's placeholders are refused in production (the test below): chosen secrets here
      for (const k of ['JWT_SECRET', 'ADMIN_PASSWORD', 'BOT_PASSWORD']) if (k in env) env[k] = `${k.toLowerCase()}-chosen-for-this-test-run-${process.pid}`;
      for (const port of ['API_PORT', 'WS_PORT', 'ENGINE_HEALTH_PORT', 'DB_WRITER_HEALTH_PORT', 'DATA_SERVER_HEALTH_PORT']) if (port in env) env[port] = String(await freePort());
      return env;
    };
    const healthUrl = (s: ComposeService, env: Record<string, string>) => {
      const url = s.healthcheck!.test[s.healthcheck!.test.length - 1];
      return url.replace(/:(3000|3001|3002|3003|3004)\//, (_m, p: string) => `:${{ '3000': env.API_PORT, '3001': env.WS_PORT, '3002': env.ENGINE_HEALTH_PORT, '3003': env.DB_WRITER_HEALTH_PORT, '3004': env.DATA_SERVER_HEALTH_PORT }[p]}/`);
    };

    test('api, with .env.example copied as it is, refuses to start and names the placeholders', () => {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(services.api.environment ?? {})) env[k] = interpolate(String(v));
      expect(env.NODE_ENV).toBe('production');
      const res = spawnSync(process.execPath, [join(ROOT, 'dist/scripts/service.js'), ...services.api.command!], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 20_000 });
      expect(res.status).toBe(1);
      for (const name of ['JWT_SECRET', 'ADMIN_PASSWORD', 'REDIS_URL', 'DATABASE_URL']) expect(res.stderr).toContain(`${name} `);
    });

    test('migrate exits 0', async () => {
      const env = await localEnv(services.migrate);
      const res = spawnSync(process.execPath, [join(ROOT, 'dist/scripts/service.js'), ...services.migrate.command!], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
      expect(res.status).toBe(0);
    });

    test.each(['engine', 'db-writer', 'api', 'ws-server', 'data-server'])('%s', async (name) => {
      const s = services[name];
      const env = await localEnv(s);
      const child = spawn(process.execPath, [join(ROOT, 'dist/scripts/service.js'), ...s.command!], { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
      children.push(child);
      const check = s.healthcheck!.test.slice(1);
      expect(check.slice(0, 2)).toEqual(['node', 'dist/scripts/healthcheck.js']);
      const deadline = Date.now() + 20_000;
      for (;;) {
        const res = spawnSync(process.execPath, [join(ROOT, check[1]), healthUrl(s, env)]);
        if (res.status === 0) break;
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
        if (Date.now() > deadline) throw new Error(`${name} never passed its health check`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }, 30_000);
  });
});

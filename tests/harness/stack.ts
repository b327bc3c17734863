import { readFileSync } from 'fs';
import { spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { createServer } from 'net';
import { join } from 'path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { migrate } from '../../runtime/migrate';
import { projectRoot } from '../../runtime/paths';
import { scanKeys } from '../../runtime/redis';
import { NODE_FLAGS } from '../../scripts/service';

/**
 * Starts the real services (the compiled entry points `npm start` runs) against the real local
 * Redis and PostgreSQL, isolated by a key prefix and a database of their own.
 */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const PG_URL = process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432';
export const ADMIN = { username: 'organiser', password: 'organiser-password' };
// the same compiled entry point `npm start` and the image run, whether this file runs from source or from dist/
const ROOT = projectRoot(__dirname, 2);
const DIST = join(ROOT, 'dist');

export type ServiceName = 'engine' | 'db-writer' | 'api' | 'ws-server' | 'data-server';

/**
 * A port for a service to listen on, free now and handed out once per test process. Taken from
 * below the kernel's ephemeral range (ip_local_port_range, 32768-60999 by default), never from it:
 * a port the kernel gave out as free (port 0) is in that range, and between the look and the
 * service's bind it could become the local port of an outgoing connection (a browser's, a Redis
 * client's), and the service then failed with EADDRINUSE.
 */
const handedOut = new Set<number>();
export async function freePort(): Promise<number> {
  let ephemeralStart = 32768;
  try {
    ephemeralStart = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || ephemeralStart;
  } catch {
    // not Linux: the default range
  }
  const low = Math.max(1024, ephemeralStart - 12_000);
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = low + Math.floor(Math.random() * (ephemeralStart - low));
    if (handedOut.has(port) || !(await bindable(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port between ${low} and ${ephemeralStart}`);
}

/** Whether a server can listen on `port` on every address, as the services do. */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, () => srv.close(() => resolve(true)));
  });
}

export class Stack {
  /** as a value in start()'s env: leave the variable out, so the service uses its default */
  static readonly DEFAULT = '<default>';
  readonly procs = new Map<ServiceName, ChildProcess>();
  readonly logs = new Map<ServiceName, string[]>();
  env: Record<string, string> = {};
  apiUrl = '';
  wsUrl = '';
  wsMetricsUrl = '';
  databaseUrl = '';
  prefix = '';
  private ports: Record<string, number> = {};

  static async start(extraEnv: Record<string, string> = {}, services: ServiceName[] = ['engine', 'db-writer', 'api', 'ws-server']): Promise<Stack> {
    const s = new Stack();
    await s.init(extraEnv);
    for (const name of services) await s.startService(name);
    return s;
  }

  private async init(extraEnv: Record<string, string>): Promise<void> {
    const id = randomBytes(4).toString('hex');
    this.prefix = `test-${id}:`;
    this.databaseUrl = `${PG_URL}/exchange_test_${id}`;
    // fail loudly, with the reason, if a service the tests need is not there
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    await redis.connect().catch((err: unknown) => {
      throw new Error(`Redis is required at ${REDIS_URL}: ${String(err)}`);
    });
    redis.disconnect();
    await migrate(this.databaseUrl);
    for (const key of ['API_PORT', 'API_METRICS_PORT', 'WS_PORT', 'WS_METRICS_PORT', 'ENGINE_HEALTH_PORT', 'DB_WRITER_HEALTH_PORT', 'DATA_SERVER_HEALTH_PORT']) this.ports[key] = await freePort();
    this.env = {
      PATH: process.env.PATH ?? '',
      REDIS_URL,
      DATABASE_URL: this.databaseUrl,
      KEY_PREFIX: this.prefix,
      JWT_SECRET: `test-secret-${id}-long-enough`,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_SECOND: '100000',
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      PUBLIC_READ_LIMIT_PER_MINUTE: '1000000',
      SNAPSHOT_INTERVAL_MS: '1000',
      ...Object.fromEntries(Object.entries(this.ports).map(([k, v]) => [k, String(v)])),
      API_URL: `http://127.0.0.1:${this.ports.API_PORT}`,
      PUBLIC_WS_URL: `:${this.ports.WS_PORT}`,
      ...extraEnv,
    };
    // a setting given as DEFAULT is left out, so the service runs with its own default
    for (const [k, v] of Object.entries(this.env)) if (v === Stack.DEFAULT) delete this.env[k];
    this.apiUrl = `http://127.0.0.1:${this.env.API_PORT}`;
    this.wsUrl = `http://127.0.0.1:${this.env.WS_PORT}`;
    this.wsMetricsUrl = `http://127.0.0.1:${this.env.WS_METRICS_PORT}/metrics`;
  }

  /** the readiness URL of `name`, run with the ports of `env` where it gives them */
  healthUrl(name: ServiceName, env: Record<string, string> = {}): string {
    const e = { ...this.env, ...env };
    const port = { engine: e.ENGINE_HEALTH_PORT, 'db-writer': e.DB_WRITER_HEALTH_PORT, api: e.API_PORT, 'ws-server': e.WS_PORT, 'data-server': e.DATA_SERVER_HEALTH_PORT }[name];
    return `http://127.0.0.1:${port}/${name === 'api' ? 'health' : 'ready'}`;
  }

  /**
   * Starts `name`; `as` and `env` run a second instance of it (say, another ws-server on another
   * port). Waits until it is ready, or with `until: 'live'` only until it answers (a standby engine
   * is alive but not ready), or with `until: 'spawned'` not at all (to kill it during its start).
   */
  async startService(name: ServiceName, as: string = name, env: Record<string, string> = {}, until: 'ready' | 'live' | 'spawned' = 'ready'): Promise<void> {
    // CPU_PROF=api,engine writes V8 CPU profiles of those services to CPU_PROF_DIR when they stop
    const profile = (process.env.CPU_PROF ?? '').split(',').includes(name) ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CPU_PROF_DIR ?? 'artifacts/profiles'}`] : [];
    const child = spawn(process.execPath, [...(NODE_FLAGS[name] ?? []), ...profile, join(DIST, 'scripts', 'service.js'), name], { env: { ...this.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = this.logs.get(as as ServiceName) ?? [];
    this.logs.set(as as ServiceName, lines);
    child.stdout?.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    child.stderr?.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    this.procs.set(as as ServiceName, child);
    if (until === 'spawned') return;
    const health = this.healthUrl(name, env).replace(/\/ready$/, until === 'live' ? '/live' : '/ready');
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${lines.slice(-5).join('\n')}`);
      try {
        const res = await fetch(health);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${name} did not become ready: ${lines.slice(-5).join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Stops a service with `signal` and waits for the process to end; returns its exit code. */
  async stopService(name: ServiceName, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.procs.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    const code = await exited;
    this.procs.delete(name);
    return code;
  }

  async stop(): Promise<void> {
    if (process.env.SHOW_SERVICE_LOGS) for (const [name, lines] of this.logs) process.stderr.write(`--- ${name}\n${lines.join('\n')}\n`);
    for (const name of [...this.procs.keys()]) await this.stopService(name);
    const redis = new Redis(REDIS_URL);
    const keys = await scanKeys(redis, `${this.prefix}*`);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
    redis.disconnect();
    const pg = new Client({ connectionString: `${PG_URL}/postgres` });
    await pg.connect();
    await pg.query(`DROP DATABASE IF EXISTS "${new URL(this.databaseUrl).pathname.slice(1)}" WITH (FORCE)`);
    await pg.end();
  }

  pg(): Client {
    return new Client({ connectionString: this.databaseUrl });
  }
}

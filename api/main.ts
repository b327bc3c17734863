import { randomUUID } from 'crypto';
import { createServer } from 'http';
import { apiConfigSchema, loadConfig } from '../contracts/config';
import { names } from '../contracts/names';
import { createLogger } from '../runtime/logger';
import { createPrisma } from '../runtime/prisma';
import { connectRedis } from '../runtime/redis';
import { logCrashes, onShutdown } from '../runtime/shutdown';
import { createApp } from './app';
import { startHealthServer } from '../runtime/health-server';
import { EngineClient } from './engine-client';
import { fastRoute, orderFastPath } from './order-fast-path';
import { hashPassword } from './passwords';
import { TokenService } from './tokens';
import { sessionEvents } from './session-events';
import { backfillSkeletons } from './username-backfill';
import { usernameSkeleton } from './usernames';
import { securityHeaders } from './security-headers';
import { INDEX_HTML } from './ui-routes';
import { autoloadEvent } from './event-autoload';

async function main(): Promise<void> {
  const config = loadConfig(apiConfigSchema);
  const log = createLogger('api', config.LOG_LEVEL);
  logCrashes(log);
  const n = names(config.KEY_PREFIX);
  // commands issued in the same tick share one socket write: writes are the api's main cost
  const redis = connectRedis(config.REDIS_URL, log, 'api', { enableAutoPipelining: true });
  const prisma = createPrisma(config.DATABASE_URL);
  const engine = new EngineClient(redis, connectRedis(config.REDIS_URL, log, 'api-replies'), n);
  await engine.start();
  const tokens = new TokenService(config, prisma, sessionEvents(redis, n, config.ACCESS_TOKEN_TTL_SECONDS));

  if (config.ADMIN_USERNAME && config.ADMIN_PASSWORD) {
    // the organiser account of the deployment, from its secret
    const passwordHash = await hashPassword(config.ADMIN_PASSWORD);
    await prisma.user.upsert({
      where: { username: config.ADMIN_USERNAME },
      create: { id: randomUUID(), username: config.ADMIN_USERNAME, usernameSkeleton: usernameSkeleton(config.ADMIN_USERNAME), passwordHash, role: 'ADMIN' },
      update: { passwordHash, role: 'ADMIN' },
    });
    log.info({ username: config.ADMIN_USERNAME }, 'organiser account ready');
  }
  await backfillSkeletons(prisma, log);

  const ctx = { config, log, redis, prisma, engine, tokens, n };
  const app = createApp(ctx);
  const fast = orderFastPath(ctx);
  const secure = securityHeaders(config.PUBLIC_WS_URL, INDEX_HTML);
  const server = createServer((req, res) => {
    secure(res);
    const route = fastRoute(req.method, req.url, req.headers['content-type'], req.headers['content-encoding']);
    if (route !== null) fast(req, res, route);
    else void app(req, res);
  });
  server.listen(config.API_PORT);
  // metrics (and a liveness answer) on a port of their own, for Prometheus, not for participants
  const metrics = startHealthServer(config.API_METRICS_PORT, () => true);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  log.info({ port: config.API_PORT, instanceId: engine.instanceId }, 'api listening');
  const autoload = config.EVENT_FILE === '' ? null : autoloadEvent(ctx, config.EVENT_FILE);

  onShutdown(log, async () => {
    autoload?.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    metrics.close();
    await engine.stop();
    await prisma.$disconnect();
    await redis.quit();
  });
}

main().catch((err: unknown) => {
  process.stderr.write(JSON.stringify({ level: 'fatal', service: 'api', msg: 'failed to start', err: String(err) }) + '\n');
  process.exit(1);
});

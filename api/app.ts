import express, { type Express } from 'express';
import { Counter, Histogram, register } from 'prom-client';
import { ErrorCode } from '../contracts/errors';
import type { ApiContext } from './context';
import { errorHandler, fail, ok } from './http-errors';
import { rateLimit, requireAuth } from './middleware';
import { accountRoutes } from './routes/account-routes';
import { adminRoutes } from './routes/admin-routes';
import { authRoutes } from './routes/auth-routes';
import { marketRoutes } from './routes/market-routes';
import { orderRoutes } from './routes/order-routes';

const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'] });
const latency = new Histogram({ name: 'http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['method', 'route'], buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 2] });

export function createApp(ctx: ApiContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 1);
  app.use((req, res, next) => {
    const end = latency.startTimer();
    res.on('finish', () => {
      const route = `${req.baseUrl}${(req.route as { path?: string } | undefined)?.path ?? ''}` || 'unmatched';
      requests.inc({ method: req.method, route, status: res.statusCode });
      end({ method: req.method, route });
    });
    next();
  });
  app.use(express.json({ limit: ctx.config.BODY_LIMIT, strict: true }));

  app.get('/health', async (_req, res) => {
    const checks = await Promise.allSettled([ctx.redis.ping(), ctx.prisma.$queryRawUnsafe('SELECT 1')]);
    const [redis, postgres] = checks.map((c) => c.status === 'fulfilled');
    if (redis && postgres) return ok(res, { status: 'ok', redis, postgres });
    fail(res, 503, ErrorCode.SYSTEM_ERROR, 'dependencies unavailable', { redis, postgres });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', register.contentType);
    res.send(await register.metrics());
  });

  const userLimit = rateLimit(ctx, 'api', ctx.config.RATE_LIMIT_PER_SECOND, 1000);
  app.use('/auth', authRoutes(ctx));
  app.use('/market', marketRoutes(ctx));
  app.use('/order', requireAuth(ctx), userLimit, orderRoutes(ctx));
  app.use('/account', requireAuth(ctx), userLimit, accountRoutes(ctx));
  app.use('/admin', requireAuth(ctx), userLimit, adminRoutes(ctx));
  app.use((_req, res) => fail(res, 404, ErrorCode.NOT_FOUND, 'No such endpoint'));
  app.use(errorHandler(ctx.log));
  return app;
}

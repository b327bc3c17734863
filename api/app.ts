import express, { type Express } from 'express';
import { ErrorCode } from '../contracts/errors';
import type { ApiContext } from './context';
import { errorHandler, fail, ok } from './http-errors';
import { requireAuth } from './authentication';
import { PARTICIPANT_LIMIT, rateLimit } from './rate-limit';
import { accountRoutes } from './routes/account-routes';
import { adminRoutes } from './routes/admin-routes';
import { authRoutes } from './routes/auth-routes';
import { marketRoutes } from './routes/market-routes';
import { orderRoutes } from './routes/order-routes';
import { historyRoutes } from './routes/history-routes';
import { leaderboardRoutes } from './routes/leaderboard-routes';
import { followRoutes } from './routes/follow-routes';
import { feedRoutes } from './routes/feed-routes';
import { notificationRoutes } from './routes/notification-routes';
import { ownProfileRoutes, profileRoutes } from './routes/profile-routes';
import { newsRoutes } from './routes/event-routes';
import { openApiDocument } from './openapi';
import { asyncApiDocument } from '../contracts/asyncapi';
import { loadPortfolio } from '../portfolio/load';
import { uiRoutes } from './ui-routes';
import { timeRequest } from './request-metrics';


export function createApp(ctx: ApiContext): Express {
  const app = express();
  app.disable('x-powered-by');
  // no ETags: API answers are not cached, and hashing every body costs a fifth of a request
  app.set('etag', false);
  // X-Forwarded-For only from the proxies configured: by default the address is the connection's
  app.set('trust proxy', ctx.config.TRUSTED_PROXIES.length > 0 ? ctx.config.TRUSTED_PROXIES : false);
  app.use((req, res, next) => {
    const done = timeRequest();
    res.on('finish', () => {
      const path = (req.route as { path?: string } | undefined)?.path;
      // refused before reaching a route (auth, rate limit): label with the mount point
      done(req.method, path !== undefined ? `${req.baseUrl}${path}` : ((res.locals.mount as string | undefined) ?? 'unmatched'), res.statusCode);
    });
    next();
  });
  app.use(express.json({ limit: ctx.config.BODY_LIMIT, strict: true }));

  // one meaning per word on every service: /live liveness (the process answers); /ready readiness
  // (Redis and PostgreSQL reachable), also as /health, its older name
  app.get('/live', (_req, res) => ok(res, { status: 'ok' }));
  app.get(['/ready', '/health'], async (_req, res) => {
    const checks = await Promise.allSettled([ctx.redis.ping(), ctx.prisma.$queryRawUnsafe('SELECT 1')]);
    const [redis, postgres] = checks.map((c) => c.status === 'fulfilled');
    if (redis && postgres) return ok(res, { status: 'ok', redis, postgres });
    fail(res, 503, ErrorCode.SYSTEM_ERROR, 'dependencies unavailable', { redis, postgres });
  });
  const openapi = openApiDocument();
  app.get('/openapi.json', (_req, res) => res.json(openapi));
  const asyncapi = asyncApiDocument();
  app.get('/asyncapi.json', (_req, res) => res.json(asyncapi));

  app.use(uiRoutes(ctx.config.PUBLIC_WS_URL));

  const userLimit = rateLimit(ctx, PARTICIPANT_LIMIT.name, ctx.config.RATE_LIMIT_PER_SECOND, PARTICIPANT_LIMIT.windowMs);
  const mount: express.RequestHandler = (req, res, next) => {
    res.locals.mount = req.baseUrl;
    next();
  };
  app.use('/auth', mount, authRoutes(ctx));
  // public reads: per client address, so that nobody can load the database or Redis for free
  const publicLimit = rateLimit(ctx, 'public', ctx.config.PUBLIC_READ_LIMIT_PER_MINUTE, 60_000);
  app.use('/market', mount, publicLimit, marketRoutes(ctx));
  app.use('/leaderboard', mount, publicLimit, leaderboardRoutes(ctx));
  app.use('/news', mount, publicLimit, newsRoutes(ctx));
  app.use('/profiles', mount, publicLimit, profileRoutes(ctx));
  app.use('/order', mount, requireAuth(ctx), userLimit, orderRoutes(ctx));
  app.use('/account', mount, requireAuth(ctx), userLimit, accountRoutes(ctx), ownProfileRoutes(ctx));
  app.use('/follows', mount, requireAuth(ctx), userLimit, followRoutes(ctx));
  app.use('/feed', mount, requireAuth(ctx), userLimit, feedRoutes(ctx));
  app.use('/notifications', mount, requireAuth(ctx), userLimit, notificationRoutes(ctx));
  // the portfolio also lives at the top level, as participants' tools expect
  app.get('/portfolio', mount, requireAuth(ctx), userLimit, async (req, res) => ok(res, await loadPortfolio(ctx.prisma, ctx.redis, ctx.n, req.auth!.sub)));
  app.use('/history', mount, requireAuth(ctx), userLimit, historyRoutes(ctx));
  app.use('/admin', mount, requireAuth(ctx), userLimit, adminRoutes(ctx));
  app.use((_req, res) => fail(res, 404, ErrorCode.NOT_FOUND, 'No such endpoint'));
  app.use(errorHandler(ctx.log));
  return app;
}

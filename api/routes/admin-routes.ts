import { notifySession } from '../feed/notify';
import { moderationRoutes } from './moderation-routes';
import { Router, type Response } from 'express';
import { botsConfigJson, readBotsConfig, readSchedule, referenceJson, scheduleJson } from '../../contracts/hot-state';
import { ErrorCode } from '../../contracts/errors';
import { centsToWire, wireToCents } from '../../contracts/money';
import type { ApiContext } from '../context';
import { ApiError, fail, ok, statusForCode } from '../http-errors';
import { requireAdmin } from '../authentication';
import { addSymbolBody, botsBody, bulkCreditBody, creditBody, scheduleBody, sessionBody, volumeQuery } from '../schemas';
import { CANDLE_INTERVALS } from './market-routes';
import { markCents } from '../../portfolio/load';
import { listParticipants, tradedVolume } from '../admin/admin-queries';
import { resetExchange } from '../admin/exchange-reset';
import { snapshotPortfolios } from '../admin/session-snapshot';
import type { Reply } from '../../contracts/wire';
import { eventAdminRoutes } from './event-routes';

/**
 * A credit's amount in the engine's units (cents for CASH, whole shares otherwise), and for shares
 * the cost basis they count as bought at: the market price of the moment.
 */
async function creditTerms(ctx: ApiContext, asset: string, wireAmount: number | string): Promise<{ amount: number; price: number | null }> {
  const isCash = asset === 'CASH';
  const amount = isCash ? wireToCents(wireAmount) : typeof wireAmount === 'number' ? wireAmount : Number.NaN;
  if (amount === null || !Number.isSafeInteger(amount) || amount <= 0) {
    throw new ApiError(400, ErrorCode.INVALID_AMOUNT, isCash ? 'amount must be positive with at most two decimals' : 'amount must be a positive whole number of shares');
  }
  return { amount, price: isCash ? null : await markCents(ctx.redis, ctx.n, asset) };
}

async function recordAudit(ctx: ApiContext, actorId: string, actor: string, action: string, details: unknown): Promise<void> {
  const row = await ctx.prisma.auditLog.create({ data: { actorId, actorUsername: actor, action, details: (details ?? {}) as object } });
  await ctx.redis.publish(
    ctx.n.channels.exchangeEvents,
    JSON.stringify({ type: 'audit', id: Number(row.id), actor, action, details, timestamp: row.createdAt.getTime() }),
  );
}

/** Organiser commands: they travel the input stream like orders, so the engine's state stays a function of it. */
export function adminRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.use(requireAdmin);
  // every organiser action that succeeded is recorded, then broadcast to the organisers
  r.use((req, res, next) => {
    if (req.method !== 'POST') return next();
    res.on('finish', () => {
      if (res.statusCode >= 400) return;
      void recordAudit(ctx, req.auth!.sub, req.auth!.username, req.path, req.body).catch((err: unknown) =>
        ctx.log.error({ err: String(err), action: req.path }, 'could not record an organiser action'),
      );
    });
    next();
  });
  r.get('/audit', async (req, res) => {
    const limit = Math.min(1000, Math.max(1, Number(req.query.limit ?? 100) || 100));
    const rows = await ctx.prisma.auditLog.findMany({ orderBy: { id: 'desc' }, take: limit });
    ok(res, rows.map((a) => ({ id: Number(a.id), actorId: a.actorId, actor: a.actorUsername, action: a.action, details: a.details, at: a.createdAt })));
  });

  r.use(eventAdminRoutes(ctx));
  r.use(moderationRoutes(ctx));

  const answer = (res: Response, reply: Reply | null, data: unknown) => {
    if (reply === null) return ok(res, { ...(data as object), status: 'SUBMITTED' }, 202);
    if (reply.error !== null) return fail(res, statusForCode(reply.error.code), reply.error.code, reply.error.message);
    ok(res, data);
  };

  r.post('/symbols', async (req, res) => {
    const body = addSymbolBody.parse(req.body);
    const tick = wireToCents(body.tickSize);
    if (tick === null || tick <= 0) throw new ApiError(400, ErrorCode.INVALID_PRICE, 'tickSize must be positive with at most two decimals');
    const reference = body.referencePrice === undefined ? null : wireToCents(body.referencePrice);
    if (reference !== null && (reference <= 0 || reference % tick !== 0)) throw new ApiError(400, ErrorCode.INVALID_PRICE, 'referencePrice must be positive and on the tick');
    if (body.referencePrice !== undefined && reference === null) throw new ApiError(400, ErrorCode.INVALID_PRICE, 'referencePrice must have at most two decimals');
    if (reference !== null && !(await ctx.redis.hexists(ctx.n.keys.symbols, body.symbol))) {
      // set before the symbol exists, so that the data-server's walk can only ever start here
      await ctx.redis.set(ctx.n.keys.reference(body.symbol), referenceJson(body.symbol, reference, Date.now()));
    }
    const { reply } = await ctx.engine.submit({ action: 'addSymbol', symbol: body.symbol, tickSize: tick, lotSize: body.lotSize }, ctx.config.PLACE_TIMEOUT_MS);
    answer(res, reply, { symbol: body.symbol, tickSize: centsToWire(tick), lotSize: body.lotSize, referencePrice: reference === null ? null : centsToWire(reference) });
  });

  r.post('/credit', async (req, res) => {
    const body = creditBody.parse(req.body);
    const user = await ctx.prisma.user.findUnique({ where: { id: body.userId } });
    if (user === null) throw new ApiError(404, ErrorCode.NOT_FOUND, `No participant ${body.userId}`);
    const { amount, price } = await creditTerms(ctx, body.asset, body.amount);
    const { reply } = await ctx.engine.submit({ action: 'credit', userId: body.userId, asset: body.asset, amount, price }, ctx.config.PLACE_TIMEOUT_MS);
    answer(res, reply, { userId: body.userId, asset: body.asset, amount: body.amount });
  });

  // the same credit for many participants at once (every participant when no ids are given)
  r.post('/credit/bulk', async (req, res) => {
    const body = bulkCreditBody.parse(req.body);
    const { amount, price } = await creditTerms(ctx, body.asset, body.amount);
    const users = await ctx.prisma.user.findMany({
      where: body.userIds === undefined ? { role: 'PARTICIPANT' } : { id: { in: body.userIds } },
      select: { id: true },
    });
    if (body.userIds !== undefined && users.length !== new Set(body.userIds).size) throw new ApiError(404, ErrorCode.NOT_FOUND, 'some userIds are not participants');
    const replies = await Promise.all(users.map((u) => ctx.engine.submit({ action: 'credit', userId: u.id, asset: body.asset, amount, price }, ctx.config.PLACE_TIMEOUT_MS)));
    const failed = replies.filter((r) => r.reply?.error).map((r) => r.reply!.error!);
    if (failed.length > 0) return fail(res, statusForCode(failed[0].code), failed[0].code, `${failed.length} of ${users.length} credits refused: ${failed[0].message}`);
    ok(res, { credited: users.length, asset: body.asset, amount: body.amount });
  });

  r.get('/participants', async (_req, res) => {
    const rows = await listParticipants(ctx.prisma);
    ok(res, rows.map((u) => ({ id: u.id, username: u.username, role: u.role, createdAt: u.createdAt, cash: { available: centsToWire(u.cashAvailable), locked: centsToWire(u.cashLocked) } })));
  });

  // traded volume per symbol per period, newest period first
  r.get('/volume', async (req, res) => {
    const q = volumeQuery.parse(req.query);
    const rows = await tradedVolume(ctx.prisma, CANDLE_INTERVALS[q.period], q.from ?? null, q.to ?? null);
    ok(res, rows.map((v) => ({ symbol: v.symbol, period: v.period, volume: v.volume, notional: centsToWire(v.notionalCents), trades: v.trades })));
  });

  r.post('/session', async (req, res) => {
    const body = sessionBody.parse(req.body);
    const { reply } = await ctx.engine.submit({ action: 'session', state: body.state }, ctx.config.PLACE_TIMEOUT_MS);
    if (reply !== null && reply.error === null) await notifySession(ctx, body.state, reply.seq);
    if (body.state !== 'CLOSED' || reply === null || reply.error !== null) return answer(res, reply, { state: body.state });
    ok(res, { state: body.state, snapshot: await snapshotPortfolios(ctx, reply.seq) });
  });

  // a new event on the same exchange: balances to zero, the services' side state cleared; history stays
  r.post('/reset', async (_req, res) => {
    const reply = await resetExchange(ctx);
    if (reply === null || reply.error !== null) return answer(res, reply, { reset: false });
    ok(res, { reset: true, seq: reply.seq });
  });

  r.get('/snapshots', async (req, res) => {
    const limit = Math.min(10_000, Math.max(1, Number(req.query.limit ?? 1000) || 1000));
    const rows = await ctx.prisma.portfolioSnapshot.findMany({ orderBy: [{ closedAt: 'desc' }, { equity: 'desc' }], take: limit });
    ok(res, rows.map((s) => ({ closedAt: s.closedAt, userId: s.userId, username: s.username, equity: centsToWire(Number(s.equity)), cash: centsToWire(Number(s.cash)), realizedPnl: centsToWire(Number(s.realizedPnl)), unrealizedPnl: centsToWire(Number(s.unrealizedPnl)), positions: s.positions })));
  });
  // the session schedule, which data-server carries out
  r.get('/schedule', async (_req, res) => {
    const raw = await ctx.redis.get(ctx.n.keys.schedule);
    ok(res, { entries: readSchedule(raw) });
  });
  r.post('/schedule', async (req, res) => {
    const { entries } = scheduleBody.parse(req.body);
    const sorted = entries.map((e) => ({ state: e.state, at: e.at.toISOString() })).sort((a, b) => a.at.localeCompare(b.at));
    await ctx.redis.multi().set(ctx.n.keys.schedule, scheduleJson(sorted)).del(ctx.n.keys.scheduleDone).exec();
    ok(res, { entries: sorted });
  });

  // the liquidity bots' switch and intensity, which data-server reads every step
  r.get('/bots', async (_req, res) => {
    const raw = await ctx.redis.get(ctx.n.keys.botsConfig);
    ok(res, readBotsConfig(raw));
  });
  r.post('/bots', async (req, res) => {
    const body = botsBody.parse(req.body);
    const raw = await ctx.redis.get(ctx.n.keys.botsConfig);
    const next = { ...readBotsConfig(raw), ...body };
    await ctx.redis.set(ctx.n.keys.botsConfig, botsConfigJson(next));
    ok(res, next);
  });
  return r;
}

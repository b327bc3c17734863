import { Router, type Response } from 'express';
import { ErrorCode } from '../../contracts/errors';
import { wireToCents } from '../../contracts/money';
import type { ApiContext } from '../context';
import { ApiError, fail, ok, statusForCode } from '../http-errors';
import { requireAdmin } from '../middleware';
import { addSymbolBody, botsBody, creditBody, sessionBody } from '../schemas';
import type { Reply } from '../../contracts/wire';

/** Organiser commands: they travel the input stream like orders, so the engine's state stays a function of it. */
export function adminRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.use(requireAdmin);

  const answer = (res: Response, reply: Reply | null, data: unknown) => {
    if (reply === null) return ok(res, { ...(data as object), status: 'SUBMITTED' }, 202);
    if (reply.error !== null) return fail(res, statusForCode(reply.error.code), reply.error.code, reply.error.message);
    ok(res, data);
  };

  r.post('/symbols', async (req, res) => {
    const body = addSymbolBody.parse(req.body);
    const tick = wireToCents(body.tickSize);
    if (tick === null || tick <= 0) throw new ApiError(400, ErrorCode.INVALID_PRICE, 'tickSize must be positive with at most two decimals');
    const { reply } = await ctx.engine.submit({ action: 'addSymbol', symbol: body.symbol, tickSize: tick, lotSize: body.lotSize }, ctx.config.PLACE_TIMEOUT_MS);
    answer(res, reply, { symbol: body.symbol, tickSize: tick / 100, lotSize: body.lotSize });
  });

  r.post('/credit', async (req, res) => {
    const body = creditBody.parse(req.body);
    const user = await ctx.prisma.user.findUnique({ where: { id: body.userId } });
    if (user === null) throw new ApiError(404, ErrorCode.NOT_FOUND, `No participant ${body.userId}`);
    const isCash = body.asset === 'CASH';
    const amount = isCash ? wireToCents(body.amount) : typeof body.amount === 'number' ? body.amount : Number.NaN;
    if (amount === null || !Number.isSafeInteger(amount) || amount <= 0) {
      throw new ApiError(400, ErrorCode.INVALID_AMOUNT, isCash ? 'amount must be positive with at most two decimals' : 'amount must be a positive whole number of shares');
    }
    const { reply } = await ctx.engine.submit({ action: 'credit', userId: body.userId, asset: body.asset, amount }, ctx.config.PLACE_TIMEOUT_MS);
    answer(res, reply, { userId: body.userId, asset: body.asset, amount: body.amount });
  });

  r.post('/session', async (req, res) => {
    const body = sessionBody.parse(req.body);
    const { reply } = await ctx.engine.submit({ action: 'session', state: body.state }, ctx.config.PLACE_TIMEOUT_MS);
    answer(res, reply, { state: body.state });
  });
  // the liquidity bots' switch and intensity, which data-server reads every step
  r.get('/bots', async (_req, res) => {
    const raw = await ctx.redis.get(ctx.n.keys.botsConfig);
    ok(res, raw === null ? {} : JSON.parse(raw));
  });
  r.post('/bots', async (req, res) => {
    const body = botsBody.parse(req.body);
    const raw = await ctx.redis.get(ctx.n.keys.botsConfig);
    const next = { ...(raw === null ? {} : (JSON.parse(raw) as object)), ...body };
    await ctx.redis.set(ctx.n.keys.botsConfig, JSON.stringify(next));
    ok(res, next);
  });
  return r;
}

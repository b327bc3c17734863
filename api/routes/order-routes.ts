import { Router } from 'express';
import { readOrder } from '../../contracts/hot-state';
import { z } from 'zod';
import { limitParam } from '../schemas';
import { ErrorCode, type ErrorCodeValue } from '../../contracts/errors';
import { wireToCents } from '../../contracts/money';
import { MAX_PRICE, MAX_QUANTITY } from '../../contracts/order-limits';
import { amendBody, cancelAllBody } from '../schemas';
import { listedSymbol } from '../symbols';
import type { ApiContext } from '../context';
import { ApiError, ok, statusForCode } from '../http-errors';
import { userOf } from '../authentication';
import { answerCancel, answerPlace, prepareCancel, preparePlace } from '../order-commands';

const userOrdersQuery = z.object({ limit: limitParam(500, 100) }).strict();

export function orderRoutes(ctx: ApiContext): Router {
  const r = Router();

  r.post('/place', async (req, res) => {
    const order = await preparePlace(ctx, req.body, userOf(req));
    const { reply } = await ctx.engine.submit(order.entry, ctx.config.PLACE_TIMEOUT_MS);
    await answerPlace(ctx, res, order, reply);
  });

  r.post('/cancel', async (req, res) => {
    const order = prepareCancel(req.body, userOf(req));
    const { reply } = await ctx.engine.submit(order.entry, ctx.config.PLACE_TIMEOUT_MS);
    answerCancel(res, order, reply);
  });

  // every resting order of the caller, in one symbol or all: one request, one engine command
  r.post('/cancel-all', async (req, res) => {
    const { symbol } = cancelAllBody.parse(req.body);
    if (symbol !== undefined) await listedSymbol(ctx, symbol);
    const { reply } = await ctx.engine.submit({ action: 'cancelAll', userId: userOf(req), symbol: symbol ?? null }, ctx.config.PLACE_TIMEOUT_MS);
    if (reply === null) return ok(res, { status: 'CANCEL_SUBMITTED' }, 202);
    if (reply.error !== null) throw new ApiError(statusForCode(reply.error.code), reply.error.code as ErrorCodeValue, reply.error.message);
    ok(res, { cancelled: reply.orders?.length ?? 0, orders: reply.orders ?? [] });
  });

  // a resting order's new quantity and/or price (a smaller quantity alone keeps its place in the queue)
  r.post('/amend', async (req, res) => {
    const body = amendBody.parse(req.body);
    let price: number | null = null;
    if (body.price !== undefined) {
      price = wireToCents(body.price);
      if (price === null || price <= 0 || price > MAX_PRICE) throw new ApiError(400, ErrorCode.INVALID_PRICE, 'price must be positive with at most two decimals');
    }
    if (body.quantity !== undefined && body.quantity > MAX_QUANTITY) throw new ApiError(400, ErrorCode.INVALID_QUANTITY, `quantity must be at most ${MAX_QUANTITY}`);
    const userId = userOf(req);
    const { reply } = await ctx.engine.submit({ action: 'amend', userId, orderId: body.orderId ?? null, clientOrderId: body.clientOrderId ?? null, quantity: body.quantity ?? null, price }, ctx.config.PLACE_TIMEOUT_MS);
    if (reply === null) return ok(res, { status: 'AMEND_SUBMITTED' }, 202);
    if (reply.error !== null) throw new ApiError(statusForCode(reply.error.code), reply.error.code as ErrorCodeValue, reply.error.message);
    ok(res, { order: reply.order, trades: reply.trades });
  });

  r.get('/status/:orderId', async (req, res) => {
    const userId = userOf(req);
    const raw = await ctx.redis.get(ctx.n.keys.order(String(req.params.orderId)));
    const order = readOrder(raw);
    // someone else's order is reported exactly like a missing one
    if (order === null || (order.userId !== userId && req.auth?.role !== 'ADMIN')) throw new ApiError(404, ErrorCode.ORDER_NOT_FOUND, 'No such order');
    ok(res, order);
  });

  r.get('/user/:userId', async (req, res) => {
    const userId = String(req.params.userId);
    if (userId !== userOf(req) && req.auth?.role !== 'ADMIN') throw new ApiError(403, ErrorCode.FORBIDDEN, "Cannot list another participant's orders");
    const { limit } = userOrdersQuery.parse(req.query);
    const ids = await ctx.redis.zrevrange(ctx.n.keys.userOrders(userId), 0, limit - 1);
    const rows = ids.length === 0 ? [] : await ctx.redis.mget(...ids.map((id) => ctx.n.keys.order(id)));
    ok(res, rows.flatMap((raw) => readOrder(raw) ?? []));
  });
  return r;
}

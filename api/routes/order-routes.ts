import { Router } from 'express';
import { z } from 'zod';
import { limitParam } from '../schemas';
import { ErrorCode } from '../../contracts/errors';
import type { ApiContext } from '../context';
import { ApiError, ok } from '../http-errors';
import { userOf } from '../middleware';
import { answerCancel, answerPlace, prepareCancel, preparePlace } from '../order-commands';
import { parseStored, parseStoredList } from '../../contracts/stored';

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

  r.get('/status/:orderId', async (req, res) => {
    const userId = userOf(req);
    const raw = await ctx.redis.get(ctx.n.keys.order(String(req.params.orderId)));
    const order = parseStored<{ userId: string }>(raw);
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
    ok(res, parseStoredList(rows));
  });
  return r;
}

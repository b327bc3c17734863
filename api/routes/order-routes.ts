import { randomUUID } from 'crypto';
import { Router } from 'express';
import { MAX_QUANTITY } from '../../engine/core/engine';
import { ErrorCode } from '../../contracts/errors';
import { wireToCents } from '../../contracts/money';
import type { Reply } from '../../contracts/wire';
import { Counter } from 'prom-client';
import type { ApiContext } from '../context';
import { ApiError, fail, ok, statusForCode } from '../http-errors';
import { userOf } from '../middleware';
import { cancelBody, placeBody } from '../schemas';
import { listedSymbol } from '../symbols';

const ordersSubmitted = new Counter({ name: 'api_orders_submitted_total', help: 'Orders appended to the input stream', labelNames: ['outcome'] });

export function orderRoutes(ctx: ApiContext): Router {
  const r = Router();

  r.post('/place', async (req, res) => {
    const body = placeBody.parse(req.body);
    const userId = userOf(req);
    if (body.userId !== undefined && body.userId !== userId) throw new ApiError(403, ErrorCode.FORBIDDEN, 'userId does not match the token');
    const symbol = await listedSymbol(ctx, body.symbol);
    const q = body.quantity;
    if (!Number.isSafeInteger(q) || q <= 0 || q > MAX_QUANTITY) throw new ApiError(400, ErrorCode.INVALID_QUANTITY, `quantity must be a whole number from 1 to ${MAX_QUANTITY}`);
    if (q % symbol.lotSize !== 0) throw new ApiError(400, ErrorCode.INVALID_QUANTITY, `quantity must be a multiple of the lot size ${symbol.lotSize}`);
    let price: number | null = null;
    if (body.type === 'LIMIT') {
      if (body.price === undefined || body.price === null) throw new ApiError(400, ErrorCode.INVALID_PRICE, 'a limit order needs a price');
      price = wireToCents(body.price);
      if (price === null || price <= 0) throw new ApiError(400, ErrorCode.INVALID_PRICE, 'price must be positive with at most two decimals');
      if (price % symbol.tickSizeCents !== 0) throw new ApiError(400, ErrorCode.INVALID_PRICE, `price must be a multiple of the tick size ${symbol.tickSizeCents / 100}`);
    } else if (body.price !== undefined && body.price !== null) {
      throw new ApiError(400, ErrorCode.INVALID_PRICE, 'a market order takes no price');
    }
    const orderId = randomUUID();
    const { reply } = await ctx.engine.submit(
      { action: 'place', orderId, clientOrderId: body.clientOrderId ?? null, userId, symbol: symbol.symbol, side: body.side, type: body.type, timeInForce: body.timeInForce, price, quantity: q, stp: body.stp },
      ctx.config.PLACE_TIMEOUT_MS,
    );
    if (reply === null) {
      ordersSubmitted.inc({ outcome: 'pending' });
      return ok(res, { orderId, clientOrderId: body.clientOrderId ?? null, status: 'SUBMITTED' }, 202);
    }
    sendVerdict(res, reply, orderId, 201);
  });

  r.post('/cancel', async (req, res) => {
    const body = cancelBody.parse(req.body);
    const userId = userOf(req);
    if (body.userId !== undefined && body.userId !== userId) throw new ApiError(403, ErrorCode.FORBIDDEN, 'userId does not match the token');
    const { reply } = await ctx.engine.submit({ action: 'cancel', orderId: body.orderId ?? null, clientOrderId: body.clientOrderId ?? null, userId }, ctx.config.PLACE_TIMEOUT_MS);
    if (reply === null) return ok(res, { orderId: body.orderId ?? null, status: 'CANCEL_SUBMITTED' }, 202);
    sendVerdict(res, reply, body.orderId ?? null, 200);
  });

  r.get('/status/:orderId', async (req, res) => {
    const userId = userOf(req);
    const raw = await ctx.redis.get(ctx.n.keys.order(String(req.params.orderId)));
    const order = raw === null ? null : (JSON.parse(raw) as { userId: string });
    // someone else's order is reported exactly like a missing one
    if (order === null || (order.userId !== userId && req.auth?.role !== 'ADMIN')) throw new ApiError(404, ErrorCode.ORDER_NOT_FOUND, 'No such order');
    ok(res, order);
  });

  r.get('/user/:userId', async (req, res) => {
    const userId = String(req.params.userId);
    if (userId !== userOf(req) && req.auth?.role !== 'ADMIN') throw new ApiError(403, ErrorCode.FORBIDDEN, "Cannot list another participant's orders");
    const limit = Math.min(500, Math.max(1, Number(req.query.limit ?? 100) || 100));
    const ids = await ctx.redis.zrevrange(ctx.n.keys.userOrders(userId), 0, limit - 1);
    const rows = ids.length === 0 ? [] : await ctx.redis.mget(...ids.map((id) => ctx.n.keys.order(id)));
    ok(res, rows.filter((x): x is string => x !== null).map((x) => JSON.parse(x) as unknown));
  });
  return r;
}

function sendVerdict(res: Parameters<typeof ok>[0], reply: Reply, orderId: string | null, successStatus: number): void {
  const order = reply.order as { status?: string; code?: number; reason?: string; clientOrderId?: string | null; filledQuantity?: number } | null;
  if (reply.error !== null) {
    ordersSubmitted.inc({ outcome: 'error' });
    return fail(res, statusForCode(reply.error.code), reply.error.code, reply.error.message);
  }
  if (order !== null && order.status === 'REJECTED') {
    ordersSubmitted.inc({ outcome: 'rejected' });
    return fail(res, statusForCode(order.code ?? ErrorCode.SYSTEM_ERROR), order.code ?? ErrorCode.SYSTEM_ERROR, order.reason ?? 'Rejected', { order });
  }
  ordersSubmitted.inc({ outcome: 'accepted' });
  ok(res, { orderId: orderId ?? (order as { orderId?: string } | null)?.orderId ?? null, clientOrderId: order?.clientOrderId ?? null, status: order?.status, filledQuantity: order?.filledQuantity ?? 0, order, trades: reply.trades }, successStatus);
}

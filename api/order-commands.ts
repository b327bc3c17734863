import { randomUUID } from 'crypto';
import { readOrder } from '../contracts/hot-state';
import type { ServerResponse } from 'http';
import { Counter } from 'prom-client';
import { MAX_PRICE, MAX_QUANTITY } from '../contracts/order-limits';
import { ErrorCode } from '../contracts/errors';
import { centsToWire, wireToCents } from '../contracts/money';
import { seriesOf } from '../runtime/metric-series';
import type { Reply } from '../contracts/wire';
import type { ApiContext } from './context';
import type { Submittable } from './engine-client';
import { ApiError, fail, ok, statusForCode } from './http-errors';
import { cancelBody, placeBody } from './schemas';
import { listedSymbol } from './symbols';

/**
 * Placing and cancelling, apart from how the request arrived: the Express routes and the order fast
 * path both turn a body into a stream entry here and answer the engine's verdict here.
 */

const ordersSubmitted = seriesOf(new Counter({ name: 'api_orders_submitted_total', help: 'Orders appended to the input stream', labelNames: ['outcome'] }));

export interface PreparedOrder {
  orderId: string | null;
  clientOrderId: string | null;
  entry: Submittable;
}

export async function preparePlace(ctx: ApiContext, raw: unknown, userId: string): Promise<PreparedOrder> {
  const body = placeBody.parse(raw);
  if (body.userId !== undefined && body.userId !== userId) throw new ApiError(403, ErrorCode.FORBIDDEN, 'userId does not match the token');
  const symbol = await listedSymbol(ctx, body.symbol);
  const q = body.quantity;
  if (!Number.isSafeInteger(q) || q <= 0 || q > MAX_QUANTITY) throw new ApiError(400, ErrorCode.INVALID_QUANTITY, `quantity must be a whole number from 1 to ${MAX_QUANTITY}`);
  if (q % symbol.lotSize !== 0) throw new ApiError(400, ErrorCode.INVALID_QUANTITY, `quantity must be a multiple of the lot size ${symbol.lotSize}`);
  const market = body.type === 'MARKET' || body.type === 'STOP_MARKET';
  const stop = body.type === 'STOP_MARKET' || body.type === 'STOP_LIMIT';
  /** a price field in cents, on the symbol's tick, within the engine's bounds (which it checks too) */
  const cents = (v: unknown, name: string): number => {
    const c = typeof v === 'number' || typeof v === 'string' ? wireToCents(v) : null;
    if (c === null || c <= 0) throw new ApiError(400, ErrorCode.INVALID_PRICE, `${name} must be positive with at most two decimals`);
    if (c > MAX_PRICE) throw new ApiError(400, ErrorCode.INVALID_PRICE, `${name} must be at most ${centsToWire(MAX_PRICE)}`);
    if (c % symbol.tickSizeCents !== 0) throw new ApiError(400, ErrorCode.INVALID_PRICE, `${name} must be a multiple of the tick size ${centsToWire(symbol.tickSizeCents)}`);
    // the engine's own bound, checked here so that such an order never reaches the stream
    if (c * q > Number.MAX_SAFE_INTEGER) throw new ApiError(400, ErrorCode.INVALID_QUANTITY, `${name} x quantity is too large`);
    return c;
  };
  let price: number | null = null;
  if (!market) {
    if (body.price === undefined || body.price === null) throw new ApiError(400, ErrorCode.INVALID_PRICE, `a ${body.type === 'STOP_LIMIT' ? 'stop-limit' : 'limit'} order needs a price`);
    price = cents(body.price, 'price');
  } else if (body.price !== undefined && body.price !== null) {
    throw new ApiError(400, ErrorCode.INVALID_PRICE, 'a market order takes no price');
  }
  let stopPrice: number | null = null;
  if (stop) {
    if (body.stopPrice === undefined || body.stopPrice === null) throw new ApiError(400, ErrorCode.INVALID_PRICE, 'a stop order needs a stopPrice');
    stopPrice = cents(body.stopPrice, 'stopPrice');
  } else if (body.stopPrice !== undefined && body.stopPrice !== null) {
    throw new ApiError(400, ErrorCode.INVALID_PRICE, 'only STOP_MARKET and STOP_LIMIT orders take a stopPrice');
  }
  const orderId = randomUUID();
  const clientOrderId = body.clientOrderId ?? null;
  return {
    orderId,
    clientOrderId,
    entry: { action: 'place', orderId, clientOrderId, userId, symbol: symbol.symbol, side: body.side, type: body.type, timeInForce: body.timeInForce, price, quantity: q, stp: body.stp, ...(stop ? { stopPrice } : null) },
  };
}

export function prepareCancel(raw: unknown, userId: string): PreparedOrder {
  const body = cancelBody.parse(raw);
  if (body.userId !== undefined && body.userId !== userId) throw new ApiError(403, ErrorCode.FORBIDDEN, 'userId does not match the token');
  const orderId = body.orderId ?? null;
  const clientOrderId = body.clientOrderId ?? null;
  return { orderId, clientOrderId, entry: { action: 'cancel', orderId, clientOrderId, userId } };
}

/**
 * 200 with the verdict of a place (as the original exchange, Binance and Alpaca answer), or 202
 * when the engine has not answered within the wait (the order is in the stream and will be
 * applied). A place whose clientOrderId was used before created nothing: the same request is
 * answered with the first order's current state (200 with `retried: true`, or 422 with its refusal
 * if it was refused), a different one with 409.
 */
export async function answerPlace(ctx: ApiContext, res: ServerResponse, order: PreparedOrder, reply: Reply | null): Promise<void> {
  const duplicate = reply?.error?.duplicateOf;
  if (duplicate !== undefined) return answerDuplicate(ctx, res, duplicate, reply!.error!.message);
  if (reply !== null) return sendVerdict(res, reply, order.orderId, 200, false);
  ordersSubmitted('pending').inc();
  ok(res, { orderId: order.orderId, clientOrderId: order.clientOrderId, status: 'SUBMITTED' }, 202);
}

export function answerCancel(res: ServerResponse, order: PreparedOrder, reply: Reply | null): void {
  if (reply !== null) return sendVerdict(res, reply, order.orderId, 200, null);
  ok(res, { orderId: order.orderId, status: 'CANCEL_SUBMITTED' }, 202);
}

async function answerDuplicate(ctx: ApiContext, res: ServerResponse, duplicate: { orderId: string; sameRequest: boolean }, message: string): Promise<void> {
  if (!duplicate.sameRequest) {
    ordersSubmitted('duplicate').inc();
    return fail(res, 409, ErrorCode.DUPLICATE_ORDER, message, { orderId: duplicate.orderId });
  }
  ordersSubmitted('retried').inc();
  // the engine wrote the first order's state before it answered this one
  const first = readOrder(await ctx.redis.get(ctx.n.keys.order(duplicate.orderId)));
  if (first === null) return ok(res, { orderId: duplicate.orderId, status: 'SUBMITTED', order: null, trades: [], retried: true }, 200);
  if (first.status === 'REJECTED') return fail(res, statusForCode(first.code), first.code, first.reason ?? 'Rejected', { order: first });
  ok(res, { orderId: first.orderId, clientOrderId: first.clientOrderId, status: first.status, filledQuantity: first.filledQuantity, order: first, trades: [], retried: true }, 200);
}

/** `retried`: for a place, whether this answer is an earlier order's (false here); null for a cancel */
function sendVerdict(res: ServerResponse, reply: Reply, orderId: string | null, successStatus: number, retried: boolean | null): void {
  const order = reply.order as { status?: string; code?: number; reason?: string; clientOrderId?: string | null; filledQuantity?: number } | null;
  if (reply.error !== null) {
    ordersSubmitted('error').inc();
    return fail(res, statusForCode(reply.error.code), reply.error.code, reply.error.message);
  }
  if (order !== null && order.status === 'REJECTED') {
    ordersSubmitted('rejected').inc();
    return fail(res, statusForCode(order.code ?? ErrorCode.SYSTEM_ERROR), order.code ?? ErrorCode.SYSTEM_ERROR, order.reason ?? 'Rejected', { order });
  }
  ordersSubmitted('accepted').inc();
  const answer = { orderId: orderId ?? (order as { orderId?: string } | null)?.orderId ?? null, clientOrderId: order?.clientOrderId ?? null, status: order?.status, filledQuantity: order?.filledQuantity ?? 0, order, trades: reply.trades };
  ok(res, retried === null ? answer : { ...answer, retried }, successStatus);
}

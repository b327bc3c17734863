import { Router } from 'express';
import { z } from 'zod';
import { centsToWire } from '../../contracts/money';
import type { ApiContext } from '../context';
import { ApiError, ok } from '../http-errors';
import { ErrorCode } from '../../contracts/errors';
import { idText, limitParam, queryDate, symbolText } from '../schemas';
import { userOf } from '../authentication';

/** A participant's orders and trades from PostgreSQL, filtered and paginated newest first. */
export const historyQuery = z
  .object({
    symbol: symbolText.optional(),
    status: z.enum(['PENDING', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED']).optional(),
    /** ISO time or epoch milliseconds */
    from: queryDate.optional(),
    to: queryDate.optional(),
    limit: limitParam(500, 100),
    /** the `nextCursor` of the previous page */
    cursor: z.string().max(200).optional(),
  })
  .strict();

/** Pages continue after (time, id) of the last row: stable while new rows arrive. */
const encodeCursor = (at: Date, id: string) => Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
const cursorShape = z.tuple([z.string().datetime(), idText]);
/** A cursor this api wrote, or 400: anything else would reach PostgreSQL as a time or an id. */
function decodeCursor(cursor: string | undefined): [string, string] | null {
  if (cursor === undefined) return null;
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const shape = cursorShape.safeParse(parsed);
  if (!shape.success || Number.isNaN(Date.parse(shape.data[0]))) throw new ApiError(400, ErrorCode.VALIDATION_ERROR, 'cursor: not one this api gave out');
  return shape.data;
}

export function historyRoutes(ctx: ApiContext): Router {
  const r = Router();

  r.get('/orders', async (req, res) => {
    const q = historyQuery.parse(req.query);
    const after = decodeCursor(q.cursor);
    const rows = await ctx.prisma.$queryRawUnsafe<Record<string, any>[]>(
      `SELECT id, client_order_id, symbol, side, order_type, time_in_force, price, stop_price, quantity, filled_quantity, status, code, reason, fee, created_at, updated_at
       FROM orders
       WHERE user_id = $1 AND ($2::text IS NULL OR symbol = $2) AND ($3::text IS NULL OR status = $3)
         AND ($4::timestamptz IS NULL OR created_at >= $4) AND ($5::timestamptz IS NULL OR created_at < $5)
         AND ($6::timestamptz IS NULL OR (created_at, id) < ($6, $7))
       ORDER BY created_at DESC, id DESC LIMIT $8`,
      userOf(req), q.symbol ?? null, q.status ?? null, q.from ?? null, q.to ?? null, after?.[0] ?? null, after?.[1] ?? '', q.limit,
    );
    const items = rows.map((o) => ({
      orderId: o.id,
      clientOrderId: o.client_order_id,
      symbol: o.symbol,
      side: o.side,
      orderType: o.order_type,
      timeInForce: o.time_in_force,
      price: o.price === null ? null : centsToWire(Number(o.price)),
      stopPrice: o.stop_price === null ? null : centsToWire(Number(o.stop_price)),
      quantity: Number(o.quantity),
      filledQuantity: Number(o.filled_quantity),
      status: o.status,
      code: o.code,
      reason: o.reason,
      fee: centsToWire(Number(o.fee)),
      createdAt: o.created_at,
      updatedAt: o.updated_at,
    }));
    const last = rows[rows.length - 1];
    ok(res, { items, nextCursor: rows.length === q.limit ? encodeCursor(last.created_at, last.id) : null });
  });

  r.get('/trades', async (req, res) => {
    const q = historyQuery.omit({ status: true }).parse(req.query);
    const after = decodeCursor(q.cursor);
    const me = userOf(req);
    const rows = await ctx.prisma.$queryRawUnsafe<Record<string, any>[]>(
      `SELECT id, symbol, price, quantity, buy_order_id, sell_order_id, buy_user_id, sell_user_id, taker_side, buy_fee, sell_fee, executed_at
       FROM trades
       WHERE (buy_user_id = $1 OR sell_user_id = $1) AND ($2::text IS NULL OR symbol = $2)
         AND ($3::timestamptz IS NULL OR executed_at >= $3) AND ($4::timestamptz IS NULL OR executed_at < $4)
         AND ($5::timestamptz IS NULL OR (executed_at, id) < ($5, $6::bigint))
       ORDER BY executed_at DESC, id DESC LIMIT $7`,
      me, q.symbol ?? null, q.from ?? null, q.to ?? null, after?.[0] ?? null, after?.[1] ?? '0', q.limit,
    );
    const items = rows.map((t) => {
      const side = t.buy_user_id === me ? 'BUY' : 'SELL';
      return {
        tradeId: Number(t.id),
        symbol: t.symbol,
        side,
        price: centsToWire(Number(t.price)),
        quantity: Number(t.quantity),
        orderId: side === 'BUY' ? t.buy_order_id : t.sell_order_id,
        liquidity: t.taker_side === side ? 'TAKER' : 'MAKER',
        fee: centsToWire(Number(side === 'BUY' ? t.buy_fee : t.sell_fee)),
        executedAt: t.executed_at,
      };
    });
    const last = rows[rows.length - 1];
    ok(res, { items, nextCursor: rows.length === q.limit ? encodeCursor(last.executed_at, String(last.id)) : null });
  });
  return r;
}

import { Router } from 'express';
import { readBook, readPublicTrade, readQuote, readReference, readSession, readSymbol } from '../../contracts/hot-state';
import { z } from 'zod';
import { centsToWire } from '../../contracts/money';
import type { ApiContext } from '../context';
import { ApiError, ok } from '../http-errors';
import { ErrorCode } from '../../contracts/errors';
import { listedSymbol } from '../symbols';
import { publicRules } from '../event-service';
import { limitParam, queryDate } from '../schemas';

export const CANDLE_INTERVALS = { '1m': '1 minute', '5m': '5 minutes', '15m': '15 minutes', '1h': '1 hour', '1d': '1 day' } as const;
export const candlesQuery = z
  .object({
    interval: z.enum(Object.keys(CANDLE_INTERVALS) as [keyof typeof CANDLE_INTERVALS]).default('1m'),
    from: queryDate.optional(),
    to: queryDate.optional(),
    limit: limitParam(1000, 500),
  })
  .strict();

/** Market data from hot state; a listed symbol with no trading yet gets an empty quote and book. */
export function marketRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.get('/symbols', async (_req, res) => {
    const all = await ctx.redis.hgetall(ctx.n.keys.symbols);
    const listed = Object.values(all).flatMap((raw) => readSymbol(raw) ?? []);
    ok(res, listed.map(({ symbol, tickSize, lotSize }) => ({ symbol, tickSize, lotSize })));
  });
  r.get('/quote/:symbol', async (req, res) => {
    const { symbol } = await listedSymbol(ctx, String(req.params.symbol));
    const raw = await ctx.redis.get(ctx.n.keys.quote(symbol));
    ok(res, readQuote(raw) ?? { type: 'tick', seq: 0, symbol, lastTradePrice: null, lastTradeQuantity: 0, bidPrice: null, bidQuantity: 0, askPrice: null, askQuantity: 0, totalVolume: 0, timestamp: null });
  });
  // the data-server's reference price: a guide, not a trade
  r.get('/reference/:symbol', async (req, res) => {
    const { symbol } = await listedSymbol(ctx, String(req.params.symbol));
    const raw = await ctx.redis.get(ctx.n.keys.reference(symbol));
    const reference = readReference(raw);
    if (reference === null) throw new ApiError(404, ErrorCode.NOT_FOUND, `No reference price for ${symbol} yet`);
    ok(res, reference);
  });
  // the loaded event's rules as participants see them (limits, fees, what everyone started with): no news schedule
  r.get('/rules', async (_req, res) => ok(res, await publicRules(ctx)));
  r.get('/orderbook/:symbol', async (req, res) => {
    const { symbol } = await listedSymbol(ctx, String(req.params.symbol));
    const raw = await ctx.redis.get(ctx.n.keys.orderbook(symbol));
    ok(res, readBook(raw) ?? { type: 'orderbook', seq: 0, symbol, bids: [], asks: [], timestamp: null });
  });
  r.get('/trades/:symbol', async (req, res) => {
    const { symbol } = await listedSymbol(ctx, String(req.params.symbol));
    const rows = await ctx.redis.zrevrange(ctx.n.keys.recentTrades(symbol), 0, 99);
    ok(res, rows.flatMap((raw) => readPublicTrade(raw) ?? []));
  });
  // OHLCV from the trades in PostgreSQL, oldest first, buckets aligned to UTC
  r.get('/candles/:symbol', async (req, res) => {
    const { symbol } = await listedSymbol(ctx, String(req.params.symbol));
    const q = candlesQuery.parse(req.query);
    const rows = await ctx.prisma.$queryRawUnsafe<Record<string, any>[]>(
      `SELECT date_bin($2::interval, executed_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket,
              (array_agg(price ORDER BY id))[1] AS open, max(price) AS high, min(price) AS low,
              (array_agg(price ORDER BY id DESC))[1] AS close, sum(quantity) AS volume, count(*) AS trades
       FROM trades
       WHERE symbol = $1 AND ($3::timestamptz IS NULL OR executed_at >= $3) AND ($4::timestamptz IS NULL OR executed_at < $4)
       GROUP BY bucket ORDER BY bucket DESC LIMIT $5`,
      symbol, CANDLE_INTERVALS[q.interval], q.from ?? null, q.to ?? null, q.limit,
    );
    ok(res, {
      symbol,
      interval: q.interval,
      candles: rows.reverse().map((c) => ({
        time: c.bucket,
        open: centsToWire(Number(c.open)),
        high: centsToWire(Number(c.high)),
        low: centsToWire(Number(c.low)),
        close: centsToWire(Number(c.close)),
        volume: Number(c.volume),
        trades: Number(c.trades),
      })),
    });
  });
  r.get('/session', async (_req, res) => {
    const raw = await ctx.redis.get(ctx.n.keys.session);
    ok(res, readSession(raw) ?? { type: 'session', state: 'CLOSED' });
  });
  return r;
}

import { Router } from 'express';
import type { ApiContext } from '../context';
import { ok } from '../http-errors';
import { listedSymbol } from '../symbols';

/** Market data from hot state; a listed symbol with no trading yet gets an empty quote and book. */
export function marketRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.get('/symbols', async (_req, res) => {
    const all = await ctx.redis.hgetall(ctx.n.keys.symbols);
    ok(res, Object.values(all).map((s) => {
      const { symbol, tickSize, lotSize } = JSON.parse(s) as { symbol: string; tickSize: number; lotSize: number };
      return { symbol, tickSize, lotSize };
    }));
  });
  r.get('/quote/:symbol', async (req, res) => {
    const { symbol } = await listedSymbol(ctx, String(req.params.symbol));
    const raw = await ctx.redis.get(ctx.n.keys.quote(symbol));
    ok(res, raw !== null ? JSON.parse(raw) : { type: 'tick', seq: 0, symbol, lastTradePrice: null, lastTradeQuantity: 0, bidPrice: null, bidQuantity: 0, askPrice: null, askQuantity: 0, totalVolume: 0, timestamp: null });
  });
  r.get('/orderbook/:symbol', async (req, res) => {
    const { symbol } = await listedSymbol(ctx, String(req.params.symbol));
    const raw = await ctx.redis.get(ctx.n.keys.orderbook(symbol));
    ok(res, raw !== null ? JSON.parse(raw) : { type: 'orderbook', seq: 0, symbol, bids: [], asks: [], timestamp: null });
  });
  r.get('/trades/:symbol', async (req, res) => {
    const { symbol } = await listedSymbol(ctx, String(req.params.symbol));
    const rows = await ctx.redis.lrange(`${ctx.n.prefix}recent_trades:${symbol}`, 0, 99);
    ok(res, rows.map((x) => JSON.parse(x) as unknown));
  });
  r.get('/session', async (_req, res) => {
    const raw = await ctx.redis.get(ctx.n.keys.session);
    ok(res, raw !== null ? JSON.parse(raw) : { type: 'session', state: 'CLOSED' });
  });
  return r;
}

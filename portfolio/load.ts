import type Redis from 'ioredis';
import { markCentsOf, readBalance } from '../contracts/hot-state';
import { averageCostToWire, centsToWire, wireToCents } from '../contracts/money';
import type { Names } from '../contracts/names';
import type { PrismaClient } from '../runtime/prisma';
import { applyFills, portfolioView, type Fill, type Position } from './positions';

/**
 * Positions already folded from a participant's fills, so that a refresh reads only the fills
 * after them. Only for a reader that knows the database holds every fill up to the newest it has
 * seen (db-writer persisting one job at a time, in order).
 */
export type PositionCache = Map<string, { since: bigint; lastSeq: bigint; positions: Map<string, Position> }>;

/**
 * A participant's portfolio: cash from the live balance, positions with average cost and realized
 * P&L from their fills and share credits in PostgreSQL, marked to the last trade (or the reference
 * price before the first one). Money in currency units.
 */
export async function loadPortfolio(prisma: PrismaClient, redis: Redis, n: Names, userId: string, cache?: PositionCache) {
  // only the current event counts: fills after the last reset
  const since = BigInt((await redis.get(n.keys.eventStartSeq)) ?? '0');
  let known = cache?.get(userId);
  if (known === undefined || known.since !== since) known = { since, lastSeq: since, positions: new Map() };
  const after = known.lastSeq;
  const [balanceRaw, trades, credits, symbols] = await Promise.all([
    redis.get(n.keys.balance(userId)),
    prisma.$queryRawUnsafe<{ seq: bigint; symbol: string; price: bigint; quantity: bigint; buy_user_id: string; sell_user_id: string; buy_fee: bigint; sell_fee: bigint }[]>(
      'SELECT seq, symbol, price, quantity, buy_user_id, sell_user_id, buy_fee, sell_fee FROM trades WHERE (buy_user_id = $1 OR sell_user_id = $1) AND seq > $2',
      userId,
      after,
    ),
    prisma.credit.findMany({ where: { userId, NOT: { asset: 'CASH' }, seq: { gt: after } } }),
    redis.hkeys(n.keys.symbols),
  ]);
  const fills: Fill[] = [];
  for (const t of trades) {
    // a trade with oneself cannot happen (self-trade prevention), so each is one side
    const buy = t.buy_user_id === userId;
    fills.push({ seq: Number(t.seq), symbol: t.symbol, kind: buy ? 'BUY' : 'SELL', quantity: Number(t.quantity), price: Number(t.price), fee: Number(buy ? t.buy_fee : t.sell_fee) });
  }
  for (const c of credits) fills.push({ seq: Number(c.seq), symbol: c.asset, kind: 'CREDIT', quantity: Number(c.amount), price: c.price === null ? 0 : Number(c.price) });
  const positions = applyFills(known.positions, fills);
  for (const f of fills) if (BigInt(f.seq) > known.lastSeq) known.lastSeq = BigInt(f.seq);
  cache?.set(userId, known);
  const marks: Record<string, number | null> = {};
  for (const symbol of symbols) marks[symbol] = await markCents(redis, n, symbol);
  const balance = readBalance(balanceRaw);
  const cash = { available: wireToCents(balance?.cash.available ?? 0) ?? 0, locked: wireToCents(balance?.cash.locked ?? 0) ?? 0 };
  const view = portfolioView(userId, cash, positions, marks);
  const w = (c: number | null) => (c === null ? null : centsToWire(c));
  return {
    userId,
    cash: { available: w(cash.available), locked: w(cash.locked) },
    positions: view.positions.map((p) => ({ ...p, averageCost: p.averageCost === null ? null : averageCostToWire(p.averageCost), marketPrice: w(p.marketPrice), marketValue: w(p.marketValue), unrealizedPnl: w(p.unrealizedPnl), realizedPnl: w(p.realizedPnl), feesPaid: w(p.feesPaid) })),
    equity: w(view.equity),
    realizedPnl: w(view.realizedPnl),
    unrealizedPnl: w(view.unrealizedPnl),
    feesPaid: w(view.feesPaid),
  };
}

/** The last trade price, or the reference price before any trade, in cents; null if neither. */
export async function markCents(redis: Redis, n: Names, symbol: string): Promise<number | null> {
  const [quote, reference] = await redis.mget(n.keys.quote(symbol), n.keys.reference(symbol));
  return markCentsOf(quote, reference);
}

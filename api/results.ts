import { ErrorCode } from '../contracts/errors';
import { readStoredEvent } from '../contracts/event-file';
import { centsToWire, wireToCents } from '../contracts/money';
import { equityStats } from '../portfolio/equity-stats';
import { loadPortfolio } from '../portfolio/load';
import type { ApiContext } from './context';

export interface ResultRow {
  rank: number;
  userId: string;
  username: string;
  /** dollars */
  startingValue: number;
  finalEquity: number;
  returnPct: number;
  maxDrawdownPct: number;
  sharpe: number | null;
  trades: number;
  feesPaid: number;
  limitBreachesRefused: number;
}

/**
 * The event's results: participants only (no liquidity bots, no organisers), ranked by final
 * equity, which is the leaderboard's own figure (cash plus positions at the last trade), in
 * dollars. Return is against what the participant was given this event (cash and shares credited
 * since the last reset, shares at the price they were credited at, else the event's reference);
 * drawdown and Sharpe come from the equity curve the data-server samples, like the leaderboard's.
 */
export async function eventResults(ctx: ApiContext): Promise<{ event: string | null; generatedAt: string; rows: ResultRow[] }> {
  const [bots, eventRaw, startRaw] = await Promise.all([ctx.redis.smembers(ctx.n.keys.botIds), ctx.redis.get(ctx.n.keys.event), ctx.redis.get(ctx.n.keys.eventStartSeq)]);
  const since = BigInt(startRaw ?? '0');
  const event = readStoredEvent(eventRaw)?.event ?? null;
  const references = new Map((event?.symbols ?? []).map((s) => [s.symbol, s.referencePrice]));
  const users = await ctx.prisma.user.findMany({ where: { role: 'PARTICIPANT', id: { notIn: bots } }, select: { id: true, username: true } });
  const ids = users.map((u) => u.id);
  const [credits, tradeCounts, breaches] = await Promise.all([
    ctx.prisma.credit.findMany({ where: { userId: { in: ids }, seq: { gt: since } }, select: { userId: true, asset: true, amount: true, price: true } }),
    ctx.prisma.$queryRawUnsafe<{ user_id: string; trades: bigint }[]>(
      `SELECT user_id, count(*) AS trades FROM (
         SELECT buy_user_id AS user_id FROM trades WHERE seq > $1 UNION ALL SELECT sell_user_id FROM trades WHERE seq > $1
       ) t GROUP BY user_id`,
      since,
    ),
    ctx.prisma.$queryRawUnsafe<{ user_id: string; refused: bigint }[]>(
      `SELECT user_id, count(*) AS refused FROM orders WHERE status = 'REJECTED' AND code IN ($1, $2) AND last_seq > $3 GROUP BY user_id`,
      ErrorCode.POSITION_LIMIT_EXCEEDED, ErrorCode.ORDER_LIMIT_EXCEEDED, since,
    ),
  ]);
  const given = new Map<string, number>();
  for (const c of credits) {
    const value = c.asset === 'CASH' ? Number(c.amount) : Number(c.amount) * (c.price === null ? references.get(c.asset) ?? 0 : Number(c.price));
    given.set(c.userId, (given.get(c.userId) ?? 0) + value);
  }
  const tradesOf = new Map(tradeCounts.map((t) => [t.user_id, Number(t.trades)]));
  const breachesOf = new Map(breaches.map((b) => [b.user_id, Number(b.refused)]));
  const rows: Omit<ResultRow, 'rank'>[] = [];
  for (const u of users) {
    const [p, curve] = await Promise.all([loadPortfolio(ctx.prisma, ctx.redis, ctx.n, u.id), ctx.redis.lrange(ctx.n.keys.equity(u.id), 0, -1)]);
    const equity = wireToCents(p.equity ?? 0) ?? 0;
    const start = given.get(u.id) ?? 0;
    const stats = equityStats(curve.map((s) => Number(s.slice(s.indexOf(':') + 1))));
    rows.push({
      userId: u.id,
      username: u.username,
      startingValue: centsToWire(start),
      finalEquity: centsToWire(equity),
      returnPct: start > 0 ? Math.round(((equity - start) / start) * 1e6) / 1e4 : 0,
      maxDrawdownPct: Math.round(stats.maxDrawdownPct * 1e4) / 1e4,
      sharpe: stats.sharpe === null ? null : Math.round(stats.sharpe * 1e4) / 1e4,
      trades: tradesOf.get(u.id) ?? 0,
      feesPaid: p.feesPaid ?? 0,
      limitBreachesRefused: breachesOf.get(u.id) ?? 0,
    });
  }
  rows.sort((a, b) => b.finalEquity - a.finalEquity || a.username.localeCompare(b.username));
  return { event: event?.name ?? null, generatedAt: new Date().toISOString(), rows: rows.map((r, i) => ({ rank: i + 1, ...r })) };
}

const COLUMNS: (keyof ResultRow)[] = ['rank', 'username', 'userId', 'startingValue', 'finalEquity', 'returnPct', 'maxDrawdownPct', 'sharpe', 'trades', 'feesPaid', 'limitBreachesRefused'];

/** RFC 4180 CSV; a cell that a spreadsheet would run as a formula is prefixed with ' */
export function resultsCsv(rows: ResultRow[]): string {
  const cell = (v: unknown) => {
    let text = v === null || v === undefined ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(text) && typeof v === 'string') text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}

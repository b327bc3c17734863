import { wireAmountToCents } from '../../contracts/money';
import { loadPortfolio } from '../../portfolio/load';
import type { ApiContext } from '../context';

/**
 * The end-of-session snapshot of every participant's portfolio. It waits (boundedly) until
 * db-writer has persisted everything up to the close, so the expiries and last fills are in it.
 */
export async function snapshotPortfolios(ctx: ApiContext, closeSeq: number): Promise<{ participants: number; complete: boolean }> {
  const deadline = Date.now() + 15_000;
  let complete = false;
  while (!(complete = Number((await ctx.redis.get(ctx.n.keys.persistedSeq)) ?? 0) >= closeSeq) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!complete) ctx.log.warn({ closeSeq }, 'db-writer had not caught up with the close; snapshot taken anyway');
  const closedAt = new Date();
  const users = await ctx.prisma.user.findMany({ where: { role: 'PARTICIPANT' }, select: { id: true, username: true } });
  const cents = (x: number | null) => BigInt(wireAmountToCents(x ?? 0));
  const rows = [];
  for (const u of users) {
    const p = await loadPortfolio(ctx.prisma, ctx.redis, ctx.n, u.id);
    rows.push({ closedAt, userId: u.id, username: u.username, equity: cents(p.equity), cash: cents((p.cash.available ?? 0) + (p.cash.locked ?? 0)), realizedPnl: cents(p.realizedPnl), unrealizedPnl: cents(p.unrealizedPnl), positions: p.positions as object });
  }
  await ctx.prisma.portfolioSnapshot.createMany({ data: rows });
  return { participants: rows.length, complete };
}

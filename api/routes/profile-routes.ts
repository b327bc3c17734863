import { Router } from 'express';
import { ErrorCode } from '../../contracts/errors';
import { loadPortfolio } from '../../portfolio/load';
import type { ApiContext } from '../context';
import { ApiError, ok } from '../http-errors';
import { idText, profileBody } from '../schemas';
import { standingsOf } from '../standings';
import { userOf } from '../authentication';

/**
 * A participant's public profile: who they are (display name, bio), where they stand (rank,
 * equity, return, drawdown, Sharpe from the leaderboard), how many trades they made in this event,
 * who follows them, and their open positions when they chose to show them.
 */
export function profileRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.get('/:userId', async (req, res) => {
    const userId = idText.parse(req.params.userId);
    const user = await ctx.prisma.user.findUnique({ where: { id: userId }, select: { id: true, username: true, displayName: true, bio: true, showPositions: true, createdAt: true } });
    if (user === null) throw new ApiError(404, ErrorCode.NOT_FOUND, `No participant with id ${userId}`);
    // only the current event's trades: those after the last reset
    const since = BigInt((await ctx.redis.get(ctx.n.keys.eventStartSeq)) ?? '0');
    const [[standing], [{ trades }], followers, following, positions] = await Promise.all([
      standingsOf(ctx, [userId]),
      ctx.prisma.$queryRawUnsafe<{ trades: bigint }[]>('SELECT count(*) AS trades FROM trades WHERE (buy_user_id = $1 OR sell_user_id = $1) AND seq > $2', userId, since),
      ctx.prisma.follow.count({ where: { followeeId: userId } }),
      ctx.prisma.follow.count({ where: { followerId: userId } }),
      user.showPositions ? openPositions(ctx, userId) : Promise.resolve(null),
    ]);
    ok(res, {
      userId: user.id,
      username: user.username,
      displayName: user.displayName,
      bio: user.bio,
      joinedAt: user.createdAt.toISOString(),
      rank: standing?.rank ?? null,
      equity: standing?.equity ?? null,
      returnPct: standing?.returnPct ?? null,
      maxDrawdownPct: standing?.maxDrawdownPct ?? null,
      sharpe: standing?.sharpe ?? null,
      trades: Number(trades),
      followers,
      following,
      positions,
    });
  });
  return r;
}

/** The open positions a participant chose to show: what they hold and how it stands, not their cash. */
async function openPositions(ctx: ApiContext, userId: string) {
  const portfolio = await loadPortfolio(ctx.prisma, ctx.redis, ctx.n, userId);
  return portfolio.positions
    .filter((p) => p.quantity !== 0)
    .map((p) => ({ symbol: p.symbol, quantity: p.quantity, averageCost: p.averageCost, marketPrice: p.marketPrice, marketValue: p.marketValue, unrealizedPnl: p.unrealizedPnl }));
}

/** The participant's own profile settings (under /account, behind authentication). */
export function ownProfileRoutes(ctx: ApiContext): Router {
  const r = Router();
  const select = { displayName: true, bio: true, showPositions: true } as const;
  r.get('/profile', async (req, res) => ok(res, await ctx.prisma.user.findUniqueOrThrow({ where: { id: userOf(req) }, select })));
  r.post('/profile', async (req, res) => {
    const body = profileBody.parse(req.body);
    ok(res, await ctx.prisma.user.update({ where: { id: userOf(req) }, data: body, select }));
  });
  return r;
}

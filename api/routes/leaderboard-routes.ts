import { Router } from 'express';
import { z } from 'zod';
import { limitParam } from '../schemas';
import type { ApiContext } from '../context';
import { ok } from '../http-errors';
import { requireAuth, userOf } from '../authentication';
import { curveStats, standingsOf } from '../standings';

const leaderboardQuery = z.object({ limit: limitParam(500, 50) }).strict();

/** The leaderboard data-server keeps: participants by equity, with each equity curve's return, drawdown and Sharpe. */
export function leaderboardRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const { limit } = leaderboardQuery.parse(req.query);
    const [top, updatedAt] = await Promise.all([ctx.redis.zrevrange(ctx.n.keys.leaderboard, 0, limit - 1, 'WITHSCORES'), ctx.redis.get(ctx.n.keys.leaderboardUpdatedAt)]);
    const ids: string[] = [];
    for (let i = 0; i < top.length; i += 2) ids.push(top[i]);
    const [names, curves] = await Promise.all([namesOf(ctx, ids), Promise.all(ids.map((id) => ctx.redis.lrange(ctx.n.keys.equity(id), 0, -1)))]);
    const entries = ids.map((id, i) => ({ rank: i + 1, userId: id, ...names.get(id)!, equity: Number(top[2 * i + 1]), ...curveStats(curves[i]) }));
    ok(res, { updatedAt: updatedAt === null ? null : Number(updatedAt), entries });
  });
  // the "following" tab: the participants you follow and you, each at their place on the whole board
  r.get('/following', requireAuth(ctx), async (req, res) => {
    const me = userOf(req);
    const followed = await ctx.prisma.follow.findMany({ where: { followerId: me }, select: { followeeId: true } });
    const ids = [me, ...followed.map((f) => f.followeeId)];
    const [standings, names, updatedAt] = await Promise.all([standingsOf(ctx, ids), namesOf(ctx, ids), ctx.redis.get(ctx.n.keys.leaderboardUpdatedAt)]);
    const entries = ids
      .map((id, i) => (standings[i] === null ? null : { ...standings[i]!, userId: id, ...names.get(id)! }))
      .filter((e) => e !== null)
      .sort((a, b) => a.rank - b.rank);
    ok(res, { updatedAt: updatedAt === null ? null : Number(updatedAt), entries });
  });
  return r;
}

/** Each participant's username and display name (null for one not found). */
async function namesOf(ctx: ApiContext, ids: string[]): Promise<Map<string, { username: string | null; displayName: string | null }>> {
  const users = await ctx.prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, username: true, displayName: true } });
  const found = new Map(users.map((u) => [u.id, { username: u.username, displayName: u.displayName }]));
  return new Map(ids.map((id) => [id, found.get(id) ?? { username: null, displayName: null }]));
}

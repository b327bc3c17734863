import { Router } from 'express';
import { z } from 'zod';
import { limitParam } from '../schemas';
import { equityStats } from '../../portfolio/equity-stats';
import type { ApiContext } from '../context';
import { ok } from '../http-errors';

const leaderboardQuery = z.object({ limit: limitParam(500, 50) }).strict();

/** The leaderboard data-server keeps: participants by equity, with each equity curve's return, drawdown and Sharpe. */
export function leaderboardRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const { limit } = leaderboardQuery.parse(req.query);
    const [top, updatedAt] = await Promise.all([ctx.redis.zrevrange(ctx.n.keys.leaderboard, 0, limit - 1, 'WITHSCORES'), ctx.redis.get(ctx.n.keys.leaderboardUpdatedAt)]);
    const ids: string[] = [];
    for (let i = 0; i < top.length; i += 2) ids.push(top[i]);
    const [users, curves] = await Promise.all([
      ctx.prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, username: true } }),
      Promise.all(ids.map((id) => ctx.redis.lrange(ctx.n.keys.equity(id), 0, -1))),
    ]);
    const names = new Map(users.map((u) => [u.id, u.username]));
    const entries = ids.map((id, i) => ({
      rank: i + 1,
      userId: id,
      username: names.get(id) ?? null,
      equity: Number(top[2 * i + 1]),
      ...equityStats(curves[i].map((s) => Number(s.slice(s.indexOf(':') + 1)))),
    }));
    ok(res, { updatedAt: updatedAt === null ? null : Number(updatedAt), entries });
  });
  return r;
}

import { equityStats } from '../portfolio/equity-stats';
import type { ApiContext } from './context';

/** A participant's place on the leaderboard data-server keeps, with their equity curve's figures. */
export interface Standing {
  rank: number;
  equity: number;
  returnPct: number | null;
  maxDrawdownPct: number | null;
  sharpe: number | null;
}

/** The figures of one equity curve as data-server stores it (`time:equity` entries). */
export function curveStats(curve: string[]) {
  return equityStats(curve.map((s) => Number(s.slice(s.indexOf(':') + 1))));
}

/**
 * Where each of `ids` stands (null: not ranked yet, as a participant holding nothing), in one
 * round trip to Redis: for a profile and the leaderboard's "following" tab, which name their
 * participants rather than take the top of the board.
 */
export async function standingsOf(ctx: ApiContext, ids: string[]): Promise<(Standing | null)[]> {
  if (ids.length === 0) return [];
  const pipe = ctx.redis.pipeline();
  for (const id of ids) pipe.zrevrank(ctx.n.keys.leaderboard, id).zscore(ctx.n.keys.leaderboard, id).lrange(ctx.n.keys.equity(id), 0, -1);
  const replies = (await pipe.exec()) ?? [];
  return ids.map((_, i) => {
    const [rankErr, rank] = replies[3 * i];
    const [scoreErr, score] = replies[3 * i + 1];
    const [curveErr, curve] = replies[3 * i + 2];
    if (rankErr !== null || scoreErr !== null || curveErr !== null) throw rankErr ?? scoreErr ?? curveErr;
    if (rank === null || score === null) return null;
    return { rank: Number(rank) + 1, equity: Number(score), ...curveStats(curve as string[]) };
  });
}

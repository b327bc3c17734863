import type { Reply } from '../../contracts/wire';
import { scanKeys } from '../../runtime/redis';
import type { ApiContext } from '../context';

/**
 * A new event on the same exchange: balances to zero (the engine refuses unless the session is
 * closed), then what the services keep beside the engine starts again too: the leaderboard, the
 * equity curves, bot funding, recent trades, and the event's schedule (it runs again from the next
 * open; the engine forgot its news ids too). History in PostgreSQL stays.
 */
export async function resetExchange(ctx: ApiContext): Promise<Reply | null> {
  const { reply } = await ctx.engine.submit({ action: 'reset' }, ctx.config.PLACE_TIMEOUT_MS);
  if (reply === null || reply.error !== null) return reply;
  const curves = await scanKeys(ctx.redis, ctx.n.keys.equityPattern);
  const symbols = await ctx.redis.hkeys(ctx.n.keys.symbols);
  const k = ctx.n.keys;
  await ctx.redis.del(k.leaderboard, k.leaderboardUpdatedAt, k.botsFunded, k.eventOpenedAt, k.eventDone, ...curves, ...symbols.map((s) => k.recentTrades(s)));
  return reply;
}

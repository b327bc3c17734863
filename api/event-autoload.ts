import { readFileSync } from 'fs';
import type { ApiContext } from './context';
import { ApiError } from './http-errors';
import { loadEvent } from './event-service';

const RETRY_MS = 2000;
/** the engine may still be replaying when the api starts: wait for it longer than for an order */
const AUTOLOAD_TIMEOUT_MS = 30_000;

/**
 * EVENT_FILE on a fresh exchange (no event loaded, no symbol listed): loads it once the engine
 * answers, so that `npm start` brings up a live market. An exchange that already has an event or
 * symbols is left as it is; a lock in Redis keeps two api instances from loading it together.
 */
export function autoloadEvent(ctx: ApiContext, file: string): { stop: () => void } {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const lockKey = ctx.n.keys.eventAutoloadLock;
  const attempt = async (): Promise<boolean> => {
    if ((await ctx.redis.exists(ctx.n.keys.event)) === 1) return true;
    if ((await ctx.redis.hlen(ctx.n.keys.symbols)) > 0) {
      ctx.log.info({ file }, 'the exchange already lists symbols: EVENT_FILE not loaded (load an event with POST /admin/event)');
      return true;
    }
    if ((await ctx.redis.set(lockKey, '1', 'PX', AUTOLOAD_TIMEOUT_MS * 4, 'NX')) === null) return false;
    try {
      const { event, opened } = await loadEvent(ctx, readFileSync(file, 'utf8'), AUTOLOAD_TIMEOUT_MS);
      ctx.log.info({ file, event: event.name, opened }, 'event file loaded');
      return true;
    } catch (err) {
      await ctx.redis.del(lockKey);
      // a definition that is not valid will not become valid: say so and stop trying
      if (err instanceof ApiError && err.status === 400) {
        ctx.log.error({ file, err: err.message }, 'EVENT_FILE is not a valid event definition');
        return true;
      }
      throw err;
    }
  };
  const run = () => {
    attempt()
      .catch((err: unknown) => {
        ctx.log.warn({ file, err: String(err) }, 'could not load EVENT_FILE yet; trying again');
        return false;
      })
      .then((done) => {
        if (!done && !stopped) timer = setTimeout(run, RETRY_MS);
      });
  };
  run();
  return {
    stop: () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    },
  };
}

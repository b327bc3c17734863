import type { RequestHandler } from 'express';
import type { ServerResponse } from 'http';
import type Redis from 'ioredis';
import { ErrorCode } from '../contracts/errors';
import type { Names } from '../contracts/names';
import { ApiError } from './http-errors';

/**
 * Fixed-window rate limits kept in Redis, shared by every api instance: Express's routes and the
 * order fast path (whose admission script in engine-client.ts counts with COUNT_LUA) count alike.
 * What it needs of the api's context is only Redis and the key names.
 */
export interface RateLimitStore {
  redis: Redis;
  n: Names;
}

/**
 * Counts a request in the window KEYS[1] (kept for ARGV[1] ms) into `c`: the one way every limit
 * counts, Express's routes here and the order fast path's script in engine-client.ts.
 */
export const COUNT_LUA = "local c = redis.call('INCR', KEYS[1]) if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end";
/** one round trip: count the request and make sure the window's key expires */
const COUNT_IN_WINDOW = `${COUNT_LUA} return c`;

/** The participant's own limit: its name in Redis and its window, shared by the Express routes and the order fast path. */
export const PARTICIPANT_LIMIT = { name: 'api', windowMs: 1000 } as const;

/** One caller's current fixed window of one limit. */
export interface RateWindow {
  key: string;
  limit: number;
  windowMs: number;
  /** how long the counter is kept: two windows, so a late request of the last one still finds it */
  keepMs: number;
  resetSeconds: number;
}

export function rateWindow(ctx: RateLimitStore, name: string, who: string, limit: number, windowMs: number): RateWindow {
  const now = Date.now();
  const windowStart = now - (now % windowMs);
  return { key: ctx.n.keys.rateLimit(`${name}:${who}`, windowStart), limit, windowMs, keepMs: windowMs * 2, resetSeconds: Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000)) };
}

export async function countRequest(ctx: RateLimitStore, w: RateWindow): Promise<number> {
  return (await ctx.redis.eval(COUNT_IN_WINDOW, 1, w.key, w.keepMs)) as number;
}

/** Sets the rate-limit headers for the `count`th request of the window; the 429 to answer if that is one too many. */
export function applyRateLimit(res: ServerResponse, w: RateWindow, count: number): ApiError | null {
  res.setHeader('RateLimit-Limit', String(w.limit));
  res.setHeader('RateLimit-Remaining', String(Math.max(0, w.limit - count)));
  res.setHeader('RateLimit-Reset', String(w.resetSeconds));
  if (count <= w.limit) return null;
  res.setHeader('Retry-After', String(w.resetSeconds));
  return new ApiError(429, ErrorCode.RATE_LIMITED, `Rate limit of ${w.limit} requests per ${w.windowMs / 1000}s exceeded`);
}

/**
 * Fixed-window rate limit in Redis, shared by every api instance: `limit` requests per `windowMs`
 * per caller (the participant, or the address for unauthenticated routes).
 */
export function rateLimit(ctx: RateLimitStore, name: string, limit: number, windowMs: number): RequestHandler {
  return async (req, res, next) => {
    const w = rateWindow(ctx, name, req.auth?.sub ?? `ip:${req.ip}`, limit, windowMs);
    next(applyRateLimit(res, w, await countRequest(ctx, w)) ?? undefined);
  };
}

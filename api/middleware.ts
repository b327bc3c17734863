import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ServerResponse } from 'http';
import { ErrorCode } from '../contracts/errors';
import type { ApiContext } from './context';
import { ApiError } from './http-errors';
import { TokenRefused, verifyAccessToken, type AccessClaims } from '../contracts/tokens';

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AccessClaims;
  }
}

/** The caller's claims from an `Authorization: Bearer` header, or 401. */
export function authenticate(ctx: ApiContext, header: string | undefined): AccessClaims {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (match === null) throw new ApiError(401, ErrorCode.UNAUTHORIZED, 'Missing bearer token');
  try {
    return verifyAccessToken(match[1], ctx.config.JWT_SECRET, ctx.config.JWT_ISSUER);
  } catch (err) {
    if (err instanceof TokenRefused) throw new ApiError(401, ErrorCode.UNAUTHORIZED, err.message);
    throw err;
  }
}

export function requireAuth(ctx: ApiContext): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    req.auth = authenticate(ctx, req.headers.authorization);
    next();
  };
}

export function requireAdmin(req: Request, _res: Response, next: NextFunction): void {
  if (req.auth?.role !== 'ADMIN') return next(new ApiError(403, ErrorCode.FORBIDDEN, 'Organisers only'));
  next();
}

export function userOf(req: Request): string {
  if (req.auth === undefined) throw new ApiError(401, ErrorCode.UNAUTHORIZED);
  return req.auth.sub;
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

export function rateWindow(ctx: ApiContext, name: string, who: string, limit: number, windowMs: number): RateWindow {
  const now = Date.now();
  const windowStart = now - (now % windowMs);
  return { key: ctx.n.keys.rateLimit(`${name}:${who}`, windowStart), limit, windowMs, keepMs: windowMs * 2, resetSeconds: Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000)) };
}

export async function countRequest(ctx: ApiContext, w: RateWindow): Promise<number> {
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
export function rateLimit(ctx: ApiContext, name: string, limit: number, windowMs: number): RequestHandler {
  return async (req, res, next) => {
    const w = rateWindow(ctx, name, req.auth?.sub ?? `ip:${req.ip}`, limit, windowMs);
    next(applyRateLimit(res, w, await countRequest(ctx, w)) ?? undefined);
  };
}

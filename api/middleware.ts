import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ErrorCode } from '../contracts/errors';
import type { ApiContext } from './context';
import { ApiError } from './http-errors';
import { verifyAccessToken, type AccessClaims } from './tokens';

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AccessClaims;
  }
}

export function requireAuth(ctx: ApiContext): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (match === null) return next(new ApiError(401, ErrorCode.UNAUTHORIZED, 'Missing bearer token'));
    req.auth = verifyAccessToken(match[1], ctx.config.JWT_SECRET, ctx.config.JWT_ISSUER);
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

/** one round trip: count the request and make sure the window's key expires */
const COUNT_IN_WINDOW = "local c = redis.call('INCR', KEYS[1]) if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return c";

/**
 * Fixed-window rate limit in Redis, shared by every api instance: `limit` requests per `windowMs`
 * per caller (the participant, or the address for unauthenticated routes).
 */
export function rateLimit(ctx: ApiContext, name: string, limit: number, windowMs: number): RequestHandler {
  return async (req, res, next) => {
    const who = req.auth?.sub ?? `ip:${req.ip}`;
    const now = Date.now();
    const windowStart = now - (now % windowMs);
    const key = ctx.n.keys.rateLimit(`${name}:${who}`, windowStart);
    const count = (await ctx.redis.eval(COUNT_IN_WINDOW, 1, key, windowMs * 2)) as number;
    const resetSeconds = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
    res.setHeader('RateLimit-Limit', String(limit));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, limit - count)));
    res.setHeader('RateLimit-Reset', String(resetSeconds));
    if (count > limit) {
      res.setHeader('Retry-After', String(resetSeconds));
      return next(new ApiError(429, ErrorCode.RATE_LIMITED, `Rate limit of ${limit} requests per ${windowMs / 1000}s exceeded`));
    }
    next();
  };
}

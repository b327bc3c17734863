/** Who is calling: the access token of a request checked, and the organiser-only guard. */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
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

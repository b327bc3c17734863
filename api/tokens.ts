import { createSecretKey, randomUUID, type KeyObject } from 'crypto';
import jwt from 'jsonwebtoken';
import type { ApiConfig } from '../contracts/config';
import { ErrorCode } from '../contracts/errors';
import type { PrismaClient } from '../runtime/prisma';
import { ApiError } from './http-errors';

export interface AccessClaims {
  sub: string;
  username: string;
  role: 'PARTICIPANT' | 'ADMIN';
  typ: 'access';
  /** the session (login) the token belongs to; absent in tokens of older versions */
  sid?: string;
  /** seconds since the epoch: issued, and the end of its life */
  iat?: number;
  exp?: number;
}

/** A session ended (logout), or every session of a participant (a refresh token used twice). */
export type SessionEnded = { sessionId: string } | { userId: string };

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

const keys = new Map<string, KeyObject>();

/** The secret as a KeyObject, made once: given a string, jsonwebtoken builds one on every call (by trying it as a public key first). */
export function signingKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (key === undefined) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

/**
 * Access tokens already verified, until they expire: a bot presents the same token with every
 * order for its whole life, and verifying it costs more than the rest of the order's checks. Only
 * tokens that passed verification with this secret and issuer are kept, so a hit is the same
 * verdict; bounded by dropping everything when full.
 */
const verified = new Map<string, { claims: AccessClaims; exp: number; secret: string; issuer: string }>();
const MAX_VERIFIED = 20_000;

/** Only HS256 is accepted: a token signed with another algorithm, or with `alg: none`, is refused. */
export function verifyAccessToken(token: string, secret: string, issuer: string): AccessClaims {
  const known = verified.get(token);
  if (known !== undefined && known.secret === secret && known.issuer === issuer) {
    // jsonwebtoken's rule: expired from the second `exp` names
    if (Math.floor(Date.now() / 1000) < known.exp) return known.claims;
    verified.delete(token);
    throw new ApiError(401, ErrorCode.UNAUTHORIZED, 'Access token expired');
  }
  let claims: jwt.JwtPayload | string;
  try {
    claims = jwt.verify(token, signingKey(secret), { algorithms: ['HS256'], issuer });
  } catch (err) {
    const expired = err instanceof jwt.TokenExpiredError;
    throw new ApiError(401, ErrorCode.UNAUTHORIZED, expired ? 'Access token expired' : 'Invalid access token');
  }
  if (typeof claims === 'string' || claims.typ !== 'access' || typeof claims.sub !== 'string') {
    throw new ApiError(401, ErrorCode.UNAUTHORIZED, 'Invalid access token');
  }
  const access = Object.freeze(claims) as unknown as AccessClaims;
  if (typeof claims.exp === 'number') {
    if (verified.size >= MAX_VERIFIED) verified.clear();
    verified.set(token, { claims: access, exp: claims.exp, secret, issuer });
  }
  return access;
}

/** Issues access and refresh tokens; refresh tokens are single-use and recorded so they can be rotated and revoked. */
export class TokenService {
  /**
   * `ended` is told of every session that ends before its tokens expire, so that live connections
   * holding them are closed too.
   */
  constructor(
    private readonly config: ApiConfig,
    private readonly prisma: PrismaClient,
    private readonly ended: (e: SessionEnded) => Promise<void> = async () => {},
  ) {}

  /** A new pair; a login starts a session, a rotation carries its session on. */
  async issue(user: { id: string; username: string; role: 'PARTICIPANT' | 'ADMIN' }, sessionId: string = randomUUID()): Promise<TokenPair> {
    const c = this.config;
    const accessToken = jwt.sign({ username: user.username, role: user.role, typ: 'access', sid: sessionId }, signingKey(c.JWT_SECRET), {
      algorithm: 'HS256',
      subject: user.id,
      issuer: c.JWT_ISSUER,
      expiresIn: c.ACCESS_TOKEN_TTL_SECONDS,
    });
    const jti = randomUUID();
    const refreshToken = jwt.sign({ typ: 'refresh' }, signingKey(c.JWT_SECRET), {
      algorithm: 'HS256',
      subject: user.id,
      issuer: c.JWT_ISSUER,
      jwtid: jti,
      expiresIn: c.REFRESH_TOKEN_TTL_SECONDS,
    });
    await this.prisma.refreshToken.create({
      data: { id: jti, userId: user.id, sessionId, expiresAt: new Date(Date.now() + c.REFRESH_TOKEN_TTL_SECONDS * 1000) },
    });
    return { accessToken, refreshToken, expiresIn: c.ACCESS_TOKEN_TTL_SECONDS };
  }

  /**
   * Rotation: the presented refresh token is spent and a new pair issued. Presenting a spent token
   * again means it was stolen or replayed, so every refresh token of that user is revoked.
   */
  async rotate(refreshToken: string): Promise<TokenPair> {
    let claims: jwt.JwtPayload | string;
    try {
      claims = jwt.verify(refreshToken, signingKey(this.config.JWT_SECRET), { algorithms: ['HS256'], issuer: this.config.JWT_ISSUER });
    } catch {
      throw new ApiError(401, ErrorCode.UNAUTHORIZED, 'Invalid refresh token');
    }
    if (typeof claims === 'string' || claims.typ !== 'refresh' || !claims.jti || !claims.sub) {
      throw new ApiError(401, ErrorCode.UNAUTHORIZED, 'Invalid refresh token');
    }
    const row = await this.prisma.refreshToken.findUnique({ where: { id: claims.jti }, include: { user: true } });
    if (row === null) throw new ApiError(401, ErrorCode.UNAUTHORIZED, 'Invalid refresh token');
    // Spending is one conditional update, so two concurrent uses cannot both succeed.
    const spent = await this.prisma.refreshToken.updateMany({ where: { id: row.id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (spent.count === 0) {
      await this.prisma.refreshToken.updateMany({ where: { userId: row.userId, revokedAt: null }, data: { revokedAt: new Date() } });
      await this.ended({ userId: row.userId });
      throw new ApiError(401, ErrorCode.UNAUTHORIZED, 'Refresh token was already used; all sessions revoked');
    }
    const pair = await this.issue(row.user, row.sessionId ?? row.id);
    const next = jwt.decode(pair.refreshToken) as jwt.JwtPayload;
    await this.prisma.refreshToken.update({ where: { id: row.id }, data: { replacedBy: String(next.jti) } });
    return pair;
  }

  /** Ends the session of a refresh token this api signed; anything else is refused with 401. */
  async revoke(refreshToken: string): Promise<void> {
    let claims: jwt.JwtPayload | string;
    try {
      claims = jwt.verify(refreshToken, signingKey(this.config.JWT_SECRET), { algorithms: ['HS256'], issuer: this.config.JWT_ISSUER });
    } catch {
      throw new ApiError(401, ErrorCode.UNAUTHORIZED, 'Invalid refresh token');
    }
    if (typeof claims === 'string' || claims.typ !== 'refresh' || typeof claims.jti !== 'string') throw new ApiError(401, ErrorCode.UNAUTHORIZED, 'Invalid refresh token');
    const row = await this.prisma.refreshToken.findUnique({ where: { id: claims.jti } });
    if (row === null) return;
    await this.prisma.refreshToken.updateMany({ where: { id: row.id, revokedAt: null }, data: { revokedAt: new Date() } });
    await this.ended({ sessionId: row.sessionId ?? row.id });
  }
}

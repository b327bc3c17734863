import { randomUUID } from 'crypto';
import jwt from 'jsonwebtoken';
import type { ApiConfig } from '../contracts/config';
import { ErrorCode } from '../contracts/errors';
import type { PrismaClient } from '../runtime/prisma';
import { ApiError } from './http-errors';
import { signingKey, type SessionEnded } from '../contracts/tokens';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
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

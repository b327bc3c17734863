import { createSecretKey, type KeyObject } from 'crypto';
import jwt from 'jsonwebtoken';

/**
 * Access tokens, as every service reads them: the api signs them (api/tokens.ts), the api and
 * ws-server verify them here. HS256 with the shared JWT_SECRET and JWT_ISSUER.
 */
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

/** A token that is not a valid, unexpired access token of this exchange; the message says which. */
export class TokenRefused extends Error {}

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
    throw new TokenRefused('Access token expired');
  }
  let claims: jwt.JwtPayload | string;
  try {
    claims = jwt.verify(token, signingKey(secret), { algorithms: ['HS256'], issuer });
  } catch (err) {
    const expired = err instanceof jwt.TokenExpiredError;
    throw new TokenRefused(expired ? 'Access token expired' : 'Invalid access token');
  }
  if (typeof claims === 'string' || claims.typ !== 'access' || typeof claims.sub !== 'string') {
    throw new TokenRefused('Invalid access token');
  }
  const access = Object.freeze(claims) as unknown as AccessClaims;
  if (typeof claims.exp === 'number') {
    if (verified.size >= MAX_VERIFIED) verified.clear();
    verified.set(token, { claims: access, exp: claims.exp, secret, issuer });
  }
  return access;
}

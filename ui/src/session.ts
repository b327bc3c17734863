/**
 * A signed-in session and the arithmetic of its access token's lifetime, on the browser's clock.
 * Pure: the REST client (`api.ts`) stores and renews sessions with it.
 */
export interface SessionUser {
  id: string;
  username: string;
  role: 'PARTICIPANT' | 'ADMIN' | string;
}

export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  user: SessionUser;
  /** local clock (ms): when these tokens were asked for, and until when the access token surely holds */
  obtainedAt?: number;
  validUntil?: number;
}

/**
 * Tokens the api answered to a request sent at `sentAt` (local clock). The api names the access
 * token's lifetime in whole seconds but its expiry falls on a whole second of its own clock, so the
 * token may end up to a second sooner: counting from when the request left and a second short
 * needs no agreement between the two clocks.
 */
export function sessionFrom(data: { accessToken: string; refreshToken: string; expiresIn: number }, user: SessionUser, sentAt: number): StoredSession {
  return { accessToken: data.accessToken, refreshToken: data.refreshToken, user, obtainedAt: sentAt, validUntil: sentAt + Math.max(0, data.expiresIn - 1) * 1000 };
}

/** Whether the access token still has time left for a request: renewed with a quarter of its life (at most 30 s) to go. */
export function hasTimeLeft(s: StoredSession, now: number): boolean {
  if (s.obtainedAt === undefined || s.validUntil === undefined) return false;
  const margin = Math.min(30_000, (s.validUntil - s.obtainedAt) / 4);
  return now < s.validUntil - margin;
}

/** Of two copies of the session, the one obtained last: its refresh token is the one not yet spent. */
export function newest(a: StoredSession | null, b: StoredSession | null): StoredSession | null {
  if (a === null || b === null) return a ?? b;
  return (b.obtainedAt ?? 0) > (a.obtainedAt ?? 0) ? b : a;
}


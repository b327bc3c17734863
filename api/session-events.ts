import type Redis from 'ioredis';
import type { Names } from '../contracts/names';
import type { SessionEnded } from '../contracts/tokens';

/**
 * Tells every ws-server that a session ended: a mark in Redis that a socket opening later with one
 * of its access tokens is refused by (kept as long as such a token can live), and a message that
 * closes the sockets already open.
 */
export function sessionEvents(redis: Redis, n: Names, accessTtlSeconds: number): (e: SessionEnded) => Promise<void> {
  return async (e) => {
    const now = Math.floor(Date.now() / 1000);
    if ('sessionId' in e) await redis.set(n.keys.endedSession(e.sessionId), '1', 'EX', accessTtlSeconds + 60);
    // seconds after `now`: a token issued in this very second is refused too, as it is older than
    // the revocation or as old as it
    else await redis.set(n.keys.sessionsEndedBefore(e.userId), String(now + 1), 'EX', accessTtlSeconds + 60);
    await redis.publish(n.channels.sessions, JSON.stringify(e));
  };
}

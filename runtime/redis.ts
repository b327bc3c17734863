import Redis from 'ioredis';
import type { Logger } from './logger';

/** A Redis connection that logs its trouble instead of crashing the process on 'error'. */
export function connectRedis(url: string, log: Logger, role: string, extra: Record<string, unknown> = {}): Redis {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: null, connectionName: role, ...extra });
  redis.on('error', (err) => log.warn({ err: err.message, role }, 'redis connection error'));
  return redis;
}

/** Every key matching `pattern`, with SCAN (never KEYS, which blocks Redis on a big keyspace). */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

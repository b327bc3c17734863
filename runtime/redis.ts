import Redis from 'ioredis';
import type { Logger } from './logger';

/** A Redis connection that logs its trouble instead of crashing the process on 'error'. */
export function connectRedis(url: string, log: Logger, role: string, extra: Record<string, unknown> = {}): Redis {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: null, connectionName: role, ...extra });
  redis.on('error', (err) => log.warn({ err: err.message, role }, 'redis connection error'));
  return redis;
}

import type Redis from 'ioredis';
import type { ApiConfig } from '../contracts/config';
import type { Names } from '../contracts/names';
import type { Logger } from '../runtime/logger';
import type { PrismaClient } from '../runtime/prisma';
import type { EngineClient } from './engine-client';
import type { TokenService } from './tokens';

export interface ApiContext {
  config: ApiConfig;
  log: Logger;
  redis: Redis;
  prisma: PrismaClient;
  engine: EngineClient;
  tokens: TokenService;
  n: Names;
}

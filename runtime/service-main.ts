import type { z } from 'zod';
import { loadConfig } from '../contracts/config';
import { startHealthServer } from './health-server';
import { createLogger, type Logger } from './logger';
import { logCrashes, onShutdown } from './shutdown';

export interface BackgroundService {
  ready: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  status?(): Record<string, unknown>;
}

/**
 * The main of a service without an HTTP API of its own (engine, db-writer, data-server): one
 * validated config, JSON logs, /health, /ready and /metrics on `healthPort`, and a clean stop on SIGTERM.
 */
export function runService<S extends z.ZodTypeAny>(
  name: string,
  schema: S,
  healthPort: (config: z.infer<S>) => number,
  create: (config: z.infer<S>, log: Logger) => BackgroundService,
): void {
  const main = async () => {
    const config = loadConfig(schema);
    const log = createLogger(name, (config as { LOG_LEVEL?: string }).LOG_LEVEL);
    logCrashes(log);
    const service = create(config, log);
    const port = healthPort(config);
    const health = startHealthServer(port, () => service.ready, () => service.status?.() ?? {});
    onShutdown(log, async () => {
      await service.stop();
      health.close();
    });
    await service.start();
    log.info({ port }, `${name} ready`);
  };
  main().catch((err: unknown) => {
    process.stderr.write(JSON.stringify({ level: 'fatal', service: name, msg: 'failed to start', err: String(err) }) + '\n');
    process.exit(1);
  });
}

import { dbWriterConfigSchema, loadConfig } from '../contracts/config';
import { startHealthServer } from '../runtime/health-server';
import { createLogger } from '../runtime/logger';
import { logCrashes, onShutdown } from '../runtime/shutdown';
import { DbWriterService } from './db-writer-service';

async function main(): Promise<void> {
  const config = loadConfig(dbWriterConfigSchema);
  const log = createLogger('db-writer', config.LOG_LEVEL);
  logCrashes(log);
  const service = new DbWriterService(config, log);
  const health = startHealthServer(config.DB_WRITER_HEALTH_PORT, () => service.ready);
  onShutdown(log, async () => {
    await service.stop();
    health.close();
  });
  await service.start();
  log.info({ port: config.DB_WRITER_HEALTH_PORT }, 'db-writer ready');
}

main().catch((err: unknown) => {
  process.stderr.write(JSON.stringify({ level: 'fatal', service: 'db-writer', msg: 'failed to start', err: String(err) }) + '\n');
  process.exit(1);
});

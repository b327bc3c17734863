import { dataServerConfigSchema, loadConfig } from '../contracts/config';
import { startHealthServer } from '../runtime/health-server';
import { createLogger } from '../runtime/logger';
import { logCrashes, onShutdown } from '../runtime/shutdown';
import { DataServerService } from './data-server-service';

async function main(): Promise<void> {
  const config = loadConfig(dataServerConfigSchema);
  const log = createLogger('data-server', config.LOG_LEVEL);
  logCrashes(log);
  const service = new DataServerService(config, log);
  const health = startHealthServer(config.DATA_SERVER_HEALTH_PORT, () => service.ready);
  onShutdown(log, async () => {
    await service.stop();
    health.close();
  });
  await service.start();
  log.info({ port: config.DATA_SERVER_HEALTH_PORT }, 'data-server ready');
}

main().catch((err: unknown) => {
  process.stderr.write(JSON.stringify({ level: 'fatal', service: 'data-server', msg: 'failed to start', err: String(err) }) + '\n');
  process.exit(1);
});

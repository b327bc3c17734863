import { engineConfigSchema, loadConfig } from '../contracts/config';
import { startHealthServer } from '../runtime/health-server';
import { createLogger } from '../runtime/logger';
import { logCrashes, onShutdown } from '../runtime/shutdown';
import { EngineService } from './process/engine-service';

async function main(): Promise<void> {
  const config = loadConfig(engineConfigSchema);
  const log = createLogger('engine', config.LOG_LEVEL);
  logCrashes(log);
  const service = new EngineService(config, log);
  const health = startHealthServer(config.ENGINE_HEALTH_PORT, () => service.ready, () => service.status());
  onShutdown(log, async () => {
    await service.stop();
    health.close();
  });
  await service.start();
  log.info({ port: config.ENGINE_HEALTH_PORT }, 'engine ready');
}

main().catch((err: unknown) => {
  process.stderr.write(JSON.stringify({ level: 'fatal', service: 'engine', msg: 'failed to start', err: String(err) }) + '\n');
  process.exit(1);
});

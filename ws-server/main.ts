import { loadConfig, wsConfigSchema } from '../contracts/config';
import { createLogger } from '../runtime/logger';
import { logCrashes, onShutdown } from '../runtime/shutdown';
import { WsService } from './ws-service';

async function main(): Promise<void> {
  const config = loadConfig(wsConfigSchema);
  const log = createLogger('ws-server', config.LOG_LEVEL);
  logCrashes(log);
  const service = new WsService(config, log);
  onShutdown(log, () => service.stop());
  await service.start();
  log.info({ port: config.WS_PORT }, 'ws-server listening');
}

main().catch((err: unknown) => {
  process.stderr.write(JSON.stringify({ level: 'fatal', service: 'ws-server', msg: 'failed to start', err: String(err) }) + '\n');
  process.exit(1);
});

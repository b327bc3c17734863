import { engineConfigSchema } from '../contracts/config';
import { runService } from '../runtime/service-main';
import { EngineService } from './process/engine-service';

runService('engine', engineConfigSchema, (c) => c.ENGINE_HEALTH_PORT, (config, log) => new EngineService(config, log));

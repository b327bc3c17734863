import { dataServerConfigSchema } from '../contracts/config';
import { runService } from '../runtime/service-main';
import { DataServerService } from './data-server-service';

runService('data-server', dataServerConfigSchema, (c) => c.DATA_SERVER_HEALTH_PORT, (config, log) => new DataServerService(config, log));

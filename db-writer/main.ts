import { dbWriterConfigSchema } from '../contracts/config';
import { runService } from '../runtime/service-main';
import { DbWriterService } from './db-writer-service';

runService('db-writer', dbWriterConfigSchema, (c) => c.DB_WRITER_HEALTH_PORT, (config, log) => new DbWriterService(config, log));

import { migrate } from '../runtime/migrate';
import { createLogger } from '../runtime/logger';

/** npm run migrate: applies the SQL migrations to DATABASE_URL (creating the database if needed). */
const log = createLogger('migrate');
const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/exchange';
migrate(url, (msg) => log.info(msg)).then(
  (applied) => log.info({ applied: applied.length }, 'database is up to date'),
  (err: unknown) => {
    log.fatal({ err: String(err) }, 'migration failed');
    process.exit(1);
  },
);

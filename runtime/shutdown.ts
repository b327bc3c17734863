import type { Logger } from './logger';

/**
 * Runs `stop` once on SIGTERM or SIGINT (Kubernetes sends SIGTERM), then exits 0; exits 1 if
 * stopping takes longer than `graceMs` or fails.
 */
export function onShutdown(log: Logger, stop: () => Promise<void>, graceMs = 20_000): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ graceMs }, 'shutdown took too long, exiting');
      process.exit(1);
    }, graceMs);
    timer.unref();
    stop().then(
      () => {
        log.info('stopped cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err: String(err) }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}

/** Last-resort logging so a crash is a structured log line, not a bare stack trace. */
export function logCrashes(log: Logger): void {
  process.on('uncaughtException', (err) => {
    log.fatal({ err: err.stack ?? String(err) }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    log.fatal({ err: err instanceof Error ? err.stack : String(err) }, 'unhandled rejection');
    process.exit(1);
  });
}

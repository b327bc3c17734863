import pino, { type Logger } from 'pino';

/** Structured JSON logs on stdout, one logger per process named after its service. */
export function createLogger(service: string, level = 'info'): Logger {
  // synchronous: the last lines before an exit (a crash, or 'stopped cleanly') must not be lost
  return pino({ name: service, level, base: { service, pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 1, sync: true }));
}

export type { Logger };

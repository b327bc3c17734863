import pino, { type Logger } from 'pino';

/** Structured JSON logs on stdout, one logger per process named after its service. */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({ name: service, level, base: { service, pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}

export type { Logger };

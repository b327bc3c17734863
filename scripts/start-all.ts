import { spawn, type ChildProcess } from 'child_process';
import { join } from 'path';
import { createLogger } from '../runtime/logger';
import { NODE_FLAGS } from './service';

/**
 * npm start: runs every service of the exchange as its own process, restarts one that dies (as
 * Kubernetes would), and passes SIGTERM on for a clean stop of all of them.
 */
export const SERVICES = ['engine', 'db-writer', 'api', 'ws-server', 'data-server'] as const;
const log = createLogger('supervisor');
const children = new Map<string, ChildProcess>();
let stopping = false;

function start(service: (typeof SERVICES)[number]): void {
  const child = spawn(process.execPath, [...(NODE_FLAGS[service] ?? []), join(__dirname, 'service.js'), service], { stdio: 'inherit', env: process.env });
  children.set(service, child);
  log.info({ child: service, pid: child.pid }, 'started');
  child.on('exit', (code, signal) => {
    children.delete(service);
    if (stopping) return;
    log.error({ child: service, code, signal }, 'exited unexpectedly; restarting in 1s');
    setTimeout(() => start(service), 1000);
  });
}

function stopAll(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping all services');
  for (const child of children.values()) child.kill('SIGTERM');
  const check = setInterval(() => {
    if (children.size === 0) {
      clearInterval(check);
      log.info('all services stopped');
      process.exit(0);
    }
  }, 100);
}

if (!process.env.ADMIN_USERNAME || !process.env.ADMIN_PASSWORD) {
  // a local exchange needs an organiser to create symbols and open the session
  process.env.ADMIN_USERNAME ??= 'organiser';
  process.env.ADMIN_PASSWORD ??= 'organiser-password';
  log.warn({ username: process.env.ADMIN_USERNAME }, 'ADMIN_USERNAME/ADMIN_PASSWORD not set: using the local development organiser account');
}
if (process.env.EVENT_FILE === undefined) {
  // a newcomer's exchange is a live market at once; `EVENT_FILE= npm start` starts empty for a real event
  process.env.EVENT_FILE = join(__dirname, '..', '..', 'events', 'demo.yaml');
  log.info({ file: process.env.EVENT_FILE }, 'EVENT_FILE not set: the demo event is loaded on a fresh exchange');
}
process.on('SIGTERM', () => stopAll('SIGTERM'));
process.on('SIGINT', () => stopAll('SIGINT'));
for (const s of SERVICES) start(s);

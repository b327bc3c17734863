import { fork } from 'child_process';
import { createServer } from 'http';

/**
 * A server that reads each request's body and answers with a fixed order verdict: the ceiling any
 * HTTP service can reach on this machine with the benchmark's load generator.
 */
const ANSWER = JSON.stringify({ success: true, data: { orderId: '00000000-0000-4000-8000-000000000000', status: 'FILLED', filledQuantity: 1 } });

export async function startNullServer(): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const child = fork(__filename, ['serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve(Number(m)));
    child.once('exit', (code) => reject(new Error(`null server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

if (require.main === module && process.argv[2] === 'serve') {
  const server = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(ANSWER) });
      res.end(ANSWER);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as { port: number }).port));
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

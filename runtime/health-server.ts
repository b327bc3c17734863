import http from 'http';
import { Gauge, register } from 'prom-client';

/**
 * A tiny HTTP server for services that have no API of their own (engine, db-writer):
 * /health (liveness), /ready (readiness: 200 only once `ready()` says so) and /metrics.
 */
export function startHealthServer(port: number, ready: () => boolean, details: () => Record<string, unknown> = () => ({})): http.Server {
  // readiness as a metric too, so an alert sees a process that is up but not ready (an engine recovering)
  register.removeSingleMetric('service_ready');
  new Gauge({ name: 'service_ready', help: '1 when the service is ready (its /ready answers 200), else 0', collect() { this.set(ready() ? 1 : 0); } });
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/metrics')) {
      register.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': register.contentType });
          res.end(text);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
      return;
    }
    // one meaning per word on every service: /ready (and /health, its older name) readiness, /live liveness
    if (url.startsWith('/ready') || url.startsWith('/health')) {
      const ok = ready();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ready: ok, ...details() }));
      return;
    }
    if (url.startsWith('/live')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', ready: ready(), ...details() }));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  server.listen(port);
  return server;
}

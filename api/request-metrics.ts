import { Counter, Histogram } from 'prom-client';
import { seriesOf } from '../runtime/metric-series';

const requests = seriesOf(new Counter({ name: 'http_requests_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'] }));
/** every 429, whichever limit refused it (participant, sign-up, log-in failures, public reads) */
const rateLimited = seriesOf(new Counter({ name: 'api_rate_limited_total', help: 'Requests refused by a rate limit (429)', labelNames: ['route'] }));
const latency = seriesOf(new Histogram({ name: 'http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['method', 'route'], buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 2] }));

/** Starts timing a request; the returned function records it once it is answered. */
export function timeRequest(): (method: string, route: string, status: number) => void {
  const started = performance.now();
  return (method, route, status) => {
    requests(method, route, String(status)).inc();
    if (status === 429) rateLimited(route).inc();
    latency(method, route).observe((performance.now() - started) / 1000);
  };
}

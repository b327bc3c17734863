import { Counter, Histogram } from 'prom-client';

const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'] });
const latency = new Histogram({ name: 'http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['method', 'route'], buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 2] });

/** the labelled series, looked up once: prom-client hashes the label values on every call otherwise */
const series = new Map<string, { count: () => void; time: (seconds: number) => void }>();

function seriesOf(method: string, route: string, status: number) {
  const key = `${method} ${route} ${status}`;
  let s = series.get(key);
  if (s === undefined) {
    const counter = requests.labels(method, route, String(status));
    const histogram = latency.labels(method, route);
    s = { count: () => counter.inc(), time: (seconds) => histogram.observe(seconds) };
    series.set(key, s);
  }
  return s;
}

/** Starts timing a request; the returned function records it once it is answered. */
export function timeRequest(): (method: string, route: string, status: number) => void {
  const started = performance.now();
  return (method, route, status) => {
    const s = seriesOf(method, route, status);
    s.count();
    s.time((performance.now() - started) / 1000);
  };
}

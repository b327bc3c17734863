import { quantileWithin, readHistogram, shareWithin } from '../server-latency';

const exposition = (placeWithin20: number, placeCount: number) => `# HELP http_request_duration_seconds HTTP request latency
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.01",method="POST",route="/order/place"} ${placeWithin20 - 5}
http_request_duration_seconds_bucket{le="0.02",method="POST",route="/order/place"} ${placeWithin20}
http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/order/place"} ${placeCount}
http_request_duration_seconds_sum{method="POST",route="/order/place"} 12.5
http_request_duration_seconds_count{method="POST",route="/order/place"} ${placeCount}
http_request_duration_seconds_bucket{le="0.02",method="POST",route="/order/cancel"} 7
http_request_duration_seconds_count{method="POST",route="/order/cancel"} 1000
http_requests_total{method="POST",route="/order/place",status="201"} 5
`;

describe('the api latency histogram read between two scrapes', () => {
  it('takes only the series with the given labels, with +Inf as Infinity', () => {
    const r = readHistogram(exposition(990, 1000), 'http_request_duration_seconds', { method: 'POST', route: '/order/place' });
    expect(r.count).toBe(1000);
    expect([...r.buckets]).toEqual([
      [0.01, 985],
      [0.02, 990],
      [Infinity, 1000],
    ]);
  });

  it('gives the share answered within a bound over the requests between the readings', () => {
    const labels = { method: 'POST', route: '/order/place' };
    const before = readHistogram(exposition(990, 1000), 'http_request_duration_seconds', labels);
    const after = readHistogram(exposition(1980, 2000), 'http_request_duration_seconds', labels);
    expect(shareWithin(before, after, 0.02)).toBeCloseTo(0.99, 9);
    expect(shareWithin(after, after, 0.02)).toBeNull();
  });

  it('refuses a bound the histogram has no bucket for, rather than reading it as zero', () => {
    const r = readHistogram(exposition(990, 1000), 'http_request_duration_seconds', { method: 'POST', route: '/order/place' });
    expect(() => shareWithin(r, r, 0.015)).toThrow(/no bucket at 0.015s/);
  });

  it('gives the bucket bound a quantile of the observations between the readings fell within', () => {
    const reading = (within10: number, within20: number, count: number) => ({ buckets: new Map([[0.01, within10], [0.02, within20], [Infinity, count]]), count });
    // between the readings: 900 within 0.01 s, 990 within 0.02 s, 1000 in all
    const before = reading(100, 110, 200);
    const after = reading(1000, 1100, 1200);
    expect(quantileWithin(before, after, 0.5)).toBe(0.01);
    expect(quantileWithin(before, after, 0.9)).toBe(0.01);
    expect(quantileWithin(before, after, 0.99)).toBe(0.02);
    expect(quantileWithin(before, after, 0.999)).toBe(Infinity);
    expect(quantileWithin(after, after, 0.5)).toBeNull();
  });
});

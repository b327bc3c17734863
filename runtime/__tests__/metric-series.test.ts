import { Counter, Registry } from 'prom-client';
import { seriesOf } from '../metric-series';

describe('labelled metric series looked up once', () => {
  it('asks the metric once per label values and counts into the right series', async () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'things_total', help: 'things', labelNames: ['a', 'b'], registers: [registry] });
    const labels = jest.spyOn(counter, 'labels');
    const things = seriesOf(counter);
    things('x', 'y').inc();
    things('x', 'y').inc();
    things('xy', '').inc();
    expect(labels).toHaveBeenCalledTimes(2);
    const text = await registry.metrics();
    expect(text).toMatch(/^things_total\{a="x",b="y"\} 2$/m);
    expect(text).toMatch(/^things_total\{a="xy",b=""\} 1$/m);
  });
});

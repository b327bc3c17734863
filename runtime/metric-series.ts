/**
 * The labelled series of a prom-client metric, looked up once per label values: prom-client hashes
 * the label values on every `inc` or `observe` that names them, and these run for every request,
 * order and forwarded message.
 */
export function seriesOf<T>(metric: { labels(...values: string[]): T }): (...values: string[]) => T {
  const known = new Map<string, T>();
  return (...values) => {
    const key = values.join('\u0000');
    let series = known.get(key);
    if (series === undefined) known.set(key, (series = metric.labels(...values)));
    return series;
  };
}

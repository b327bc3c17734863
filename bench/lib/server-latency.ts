/**
 * The api's own view of a phase: how many place requests it answered within a given time, read from
 * its Prometheus histogram before and after. The load generator shares the two cores, so its
 * latency includes waiting for its own turn on them; the api's figure leaves that out and shows
 * how much of the tail is the exchange's.
 */

/** cumulative bucket counts (upper bound in seconds → count) of one histogram series, and its total */
export interface HistogramReading {
  buckets: Map<number, number>;
  count: number;
}

/** One series of a histogram from a Prometheus text exposition; labels must all match (other labels, such as `le`, may be present). */
export function readHistogram(text: string, name: string, labels: Record<string, string>): HistogramReading {
  const buckets = new Map<number, number>();
  let count = 0;
  for (const line of text.split('\n')) {
    const m = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (m === null) continue;
    const [, metric, labelText, value] = m;
    if (metric !== `${name}_bucket` && metric !== `${name}_count`) continue;
    const found = new Map([...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (!Object.entries(labels).every(([k, v]) => found.get(k) === v)) continue;
    if (metric === `${name}_count`) count = Number(value);
    else buckets.set(found.get('le') === '+Inf' ? Infinity : Number(found.get('le')), Number(value));
  }
  return { buckets, count };
}

/** The share of the requests between two readings answered within `seconds` (a bucket bound); null when there were none. */
export function shareWithin(before: HistogramReading, after: HistogramReading, seconds: number): number | null {
  if (!after.buckets.has(seconds)) throw new Error(`the histogram has no bucket at ${seconds}s`);
  const total = after.count - before.count;
  if (total <= 0) return null;
  return ((after.buckets.get(seconds) ?? 0) - (before.buckets.get(seconds) ?? 0)) / total;
}

/**
 * The bucket bound (seconds) within which a share `q` of the observations between two readings fell:
 * the histogram's resolution, not an exact quantile; Infinity past the last bound, null when there were none.
 */
export function quantileWithin(before: HistogramReading, after: HistogramReading, q: number): number | null {
  const total = after.count - before.count;
  if (total <= 0) return null;
  const bounds = [...after.buckets.keys()].sort((a, b) => a - b);
  for (const bound of bounds) if ((after.buckets.get(bound) ?? 0) - (before.buckets.get(bound) ?? 0) >= q * total - 1e-9) return bound;
  return Infinity;
}

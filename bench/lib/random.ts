/** The benchmarks use the same seeded generator as the data-server's walk, so every run (and every peer) sees the same stream. */
export { seeded as seededRandom } from '../../data-server/reference-price';

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

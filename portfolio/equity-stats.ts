/**
 * Performance of an equity curve (samples in cents, oldest first): return since the first sample,
 * maximum drawdown from a running peak, and the Sharpe ratio of the per-sample returns (mean over
 * standard deviation, not annualised: samples are minutes apart, not days).
 */
export interface EquityStats {
  returnPct: number;
  maxDrawdownPct: number;
  sharpe: number | null;
}

export function equityStats(samples: number[]): EquityStats {
  if (samples.length === 0) return { returnPct: 0, maxDrawdownPct: 0, sharpe: null };
  const first = samples[0];
  const last = samples[samples.length - 1];
  let peak = first;
  let maxDrawdown = 0;
  const returns: number[] = [];
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    if (v > peak) peak = v;
    if (peak > 0) maxDrawdown = Math.max(maxDrawdown, (peak - v) / peak);
    if (i > 0 && samples[i - 1] > 0) returns.push(v / samples[i - 1] - 1);
  }
  let sharpe: number | null = null;
  if (returns.length >= 2) {
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    const sd = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / (returns.length - 1));
    sharpe = sd > 0 ? mean / sd : null;
  }
  return { returnPct: first > 0 ? ((last - first) / first) * 100 : 0, maxDrawdownPct: maxDrawdown * 100, sharpe }; // percent, not cents
}

/** Cash plus every position at its mark; everything in cents. */
export function equityCents(cashCents: number, positions: Record<string, number>, marksCents: Record<string, number>): number {
  let equity = cashCents;
  for (const [symbol, quantity] of Object.entries(positions)) equity += quantity * (marksCents[symbol] ?? 0);
  return equity;
}

/**
 * A reference price per symbol: a geometric random walk in integer cents, on the symbol's tick.
 * Pure: the randomness comes in as a function, so tests (and a seeded event) are repeatable.
 */
export interface WalkParams {
  /** expected relative change per step, e.g. 0.0001 */
  drift: number;
  /** standard deviation of the relative change per step, e.g. 0.002 */
  volatility: number;
}

/** A standard normal draw from two uniform ones (Box-Muller). */
export function normal(random: () => number): number {
  const u = Math.max(random(), Number.MIN_VALUE);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function nextReference(priceCents: number, tickCents: number, p: WalkParams, random: () => number): number {
  const factor = Math.exp(p.drift - (p.volatility * p.volatility) / 2 + p.volatility * normal(random));
  const ticks = Math.max(1, Math.round((priceCents * factor) / tickCents));
  return ticks * tickCents;
}

/** mulberry32, for a seeded walk */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

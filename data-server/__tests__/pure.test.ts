import { makerQuotes, noiseOrders } from '../bots';
import { nextReference, normal, seeded } from '../reference-price';

describe('reference price walk', () => {
  test('when the walk steps, then prices stay positive whole multiples of the tick', () => {
    const random = seeded(1);
    let p = 10_000;
    for (let i = 0; i < 10_000; i++) {
      p = nextReference(p, 5, { drift: 0, volatility: 0.02 }, random);
      expect(p % 5).toBe(0);
      expect(p).toBeGreaterThanOrEqual(5);
    }
  });

  test('when the same seed is used, then the walk repeats exactly', () => {
    const walk = (seed: number) => {
      const r = seeded(seed);
      const out = [10_000];
      for (let i = 0; i < 50; i++) out.push(nextReference(out[out.length - 1], 1, { drift: 0.001, volatility: 0.01 }, r));
      return out;
    };
    expect(walk(7)).toEqual(walk(7));
    expect(walk(7)).not.toEqual(walk(8));
  });

  test('when drift and volatility are set, then the walk shows them on average', () => {
    const r = seeded(3);
    const returns: number[] = [];
    let p = 1_000_000;
    for (let i = 0; i < 20_000; i++) {
      const next = nextReference(p, 1, { drift: 0.001, volatility: 0.01 }, r);
      returns.push(Math.log(next / p));
      p = next;
    }
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    const sd = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / returns.length);
    expect(mean).toBeGreaterThan(0.0003);
    expect(mean).toBeLessThan(0.0017);
    expect(sd).toBeGreaterThan(0.009);
    expect(sd).toBeLessThan(0.011);
    const z = Array.from({ length: 10_000 }, () => normal(r));
    expect(Math.abs(z.reduce((a, b) => a + b, 0) / z.length)).toBeLessThan(0.05);
  });
});

describe('market maker quotes', () => {
  const params = { spreadTicks: 2, levels: 2, quantity: 10, maxInventory: 100, minInventory: 0 };

  test('when the maker is flat in the middle of its range, then it quotes both sides symmetrically around the reference', () => {
    const q = makerQuotes(10_000, 1, 50, params);
    expect(q).toEqual([
      { side: 'BUY', priceCents: 9_998, quantity: 10 },
      { side: 'SELL', priceCents: 10_002, quantity: 10 },
      { side: 'BUY', priceCents: 9_997, quantity: 10 },
      { side: 'SELL', priceCents: 10_003, quantity: 10 },
    ]);
  });

  test('when the maker is at its inventory limits, then it quotes only the side that reduces its position', () => {
    expect(makerQuotes(10_000, 1, 100, params).every((q) => q.side === 'SELL')).toBe(true);
    expect(makerQuotes(10_000, 1, 0, params).every((q) => q.side === 'BUY')).toBe(true);
  });

  test('when the maker is long, then its quotes lean down', () => {
    const long = makerQuotes(10_000, 1, 180, { ...params, maxInventory: 200 });
    const flat = makerQuotes(10_000, 1, 100, { ...params, maxInventory: 200 });
    expect(long.find((q) => q.side === 'SELL')!.priceCents).toBeLessThan(flat.find((q) => q.side === 'SELL')!.priceCents);
  });
});

describe('noise traders', () => {
  test('when intensity is zero, then they do nothing; when it is high, then they send about that many small orders', () => {
    const r = seeded(5);
    expect(noiseOrders(10_000, 1, 0, 5, r)).toEqual([]);
    const many = Array.from({ length: 1000 }, () => noiseOrders(10_000, 1, 2.5, 5, r).length);
    const avg = many.reduce((a, b) => a + b, 0) / many.length;
    expect(avg).toBeGreaterThan(2.3);
    expect(avg).toBeLessThan(2.7);
    const sample = noiseOrders(10_000, 1, 3, 5, r);
    for (const o of sample) {
      expect(o.quantity).toBeGreaterThanOrEqual(1);
      expect(o.quantity).toBeLessThanOrEqual(5);
      if (o.type === 'MARKET') expect(o.priceCents).toBeNull();
    }
  });
});

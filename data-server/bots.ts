/**
 * What the liquidity bots want to do, as pure decisions; the service sends them through the api
 * like any participant's orders. Prices in cents.
 */
export interface Quote {
  side: 'BUY' | 'SELL';
  priceCents: number;
  quantity: number;
}

export interface MakerParams {
  /** distance of the first quote from the reference, in ticks */
  spreadTicks: number;
  /** quotes per side */
  levels: number;
  quantity: number;
  /** the maker stops buying above this many shares and stops selling below minInventory */
  maxInventory: number;
  minInventory: number;
}

/**
 * Both sides around the reference, leaning away from a growing position: a long maker moves its
 * quotes down (sells more readily), a short one up. No side is quoted past the inventory limits.
 */
export function makerQuotes(referenceCents: number, tickCents: number, inventory: number, p: MakerParams): Quote[] {
  const range = Math.max(1, p.maxInventory - p.minInventory);
  const lean = Math.round(((inventory - (p.maxInventory + p.minInventory) / 2) / range) * 2 * p.spreadTicks);
  const quotes: Quote[] = [];
  for (let i = 0; i < p.levels; i++) {
    const bid = referenceCents - (p.spreadTicks + i + lean) * tickCents;
    const ask = referenceCents + (p.spreadTicks + i - lean) * tickCents;
    if (inventory + (i + 1) * p.quantity <= p.maxInventory && bid > 0) quotes.push({ side: 'BUY', priceCents: bid, quantity: p.quantity });
    if (inventory - (i + 1) * p.quantity >= p.minInventory && ask > 0) quotes.push({ side: 'SELL', priceCents: Math.max(ask, bid + tickCents), quantity: p.quantity });
  }
  return quotes;
}

export interface NoiseOrder {
  side: 'BUY' | 'SELL';
  type: 'LIMIT' | 'MARKET';
  priceCents: number | null;
  quantity: number;
}

/**
 * With probability `intensity` per step (more than one order when above 1), a small order on a
 * random side: mostly marketable limits a few ticks through the reference, sometimes market orders.
 */
export function noiseOrders(referenceCents: number, tickCents: number, intensity: number, maxQuantity: number, random: () => number): NoiseOrder[] {
  const orders: NoiseOrder[] = [];
  let budget = intensity;
  while (budget > 0) {
    if (random() < Math.min(1, budget)) {
      const side = random() < 0.5 ? 'BUY' : 'SELL';
      const quantity = 1 + Math.floor(random() * maxQuantity);
      if (random() < 0.2) orders.push({ side, type: 'MARKET', priceCents: null, quantity });
      else {
        const through = Math.floor(random() * 4) * tickCents;
        const priceCents = side === 'BUY' ? referenceCents + through : Math.max(tickCents, referenceCents - through);
        orders.push({ side, type: 'LIMIT', priceCents, quantity });
      }
    }
    budget -= 1;
  }
  return orders;
}

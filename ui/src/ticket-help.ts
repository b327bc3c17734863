/**
 * What the ticket tells before an order is sent: a market order's estimated cost from the book,
 * and the most one can buy or sell. Pure, in currency units; cents inside so sums stay exact.
 */
import { centsToWire, wireAmountToCents } from './generated/money.js';
export interface BookLevel {
  price: number;
  quantity: number;
}

/** Walks the levels (best first) for `quantity` shares: their cost, and how many the book holds. */
export function marketEstimate(levels: BookLevel[], quantity: number): { cost: number; filled: number } {
  let left = quantity;
  let cents = 0;
  for (const l of levels) {
    if (left <= 0) break;
    const q = Math.min(left, l.quantity);
    cents += wireAmountToCents(l.price) * q;
    left -= q;
  }
  return { cost: centsToWire(cents), filled: quantity - left };
}

/**
 * The most shares one order may ask for: a sell, the shares available (and, where the event
 * allows short sales, as many more as the net limit lets one go short); a buy, what the available
 * cash pays for at the limit price (or walking the asks for a market order), with the largest
 * fee the event may charge set aside (`feeRate`, a fraction of the value) — in whole lots.
 */
export function maxQuantity(
  side: 'BUY' | 'SELL',
  o: { cash: number; sharesAvailable: number; price: number | null; asks: BookLevel[]; lotSize: number; feeRate: number; shortRoom?: number },
): number {
  const lots = (n: number) => Math.max(0, Math.floor(n / o.lotSize) * o.lotSize);
  if (side === 'SELL') return lots(o.sharesAvailable + (o.shortRoom ?? 0));
  const budget = wireAmountToCents(o.cash);
  const perShare = (price: number) => wireAmountToCents(price) * (1 + o.feeRate);
  if (o.price !== null) return o.price > 0 ? lots(Math.floor(budget / perShare(o.price))) : 0;
  let left = budget;
  let shares = 0;
  for (const l of o.asks) {
    const affordable = Math.floor(left / perShare(l.price));
    const q = Math.min(affordable, l.quantity);
    shares += q;
    left -= q * perShare(l.price);
    if (q < l.quantity) break;
  }
  return lots(shares);
}

/** A fraction (0.25, 0.5, 1) of the most one may order, in whole lots. */
export function share(max: number, fraction: number, lotSize: number): number {
  return Math.floor((max * fraction) / lotSize) * lotSize;
}

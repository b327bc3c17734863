/**
 * Positions with average cost, from a participant's fills and share credits in the order they
 * happened. Pure, in cents. A sale realises the difference between its price and the average cost
 * of the shares it removes; what is left keeps its average cost.
 */
export interface Fill {
  seq: number;
  symbol: string;
  /** BUY and CREDIT add shares at `price`, SELL removes them */
  kind: 'BUY' | 'SELL' | 'CREDIT';
  quantity: number;
  price: number;
  /** what the fill cost in fees, in cents (negative: a rebate); none for credits */
  fee?: number;
}

export interface Position {
  symbol: string;
  quantity: number;
  /** what the shares held cost, in cents */
  cost: number;
  /** realised on sales, before fees */
  realized: number;
  /** fees paid on this symbol's fills (negative: rebates earned): realised as they are paid */
  fees: number;
}

export function positionsFrom(fills: Fill[]): Map<string, Position> {
  return applyFills(new Map(), fills);
}

/** Carries `positions` forward by `fills`, all of which come after what they already hold. */
export function applyFills(positions: Map<string, Position>, fills: Fill[]): Map<string, Position> {
  for (const f of [...fills].sort((a, b) => a.seq - b.seq)) {
    let p = positions.get(f.symbol);
    if (p === undefined) {
      p = { symbol: f.symbol, quantity: 0, cost: 0, realized: 0, fees: 0 };
      positions.set(f.symbol, p);
    }
    p.fees += f.fee ?? 0;
    if (f.kind === 'SELL') {
      const removed = p.quantity === 0 ? 0 : Math.round((p.cost * f.quantity) / p.quantity);
      p.realized += f.quantity * f.price - removed;
      p.cost -= removed;
      p.quantity -= f.quantity;
    } else {
      p.quantity += f.quantity;
      p.cost += f.quantity * f.price;
    }
  }
  return positions;
}

export interface PortfolioView {
  userId: string;
  cash: { available: number; locked: number };
  positions: {
    symbol: string;
    quantity: number;
    averageCost: number | null;
    marketPrice: number | null;
    marketValue: number;
    unrealizedPnl: number;
    /** after fees */
    realizedPnl: number;
    feesPaid: number;
  }[];
  equity: number;
  /** after fees */
  realizedPnl: number;
  unrealizedPnl: number;
  feesPaid: number;
}

/** Marks positions to `marks` (cents per share) and adds cash: the participant's portfolio, still in cents. */
export function portfolioView(userId: string, cashCents: { available: number; locked: number }, positions: Map<string, Position>, marks: Record<string, number | null>): PortfolioView {
  let equity = cashCents.available + cashCents.locked;
  let realized = 0;
  let unrealized = 0;
  let fees = 0;
  const rows = [...positions.values()]
    .sort((a, b) => a.symbol.localeCompare(b.symbol))
    .map((p) => {
      const mark = marks[p.symbol] ?? null;
      const value = mark === null ? 0 : p.quantity * mark;
      const upnl = mark === null ? 0 : value - p.cost;
      equity += value;
      realized += p.realized - p.fees;
      unrealized += upnl;
      fees += p.fees;
      return { symbol: p.symbol, quantity: p.quantity, averageCost: p.quantity > 0 ? p.cost / p.quantity : null, marketPrice: mark, marketValue: value, unrealizedPnl: upnl, realizedPnl: p.realized - p.fees, feesPaid: p.fees };
    });
  return { userId, cash: cashCents, positions: rows, equity, realizedPnl: realized, unrealizedPnl: unrealized, feesPaid: fees };
}

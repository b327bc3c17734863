/**
 * Positions with average cost, from a participant's fills and share credits in the order they
 * happened. Pure, in cents. A fill against the position (a sale from a long one, a buy back of a
 * short one) realises the difference between its price and the average of the shares it closes;
 * what is left keeps its average. A short position (where the event allows short sales) has a
 * negative quantity and a negative cost: what its sales brought in.
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
  /** negative: short */
  quantity: number;
  /** what the shares held cost, in cents; for a short position minus what selling them brought */
  cost: number;
  /** realised on closing fills, before fees */
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
    // signed: + adds shares, - removes them
    let delta = f.kind === 'SELL' ? -f.quantity : f.quantity;
    if (p.quantity !== 0 && Math.sign(delta) !== Math.sign(p.quantity)) {
      // closes up to the whole position at its average, realising the difference
      const closing = Math.min(Math.abs(delta), Math.abs(p.quantity));
      const closedCost = closing === Math.abs(p.quantity) ? p.cost : Math.round((p.cost * closing) / Math.abs(p.quantity));
      const signed = Math.sign(delta) * closing;
      // a sale receives closing x price for shares that cost closedCost; a buy back pays it for a short that brought -closedCost
      p.realized += -signed * f.price - closedCost;
      p.cost -= closedCost;
      p.quantity += signed;
      delta -= signed;
    }
    // what is left opens or adds to a position at this price (past zero: a sale beyond a long one goes short)
    p.quantity += delta;
    p.cost += delta * f.price;
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
      return { symbol: p.symbol, quantity: p.quantity, averageCost: p.quantity !== 0 ? p.cost / p.quantity : null, marketPrice: mark, marketValue: value, unrealizedPnl: upnl, realizedPnl: p.realized - p.fees, feesPaid: p.fees };
    });
  return { userId, cash: cashCents, positions: rows, equity, realizedPnl: realized, unrealizedPnl: unrealized, feesPaid: fees };
}

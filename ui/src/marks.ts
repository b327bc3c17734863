/**
 * The account marked live: each position at the last trade of its symbol (else the price the
 * portfolio was marked at, the reference before any trade), as the leaderboard and GET /portfolio
 * mark it; cash and share counts from the engine's balance, cost and realized P&L from the
 * portfolio. Pure, in currency units.
 */
import { centsToWire, wireAmountToCents } from './generated/money.js';
export interface PortfolioPosition {
  symbol: string;
  quantity: number;
  averageCost: number | null;
  marketPrice: number | null;
  marketValue?: number;
  unrealizedPnl?: number | null;
  realizedPnl: number;
  feesPaid?: number;
}

export interface MarkedPosition {
  symbol: string;
  quantity: number;
  averageCost: number | null;
  marketPrice: number | null;
  marketValue: number;
  unrealizedPnl: number | null;
  realizedPnl: number;
}

export interface MarkedAccount {
  positions: MarkedPosition[];
  equity: number | null;
  pnl: number | null;
}

const cents = wireAmountToCents;

export function markAccount(
  cash: { available: number | null; locked: number | null },
  shares: Record<string, { available: number; locked: number }>,
  portfolio: { positions?: PortfolioPosition[] } | null,
  lastPrices: Record<string, number | null | undefined>,
): MarkedAccount {
  const bySymbol = new Map<string, PortfolioPosition>();
  for (const p of portfolio?.positions ?? []) bySymbol.set(p.symbol, p);
  const symbols = new Set([...bySymbol.keys(), ...Object.keys(shares)]);
  let equityCents = cash.available === null || cash.locked === null ? null : cents(cash.available) + cents(cash.locked);
  let unrealizedCents = 0;
  let realizedCents = 0;
  let complete = true;
  const positions: MarkedPosition[] = [];
  for (const symbol of [...symbols].sort()) {
    const p = bySymbol.get(symbol);
    const held = shares[symbol];
    // the engine's count is exact at once; cost follows when the fills are persisted
    const quantity = held === undefined ? (p?.quantity ?? 0) : held.available + held.locked;
    const mark = lastPrices[symbol] ?? p?.marketPrice ?? null;
    const value = mark === null ? 0 : cents(mark) * quantity;
    // cost is known for the shares the portfolio has folded in; until the rest are, no unrealized figure
    const costKnown = p !== undefined && p.quantity === quantity && (quantity === 0 || p.averageCost !== null);
    const unrealized = mark === null || !costKnown ? null : value - costCents(p);
    if (equityCents !== null) equityCents += value;
    // P&L is shown only when every held position has a cost and a mark
    if (unrealized === null) complete = complete && quantity === 0;
    else unrealizedCents += unrealized;
    realizedCents += cents(p?.realizedPnl ?? 0);
    if (quantity === 0 && p === undefined) continue;
    positions.push({ symbol, quantity, averageCost: p?.averageCost ?? null, marketPrice: mark, marketValue: centsToWire(value), unrealizedPnl: unrealized === null ? null : centsToWire(unrealized), realizedPnl: (p?.realizedPnl ?? 0) });
  }
  return {
    positions,
    equity: equityCents === null ? null : centsToWire(equityCents),
    pnl: complete ? centsToWire(realizedCents + unrealizedCents) : null,
  };
}

/**
 * What the shares held cost, exactly: the portfolio's value less its unrealized P&L where it was
 * marked (its average cost is rounded), else average cost times shares.
 */
function costCents(p: PortfolioPosition): number {
  if (p.marketPrice !== null && p.marketValue !== undefined && p.unrealizedPnl !== undefined && p.unrealizedPnl !== null) return cents(p.marketValue) - cents(p.unrealizedPnl);
  return wireAmountToCents((p.averageCost ?? 0) * p.quantity);
}

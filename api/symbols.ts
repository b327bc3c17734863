import { ErrorCode } from '../contracts/errors';
import { wireToCents } from '../contracts/money';
import type { ApiContext } from './context';
import { ApiError } from './http-errors';
import { readSymbol } from '../contracts/hot-state';

export interface SymbolInfo {
  symbol: string;
  tickSizeCents: number;
  lotSize: number;
}

/** A listed symbol's tick and lot size never change, so once seen it is kept (per api process, per key prefix). */
const listed = new Map<string, SymbolInfo>();

/** A listed symbol from hot state, or 400 INVALID_SYMBOL. */
export async function listedSymbol(ctx: ApiContext, symbol: string): Promise<SymbolInfo> {
  const key = ctx.n.keys.symbols + '\u0000' + symbol;
  const known = listed.get(key);
  if (known !== undefined) return known;
  const s = readSymbol(await ctx.redis.hget(ctx.n.keys.symbols, symbol));
  if (s === null) throw new ApiError(400, ErrorCode.INVALID_SYMBOL, /^[A-Z][A-Z0-9.]{0,9}$/.test(symbol) ? `Unknown symbol ${symbol}` : 'Unknown symbol');
  const info = { symbol: s.symbol, tickSizeCents: wireToCents(s.tickSize) ?? 1, lotSize: s.lotSize };
  listed.set(key, info);
  return info;
}

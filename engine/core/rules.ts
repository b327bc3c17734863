/**
 * An event's trading rules as the core enforces them: order limits, position limits per symbol
 * and fees. Pure integer arithmetic: money in cents, fee rates in small integer units so that
 * every fee is an exact whole number of cents.
 */

import type { FeeSchedule, TradingRules } from '../../contracts/engine-types';
// the rules' shapes are part of the shared vocabulary; the core's code reads them from here as before
export type { FeeSchedule, PositionLimit, StartingPackage, TradingRules } from '../../contracts/engine-types';

/** Whether a sell of `symbol` may take its seller's position below zero under `rules`. */
export function mayShort(rules: TradingRules | null, symbol: string): boolean {
  if (rules === null || !rules.shortSelling) return false;
  const limit = rules.positionLimits[symbol];
  return limit !== undefined && limit.net !== null;
}

/** hundredths of a basis point in the whole; hundredths of a cent in a cent */
const BPS_DENOMINATOR = 1_000_000;
const PER_SHARE_DENOMINATOR = 100;
/** 10% of the notional, or $1.00 a share: far above any real schedule, small enough to stay exact */
export const MAX_BPS_RATE = 100_000;
export const MAX_PER_SHARE_RATE = 10_000;

/** floor(a x r / d) for non-negative integers, exact while a < 2^53, r <= 10^6 and d <= 10^6 */
function mulDivFloor(a: number, r: number, d: number): number {
  return Math.floor(a / d) * r + Math.floor(((a % d) * r) / d);
}

/**
 * The fee of one fill at `rate` (negative: a rebate, returned negative). Rounded towards zero, so
 * fees charged fill by fill never add up to more than the fee on the whole, which is what a buy
 * order reserves when it is placed.
 */
export function feeCents(unit: FeeSchedule['unit'], rate: number, notional: number, quantity: number): number {
  if (rate === 0) return 0;
  const r = rate < 0 ? -rate : rate;
  const fee = unit === 'BPS' ? mulDivFloor(notional, r, BPS_DENOMINATOR) : mulDivFloor(quantity, r, PER_SHARE_DENOMINATOR);
  return rate < 0 ? -fee : fee;
}

/** The most a buy of `quantity` at up to `notional` can be charged, whichever side of the trade it ends on. */
export function feeReserve(fees: FeeSchedule | null, notional: number, quantity: number): number {
  if (fees === null) return 0;
  const rate = Math.max(fees.maker, fees.taker, 0);
  return feeCents(fees.unit, rate, notional, quantity);
}

/**
 * The fees of one trade: the taker pays the taker rate, the maker the maker rate (or receives the
 * rebate). A seller's fee comes out of the proceeds, so it is capped at them; a rebate is capped at
 * what the other side actually paid, so the fee account never pays out more than it took in.
 */
export function tradeFees(fees: FeeSchedule | null, notional: number, quantity: number, takerBuys: boolean): { buyFee: number; sellFee: number } {
  if (fees === null) return { buyFee: 0, sellFee: 0 };
  let takerFee = feeCents(fees.unit, fees.taker, notional, quantity);
  let makerFee = feeCents(fees.unit, fees.maker, notional, quantity);
  if (!takerBuys && takerFee > notional) takerFee = notional;
  if (takerBuys && makerFee > notional) makerFee = notional;
  if (makerFee < 0 && -makerFee > takerFee) makerFee = -takerFee;
  return takerBuys ? { buyFee: takerFee, sellFee: makerFee } : { buyFee: makerFee, sellFee: takerFee };
}

/**
 * How many of `want` shares at `price` a budget pays for, the fee at `rate` on them included. Fees
 * round down, so a walk of the book with this pays exactly what the fills will be charged.
 */
export function affordableShares(unit: FeeSchedule['unit'], rate: number, budget: number, price: number, want: number): number {
  let q = Math.floor(budget / price);
  if (q > want) q = want;
  if (rate <= 0 || q === 0) return q;
  // a first guess from the rate, then down by whole shares until the fee fits
  const perShare = unit === 'BPS' ? price * (1 + rate / BPS_DENOMINATOR) : price + rate / PER_SHARE_DENOMINATOR;
  q = Math.min(q, Math.floor(budget / perShare) + 1);
  while (q > 0 && q * price + feeCents(unit, rate, q * price, q) > budget) q--;
  return q;
}

/** Whether a rate fits its unit's bounds and a rebate is no larger than the taker's fee. */
export function validFees(f: FeeSchedule): string | null {
  if (f.unit !== 'BPS' && f.unit !== 'PER_SHARE') return 'fees.unit must be BPS or PER_SHARE';
  const max = f.unit === 'BPS' ? MAX_BPS_RATE : MAX_PER_SHARE_RATE;
  for (const [name, rate] of [['maker', f.maker], ['taker', f.taker]] as const) {
    if (!Number.isSafeInteger(rate) || rate > max || rate < -max) return `fees.${name} must be a whole number from ${-max} to ${max}`;
  }
  if (f.taker < 0) return 'fees.taker cannot be a rebate';
  if (f.maker < -f.taker) return 'a maker rebate cannot exceed the taker fee';
  return null;
}

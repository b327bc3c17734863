// Generated from contracts/money.ts by scripts/generate-ui-contracts.js: do not edit; change the original.
/**
 * The core counts money in integer cents. The wire (REST and Socket.IO) shows currency units
 * with at most two decimals; the functions here are the only conversions.
 */
export const CENTS_PER_UNIT = 100;

export function centsToWire(cents: number): number {
  return cents / CENTS_PER_UNIT;
}

/**
 * A wire amount already held to whole cents (a portfolio total, a validated amount) back to exact
 * cents: the rounding only removes the double's representation error.
 */
export function wireAmountToCents(units: number): number {
  return Math.round(units * CENTS_PER_UNIT);
}

/** An average cost (cents, with fractions of a cent) to the wire, to a hundredth of a cent: four decimals. */
export function averageCostToWire(cents: number): number {
  return Math.round(cents * 100) / (CENTS_PER_UNIT * 100);
}

/** beyond this many cents a double no longer holds every cent, and JSON prints what the double holds */
const EXACT_CENTS = 1e15;

/**
 * `String(centsToWire(cents))` from integer arithmetic: what JSON.stringify writes for the wire
 * value, a quarter of the time (printing a fractional double takes a shortest-digits search).
 * The engine writes a price into nearly every message it publishes.
 */
export function centsText(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents >= EXACT_CENTS || cents <= -EXACT_CENTS) return String(centsToWire(cents));
  const abs = cents < 0 ? -cents : cents;
  const units = Math.floor(abs / CENTS_PER_UNIT);
  const rest = abs - units * CENTS_PER_UNIT;
  const text = rest === 0 ? `${units}` : rest % 10 === 0 ? `${units}.${rest / 10}` : `${units}.${rest < 10 ? '0' : ''}${rest}`;
  return cents < 0 ? `-${text}` : text;
}

/** Parses a wire price or amount (number or decimal string) into exact cents; null if it has sub-cent digits or is not a number. */
export function wireToCents(value: unknown): number | null {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : typeof value === 'string' ? value.trim() : '';
  const m = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text);
  if (m === null) return null;
  const cents = Number(m[2]) * CENTS_PER_UNIT + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -cents : cents;
}

/** "$1,234.50", "-$0.05": money in a sentence (engine reasons, messages), from exact cents */
export function dollarsText(cents: number): string {
  if (!Number.isSafeInteger(cents)) return `$${String(centsToWire(cents))}`;
  const abs = cents < 0 ? -cents : cents;
  const units = String(Math.floor(abs / CENTS_PER_UNIT)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const rest = String(abs % CENTS_PER_UNIT).padStart(2, '0');
  return `${cents < 0 ? '-' : ''}$${units}.${rest}`;
}

/**
 * The core counts money in integer cents. The wire (REST and Socket.IO) shows currency units
 * with at most two decimals; these two functions are the only conversions.
 */
export const CENTS_PER_UNIT = 100;

export function centsToWire(cents: number): number {
  return cents / CENTS_PER_UNIT;
}

/** Parses a wire price or amount (number or decimal string) into exact cents; null if it has sub-cent digits or is not a number. */
export function wireToCents(value: unknown): number | null {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : typeof value === 'string' ? value.trim() : '';
  const m = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text);
  if (m === null) return null;
  const cents = Number(m[2]) * CENTS_PER_UNIT + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -cents : cents;
}

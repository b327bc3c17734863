/** How the trading screen shows money, shares, P&L and times. Money arrives in currency units. */
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const shares = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const plainPrice = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const DASH = '—';

export function formatMoney(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? DASH : money.format(value);
}

/** A price without the currency sign, for dense columns (book ladder, tape). */
export function formatPrice(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? DASH : plainPrice.format(value);
}

export function formatShares(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? DASH : shares.format(value);
}

/** Signed money: gains with a plus, losses with a minus, so a column of P&L reads at a glance. */
export function formatPnl(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  if (value === 0) return money.format(0);
  return (value > 0 ? '+' : '-') + money.format(Math.abs(value));
}

export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return DASH;
  const text = (ratio * 100).toFixed(2); // percent, not cents
  // what rounds to zero is zero, without a sign ("-0.00%" reads as a loss)
  if (Number(text) === 0) return '0.00%';
  return `${ratio > 0 ? '+' : ''}${text}%`;
}

/** Wall-clock time of an engine timestamp (ms) or an ISO date, in the viewer's time zone. */
export function formatTime(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return DASH;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return DASH;
  return d.toLocaleTimeString('en-GB', { hour12: false });
}

/** Escapes text for innerHTML: every value a participant or the exchange sent goes through it. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

import type { EventFile } from '../contracts/event-file';

/**
 * The event's timed items as pure decisions: which are due at `now`, given when the session
 * first opened and which are done; and how a news item moves a reference price.
 */
export type DueItem =
  | { kind: 'news'; key: string; index: number; news: { headline: string; body: string; symbol?: string; movePercent?: number } }
  | { kind: 'close'; key: string };

export function dueItems(def: EventFile, openedAt: number, now: number, done: Set<string>): DueItem[] {
  const due: DueItem[] = [];
  def.news.forEach((n, index) => {
    const key = `news:${index}`;
    if (done.has(key) || openedAt + n.afterMinutes * 60_000 > now) return;
    due.push({ kind: 'news', key, index, news: { headline: n.headline, body: n.body, ...(n.symbol === undefined ? {} : { symbol: n.symbol }), ...(n.movePercent === undefined ? {} : { movePercent: n.movePercent }) } });
  });
  const minutes = def.schedule.durationMinutes;
  if (minutes !== undefined && !done.has('close') && openedAt + minutes * 60_000 <= now) due.push({ kind: 'close', key: 'close' });
  return due;
}

/** The reference moved by `percent`, on the tick and never below one tick. */
export function applyMove(referenceCents: number, tickCents: number, percent: number): number {
  const ticks = Math.round((referenceCents * (1 + percent / 100)) / tickCents); // percent, not cents
  return Math.max(1, ticks) * tickCents;
}

/**
 * The values kept in Redis hot state, typed once: each reader here knows what its key holds, so no
 * service re-declares a shape with `JSON.parse(x) as {…}`. The engine writes the wire JSON of its
 * events (contracts/wire.ts); the reference price is written by the api and the data-server with
 * `referenceJson`. A value that cannot be read (written by hand, or by an older version) reads as
 * absent (parseStored), and the caller answers as it would for a missing key.
 */
import { centsToWire, wireToCents } from './money';
import { parseStored } from './stored';
import type { WireBalance, WireBook, WireEvent, WirePublicTrade, WireTick } from './wire';

/** `quote:<symbol>`: the symbol's latest tick (last trade, volume, best bid and ask) */
export const readQuote = (raw: string | null): WireTick | null => parseStored<WireTick>(raw);

/** `orderbook:<symbol>`: the symbol's book, top levels, with the update id it reflects */
export const readBook = (raw: string | null): WireBook | null => parseStored<WireBook>(raw);

/** `balance:<userId>`: a participant's cash (dollars) and shares, available and locked */
export const readBalance = (raw: string | null): WireBalance | null => parseStored<WireBalance>(raw);

/** a listed symbol, as the `symbols` hash holds it (the engine's symbolAdded event) */
export interface StoredSymbol {
  symbol: string;
  /** in dollars, as on the wire */
  tickSize: number;
  lotSize: number;
}
export const readSymbol = (raw: string | null): StoredSymbol | null => parseStored<StoredSymbol>(raw);

/** `session`: the trading session's state (the engine's session event); absent before the first: CLOSED */
export function readSessionState(raw: string | null): string {
  return parseStored<{ state: string }>(raw)?.state ?? 'CLOSED';
}

/** `reference:<symbol>`: the reference price, a guide before and between trades (dollars, as on the wire) */
export interface StoredReference {
  type: 'reference';
  symbol: string;
  price: number;
  timestamp: number;
}
export const readReference = (raw: string | null): StoredReference | null => parseStored<StoredReference>(raw);

/** what `reference:<symbol>` holds, and what goes out on the reference-price channel */
export function referenceJson(symbol: string, cents: number, timestamp: number): string {
  const value: StoredReference = { type: 'reference', symbol, price: centsToWire(cents), timestamp };
  return JSON.stringify(value);
}

/**
 * The price a position is marked at, in cents: the last trade, else the reference price before
 * the first trade; null when the symbol has neither. The one rule for portfolios, the
 * leaderboard and results, from the raw values of `quote:<symbol>` and `reference:<symbol>`.
 */
export function markCentsOf(quote: string | null, reference: string | null): number | null {
  const price = readQuote(quote)?.lastTradePrice ?? readReference(reference)?.price ?? null;
  return price === null ? null : wireToCents(price);
}

/** `order:<id>`: an order's latest state (the engine's order event) */
export type StoredOrder = Extract<WireEvent, { type: 'order' }>;
export const readOrder = (raw: string | null): StoredOrder | null => parseStored<StoredOrder>(raw);

/** `trades:recent:<symbol>`: the symbol's last trades on the public tape, as sent (nobody named) */
export const readPublicTrade = (raw: string | null): WirePublicTrade | null => parseStored<WirePublicTrade>(raw);

/** `session`: the engine's session event */
export type StoredSession = Extract<WireEvent, { type: 'session' }>;
export const readSession = (raw: string | null): StoredSession | null => parseStored<StoredSession>(raw);

/** `news:log` members: the engine's news events, scored by seq */
export type StoredNews = Extract<WireEvent, { type: 'news' }>;
export const readNews = (raw: string | null): StoredNews | null => parseStored<StoredNews>(raw);

/** `session:schedule`: the organiser's session changes, in time order (ISO times) */
export interface ScheduleEntry {
  state: string;
  at: string;
}
export function scheduleJson(entries: ScheduleEntry[]): string {
  return JSON.stringify(entries);
}
export function readSchedule(raw: string | null): ScheduleEntry[] {
  const value = parseStored<unknown>(raw);
  return Array.isArray(value) ? (value as ScheduleEntry[]) : [];
}

/** `bots:config`: the organiser's switch and intensity for the liquidity bots (unset: the data-server's config) */
export interface StoredBotsConfig {
  enabled?: boolean;
  intensity?: number;
}
export const readBotsConfig = (raw: string | null): StoredBotsConfig => parseStored<StoredBotsConfig>(raw) ?? {};
export function botsConfigJson(config: StoredBotsConfig): string {
  return JSON.stringify(config);
}

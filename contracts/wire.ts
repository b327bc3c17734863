import { z } from 'zod';
import type { BalanceView, BookView, DepthEvent, EngineEvent, MarketStats, TradeEvent } from './engine-types';
import { centsText, centsToWire } from './money';

/**
 * What clients see on REST and Socket.IO: the engine's events with money in currency units.
 * The engine process converts once when it publishes; everything downstream forwards the JSON.
 */
export type WireEvent = ReturnType<typeof eventToWire>;

const price = (cents: number | null) => (cents === null ? null : centsToWire(cents));

export function eventToWire(e: EngineEvent) {
  switch (e.type) {
    case 'order':
      // a stop order's stopPrice converted where it stands, so that the keys keep their order
      return e.stopPrice === undefined ? { ...e, price: price(e.price), fee: centsToWire(e.fee) } : { ...e, price: price(e.price), fee: centsToWire(e.fee), stopPrice: price(e.stopPrice) };
    case 'trade':
      return { ...e, price: centsToWire(e.price), buyFee: centsToWire(e.buyFee), sellFee: centsToWire(e.sellFee) };
    case 'depth':
      return { ...e, price: centsToWire(e.price) };
    case 'symbolAdded':
      return { ...e, tickSize: centsToWire(e.tickSize) };
    case 'credit':
      return { ...e, amount: e.asset === 'CASH' ? centsToWire(e.amount) : e.amount, price: price(e.price) };
    default:
      return e;
  }
}

// surrogates too: JSON.stringify escapes a lone one, and written raw it would reach clients as U+FFFD
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;
/**
 * Each value written as JSON whatever it holds (the engine checks what it echoes, and this holds
 * even if it did not): a string escaped as needed, anything else that is not a string as null; a
 * number that is not finite (NaN, undefined) as null.
 */
const str = (v: unknown) => (typeof v !== 'string' ? 'null' : NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? `${v}` : 'null');
const money = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? centsText(v) : 'null');

/**
 * JSON.stringify(eventToWire(e)), written out by hand for the three events the engine emits by
 * the hundred thousand a second (a test holds it to the general path, byte for byte, and to valid
 * JSON for any strings and numbers at all).
 */
export function wireJson(e: EngineEvent): string {
  switch (e.type) {
    case 'order':
      return `{"type":"order","seq":${num(e.seq)},"orderId":${str(e.orderId)},"clientOrderId":${str(e.clientOrderId)},"userId":${str(e.userId)},"symbol":${str(e.symbol)},"side":${str(e.side)},"orderType":${str(e.orderType)},"timeInForce":${str(e.timeInForce)},"price":${money(e.price)},"quantity":${num(e.quantity)},"filledQuantity":${num(e.filledQuantity)},"status":${str(e.status)},"code":${num(e.code)},"reason":${str(e.reason)},"fee":${money(e.fee)}${e.stopPrice === undefined ? '' : `,"stopPrice":${money(e.stopPrice)},"triggered":${e.triggered === true}`},"pu":${num(e.pu)},"u":${num(e.u)},"timestamp":${num(e.timestamp)}}`;
    case 'depth':
      return `{"type":"depth","seq":${num(e.seq)},"symbol":${str(e.symbol)},"side":${str(e.side)},"price":${money(e.price)},"quantity":${num(e.quantity)},"pu":${num(e.pu)},"u":${num(e.u)},"timestamp":${num(e.timestamp)}}`;
    case 'trade':
      return `{"type":"trade","seq":${num(e.seq)},"tradeId":${num(e.tradeId)},"symbol":${str(e.symbol)},"price":${money(e.price)},"quantity":${num(e.quantity)},"buyOrderId":${str(e.buyOrderId)},"sellOrderId":${str(e.sellOrderId)},"buyUserId":${str(e.buyUserId)},"sellUserId":${str(e.sellUserId)},"takerSide":${str(e.takerSide)},"buyFee":${money(e.buyFee)},"sellFee":${money(e.sellFee)},"timestamp":${num(e.timestamp)}}`;
    default:
      return JSON.stringify(eventToWire(e));
  }
}

/**
 * A trade as anyone may see it (the tape, the recent trades): price, quantity, time and the
 * aggressor's side, and nothing that names a participant or an order.
 */
export function publicTradeToWire(t: TradeEvent) {
  return { type: 'trade' as const, seq: t.seq, tradeId: t.tradeId, symbol: t.symbol, price: centsToWire(t.price), quantity: t.quantity, takerSide: t.takerSide, timestamp: t.timestamp };
}

export function publicTradeJson(t: TradeEvent): string {
  return `{"type":"trade","seq":${num(t.seq)},"tradeId":${num(t.tradeId)},"symbol":${str(t.symbol)},"price":${money(t.price)},"quantity":${num(t.quantity)},"takerSide":${str(t.takerSide)},"timestamp":${num(t.timestamp)}}`;
}

/**
 * One party's side of a trade, for that party alone: their order, their side, and whether they
 * made or took the liquidity; the other party is not named.
 */
export function fillToWire(t: TradeEvent, side: 'BUY' | 'SELL') {
  const buy = side === 'BUY';
  return {
    type: 'fill' as const,
    seq: t.seq,
    tradeId: t.tradeId,
    userId: buy ? t.buyUserId : t.sellUserId,
    orderId: buy ? t.buyOrderId : t.sellOrderId,
    symbol: t.symbol,
    side,
    price: centsToWire(t.price),
    quantity: t.quantity,
    liquidity: t.takerSide === side ? ('TAKER' as const) : ('MAKER' as const),
    /** what this party paid the exchange for the fill (negative: a rebate) */
    fee: centsToWire(buy ? t.buyFee : t.sellFee),
    timestamp: t.timestamp,
  };
}

export function fillJson(t: TradeEvent, side: 'BUY' | 'SELL'): string {
  const buy = side === 'BUY';
  return `{"type":"fill","seq":${num(t.seq)},"tradeId":${num(t.tradeId)},"userId":${str(buy ? t.buyUserId : t.sellUserId)},"orderId":${str(buy ? t.buyOrderId : t.sellOrderId)},"symbol":${str(t.symbol)},"side":"${side}","price":${money(t.price)},"quantity":${num(t.quantity)},"liquidity":"${t.takerSide === side ? 'TAKER' : 'MAKER'}","fee":${money(buy ? t.buyFee : t.sellFee)},"timestamp":${num(t.timestamp)}}`;
}

/**
 * Every level one engine batch changed in one symbol, as one message: the changes in the order
 * they happened, with the symbol's book update id before the first (`pu`) and after the last (`u`),
 * so a client applies them together and still sees a gap between two messages at once.
 */
export function depthBatchJson(events: DepthEvent[]): string {
  const first = events[0];
  const last = events[events.length - 1];
  let changes = '';
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    changes += `${i === 0 ? '' : ','}{"side":"${e.side}","price":${money(e.price)},"quantity":${num(e.quantity)}}`;
  }
  return `{"type":"depth","seq":${num(last.seq)},"symbol":${str(first.symbol)},"pu":${num(first.pu)},"u":${num(last.u)},"changes":[${changes}],"timestamp":${num(last.timestamp)}}`;
}

/**
 * Two depth messages of one symbol, `newer` right after `older` (its pu is older's u), as one:
 * older's pu, newer's u, seq and time, the changes of both in order. The same text
 * depthBatchJson writes for the two batches' events together; it reads only that layout.
 */
export function mergeDepthJson(older: string, newer: string): string {
  const changesAt = newer.indexOf('"changes":[') + 11;
  const olderChanges = older.slice(older.indexOf('"changes":[') + 11, older.lastIndexOf('],"timestamp":'));
  return (
    newer.slice(0, newer.indexOf(',"pu":')) +
    older.slice(older.indexOf(',"pu":'), older.indexOf(',"u":')) +
    newer.slice(newer.indexOf(',"u":'), changesAt) +
    olderChanges +
    (olderChanges.length > 0 && newer[changesAt] !== ']' ? ',' : '') +
    newer.slice(changesAt)
  );
}

export type WirePublicTrade = ReturnType<typeof publicTradeToWire>;
export type WireFill = ReturnType<typeof fillToWire>;

export function tickToWire(m: MarketStats, seq: number, timestamp: number) {
  return {
    type: 'tick' as const,
    seq,
    symbol: m.symbol,
    u: m.u,
    lastTradePrice: price(m.lastTradePrice),
    lastTradeQuantity: m.lastTradeQuantity,
    bidPrice: price(m.bidPrice),
    bidQuantity: m.bidQuantity,
    askPrice: price(m.askPrice),
    askQuantity: m.askQuantity,
    totalVolume: m.totalVolume,
    timestamp,
  };
}

export function bookToWire(b: BookView, seq: number, timestamp: number) {
  const levels = (ls: BookView['bids']) => ls.map((l) => ({ price: centsToWire(l.price), quantity: l.quantity, orders: l.orders }));
  return { type: 'orderbook' as const, seq, symbol: b.symbol, u: b.u, bids: levels(b.bids), asks: levels(b.asks), timestamp };
}

const priceText = (cents: number | null) => (cents === null ? 'null' : centsText(cents));

function levelsJson(levels: BookView['bids']): string {
  let out = '[';
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i];
    out += `${i === 0 ? '' : ','}{"price":${centsText(l.price)},"quantity":${l.quantity},"orders":${l.orders}}`;
  }
  return out + ']';
}

/**
 * JSON.stringify(bookToWire(b, seq, timestamp)) written out by hand, like wireJson: the engine
 * writes the book of every symbol a batch touched, and at moderate load a batch is an order or two
 * (tests hold these to the general path, byte for byte).
 */
export function bookJson(b: BookView, seq: number, timestamp: number): string {
  return `{"type":"orderbook","seq":${seq},"symbol":${str(b.symbol)},"u":${b.u},"bids":${levelsJson(b.bids)},"asks":${levelsJson(b.asks)},"timestamp":${timestamp}}`;
}

/** JSON.stringify(tickToWire(m, seq, timestamp)), by hand */
export function tickJson(m: MarketStats, seq: number, timestamp: number): string {
  return `{"type":"tick","seq":${seq},"symbol":${str(m.symbol)},"u":${m.u},"lastTradePrice":${priceText(m.lastTradePrice)},"lastTradeQuantity":${m.lastTradeQuantity},"bidPrice":${priceText(m.bidPrice)},"bidQuantity":${m.bidQuantity},"askPrice":${priceText(m.askPrice)},"askQuantity":${m.askQuantity},"totalVolume":${m.totalVolume},"timestamp":${timestamp}}`;
}

/** JSON.stringify(balanceToWire(b, seq)), by hand: positions in their own key order, as JSON.stringify takes them */
export function balanceJson(b: BalanceView, seq: number): string {
  let positions = '{';
  let first = true;
  for (const symbol of Object.keys(b.positions)) {
    const p = b.positions[symbol];
    positions += `${first ? '' : ','}${str(symbol)}:{"available":${p.available},"locked":${p.locked}}`;
    first = false;
  }
  return `{"type":"balance","seq":${seq},"userId":${str(b.userId)},"cash":{"available":${centsText(b.cash.available)},"locked":${centsText(b.cash.locked)}},"positions":${positions}}}`;
}

export function balanceToWire(b: BalanceView, seq: number) {
  return {
    type: 'balance' as const,
    seq,
    userId: b.userId,
    cash: { available: centsToWire(b.cash.available), locked: centsToWire(b.cash.locked) },
    positions: b.positions,
  };
}

export type WireTick = ReturnType<typeof tickToWire>;
export type WireBook = ReturnType<typeof bookToWire>;
export type WireBalance = ReturnType<typeof balanceToWire>;

/** The engine's verdict on one command, sent back to the api instance that submitted it. */
export const replySchema = z.object({
  requestId: z.string(),
  /** the command's last order event (its state once the command was applied), if it was a place or cancel */
  order: z.record(z.string(), z.unknown()).nullable(),
  /** trades the command caused */
  trades: z.array(z.record(z.string(), z.unknown())),
  /** a cancel-all: every order it cancelled (all the submitter's own) */
  orders: z.array(z.record(z.string(), z.unknown())).optional(),
  error: z
    .object({
      code: z.number(),
      message: z.string(),
      /** a place whose clientOrderId was used before: the order it named, and whether this asked for the same */
      duplicateOf: z.object({ orderId: z.string(), sameRequest: z.boolean() }).optional(),
    })
    .nullable(),
  /** the engine's seq once this command was applied: everything up to it reflects the command */
  seq: z.number(),
});
export type Reply = z.infer<typeof replySchema>;

import { Account } from './accounts';
import { BUY, Order, SELL } from './book';
import { clientKey, MatchingEngine } from './engine';
import type { StartingPackage, TradingRules } from './rules';
import type { OrderStatus, OrderType, SessionState, StpMode, TimeInForce } from './types';

export const SNAPSHOT_VERSION = 1;

/** A resting order, as a tuple to keep snapshots of large books small. */
export type OrderTuple = [
  id: string,
  clientOrderId: string | null,
  userId: string,
  side: 'BUY' | 'SELL',
  type: OrderType,
  tif: TimeInForce,
  price: number,
  quantity: number,
  filled: number,
  status: OrderStatus,
  stp: StpMode,
  timestamp: number,
  lockedCash: number,
  /** fees paid so far (absent in older snapshots: 0) */
  fee?: number,
  /** a stop order's trigger price and the seq it was placed at (absent for other orders) */
  stopPrice?: number,
  seqPlaced?: number,
];

export interface BookSnapshot {
  symbol: string;
  tickSize: number;
  lotSize: number;
  lastPrice: number | null;
  lastQuantity: number;
  volume: number;
  /** the book's update id (absent in older snapshots: 0) */
  updateId?: number;
  /** best level first, each level's queue in time priority */
  bids: OrderTuple[];
  asks: OrderTuple[];
  /** stop orders waiting for their trigger, buys then sells, each in trigger order (absent when none) */
  stops?: OrderTuple[];
}

export interface AccountSnapshot {
  userId: string;
  cashAvailable: number;
  cashLocked: number;
  /** [available, locked] per symbol, in symbol order */
  shares: [number, number][];
}

/** Everything the core needs to carry on exactly where it stopped; plain JSON. */
export interface EngineSnapshot {
  version: typeof SNAPSHOT_VERSION;
  balances: boolean;
  seq: number;
  tradeSeq: number;
  session: SessionState;
  totalCash: number;
  totalShares: number[];
  books: BookSnapshot[];
  accounts: AccountSnapshot[];
  /**
   * clientKey, orderId, request of every clientOrderId used since the last reset; left out when the
   * caller keeps them elsewhere (the engine process, in Redis), absent in older snapshots
   */
  clientIds?: [key: string, orderId: string, request: string][];
  /** resets so far (absent in older snapshots: 0) */
  epoch?: number;
  /** each participant's last order-update id (absent in older snapshots: all 0) */
  orderUpdateIds?: [userId: string, u: number][];
  /** the loaded event (absent when none is, and in older snapshots) */
  event?: {
    name: string;
    rules: TradingRules;
    starting: StartingPackage;
    participants: string[];
    granted: string[];
    newsIds: string[];
    feeCash: number;
  };
}

export function snapshot(engine: MatchingEngine, options: { clientIds: boolean } = { clientIds: true }): EngineSnapshot {
  const books: BookSnapshot[] = engine.bookList.map((book) => {
    const side = (s: typeof book.bids): OrderTuple[] => {
      const tuples: OrderTuple[] = [];
      for (let i = s.levels.length - 1; i >= 0; i--) {
        for (let o = s.levels[i].head; o !== null; o = o.next) tuples.push(toTuple(o));
      }
      return tuples;
    };
    return {
      symbol: book.symbol,
      tickSize: book.tickSize,
      lotSize: book.lotSize,
      lastPrice: book.lastPrice,
      lastQuantity: book.lastQuantity,
      volume: book.volume,
      updateId: book.updateId,
      bids: side(book.bids),
      asks: side(book.asks),
      ...(book.buyStops.length + book.sellStops.length > 0 ? { stops: [...book.buyStops, ...book.sellStops].map(toTuple) } : null),
    };
  });
  const symbolCount = engine.bookList.length;
  const accounts: AccountSnapshot[] = [];
  for (const a of engine.accounts.values()) {
    a.ensureSymbols(symbolCount);
    accounts.push({
      userId: a.userId,
      cashAvailable: a.cashAvailable,
      cashLocked: a.cashLocked,
      shares: a.sharesAvailable.map((available, i) => [available, a.sharesLocked[i]]),
    });
  }
  return {
    version: SNAPSHOT_VERSION,
    balances: engine.balancesEnabled,
    seq: engine.seq,
    tradeSeq: engine.tradeSeq,
    session: engine.session,
    totalCash: engine.totalCash,
    totalShares: engine.totalShares.slice(),
    books,
    accounts,
    // only once there has been a reset: a snapshot of an older version (without it) reads the same
    ...(engine.epoch > 0 ? { epoch: engine.epoch } : {}),
    ...(engine.orderUpdateIds.size > 0 ? { orderUpdateIds: [...engine.orderUpdateIds] } : {}),
    ...(engine.eventName !== null || engine.participants.size > 0 || engine.newsIds.size > 0
      ? {
          event: {
            name: engine.eventName ?? '',
            rules: engine.rules ?? { maxOrderQuantity: null, maxOrderNotional: null, positionLimits: {}, fees: null, shortSelling: false },
            starting: engine.starting ?? { cash: 0, shares: {} },
            participants: [...engine.participants],
            granted: [...engine.granted],
            newsIds: [...engine.newsIds],
            feeCash: engine.feeCash,
          },
        }
      : {}),
    ...(options.clientIds ? { clientIds: [...engine.usedClientIds].map(([key, used]) => [key, used.orderId, used.request] as [string, string, string]) } : {}),
  };
}

function toTuple(o: Order): OrderTuple {
  const t: OrderTuple = [
    o.id,
    o.clientOrderId,
    o.userId,
    o.side === BUY ? 'BUY' : 'SELL',
    o.type,
    o.tif,
    o.price,
    o.quantity,
    o.filled,
    o.status,
    o.stp,
    o.timestamp,
    o.lockedCash,
    o.fee,
  ];
  if (o.stopPrice !== 0) t.push(o.stopPrice, o.seqPlaced);
  return t;
}

/** Rebuilds an engine from a snapshot; it then behaves exactly as the one that was snapshotted. */
export function restore(snap: EngineSnapshot): MatchingEngine {
  if (snap.version !== SNAPSHOT_VERSION) throw new Error(`unsupported snapshot version ${String(snap.version)}`);
  const engine = new MatchingEngine({ balances: snap.balances });
  engine.seq = snap.seq;
  engine.tradeSeq = snap.tradeSeq;
  engine.session = snap.session;
  engine.totalCash = snap.totalCash;
  // Accounts first: resting orders point at them.
  const symbolCount = snap.books.length;
  for (const a of snap.accounts) {
    const account = new Account(a.userId, symbolCount);
    account.cashAvailable = a.cashAvailable;
    account.cashLocked = a.cashLocked;
    a.shares.forEach(([available, locked], i) => {
      account.sharesAvailable[i] = available;
      account.sharesLocked[i] = locked;
    });
    engine.accounts.set(a.userId, account);
  }
  for (const b of snap.books) {
    const book = engine.createBook(b.symbol, b.tickSize, b.lotSize);
    book.lastPrice = b.lastPrice;
    book.lastQuantity = b.lastQuantity;
    book.volume = b.volume;
    book.updateId = b.updateId ?? 0;
    const waiting = b.stops ?? [];
    const all = [...b.bids, ...b.asks, ...waiting];
    all.forEach((t, i) => {
      const [id, clientOrderId, userId, side, type, tif, price, quantity, filled, status, stp, timestamp, lockedCash, fee, stopPrice, seqPlaced] = t;
      const account = snap.balances ? (engine.accounts.get(userId) ?? null) : null;
      const o = new Order(id, clientOrderId, userId, account, book, side === 'BUY' ? BUY : SELL, type, tif, price, quantity, stp, timestamp);
      o.filled = filled;
      o.status = status;
      o.lockedCash = lockedCash;
      o.fee = fee ?? 0;
      if (stopPrice !== undefined) {
        o.stopPrice = stopPrice;
        o.seqPlaced = seqPlaced ?? 0;
      }
      // what the position limits count: derived, so snapshots need not carry it
      if (account !== null && o.side === BUY) account.buyOpen[book.index] += quantity - filled;
      if (i >= all.length - waiting.length) {
        // the lists are saved in trigger order: appending keeps it
        o.triggered = false;
        (o.side === BUY ? book.buyStops : book.sellStops).push(o);
      } else {
        book.sideOf(o.side).levelFor(price).append(o);
      }
      engine.orders.set(id, o);
      if (clientOrderId !== null) engine.byClientId.set(clientKey(userId, clientOrderId), o);
    });
  }
  engine.totalShares.splice(0, engine.totalShares.length, ...snap.totalShares);
  for (const [key, orderId, request] of snap.clientIds ?? []) engine.usedClientIds.set(key, { orderId, request });
  engine.epoch = snap.epoch ?? 0;
  for (const [userId, u] of snap.orderUpdateIds ?? []) engine.orderUpdateIds.set(userId, u);
  const ev = snap.event;
  if (ev !== undefined) {
    // a snapshot taken with participants but no event loaded yet keeps the event fields empty
    if (ev.name !== '') {
      engine.eventName = ev.name;
      // snapshots from before short selling have no such field: it was always off
      engine.rules = { ...ev.rules, shortSelling: ev.rules.shortSelling === true };
      engine.starting = ev.starting;
    }
    for (const u of ev.participants) engine.participants.add(u);
    for (const u of ev.granted) engine.granted.add(u);
    for (const id of ev.newsIds) engine.newsIds.add(id);
    engine.feeCash = ev.feeCash;
  }
  return engine;
}

/**
 * A 64-bit hex digest of the whole state (two independent 32-bit FNV-1a lanes over the snapshot's
 * JSON), for comparing engines in tests and logging what a restore produced.
 */
export function stateHash(engine: MatchingEngine): string {
  return hashText(JSON.stringify(snapshot(engine)));
}

/** The digest of a snapshot already serialised, so that saving one does not serialise it twice. */
export function hashText(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x9e3779b9;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

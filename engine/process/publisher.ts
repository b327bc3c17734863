import type { ChainableCommander } from 'ioredis';
import type { MatchingEngine } from '../core/engine';
import type { BalanceView, EngineEvent } from '../core/types';
import type { Names } from '../../contracts/names';
import { balanceToWire, bookToWire, eventToWire, tickToWire } from '../../contracts/wire';
import type { BatchResult } from './batch';

const RECENT_TRADES = 100;

/**
 * Lua helpers so that a whole batch costs a handful of Redis commands instead of several per
 * engine event: PUBLISH stays one message per event (the channels' layout), but the loop runs
 * inside Redis.
 */
export const batchScripts = {
  publishMany: { lua: "for i = 1, #ARGV, 2 do redis.call('PUBLISH', ARGV[i], ARGV[i + 1]) end return #ARGV / 2" },
  /** KEYS[i] gets member ARGV[2i] with score ARGV[2i-1], if it is not there yet */
  zaddNxMany: { lua: "for i = 1, #KEYS do redis.call('ZADD', KEYS[i], 'NX', ARGV[2 * i - 1], ARGV[2 * i]) end return #KEYS" },
};

export interface BatchPipeline extends ChainableCommander {
  publishMany(...args: string[]): this;
  zaddNxMany(numKeys: number, ...args: (string | number)[]): this;
}

/**
 * Queues on `pipe` everything one batch changes outside the engine: pub/sub messages for every
 * event, hot state for reads that must not touch the engine, book and tick snapshots of every
 * symbol the batch touched, balances, and each command's verdict.
 */
export function publishBatch(pipe: BatchPipeline, n: Names, engine: MatchingEngine, batch: BatchResult, balances: BalanceView[], bookDepth: number): void {
  const ch = n.channels;
  const touched = new Set<string>();
  const pubs: string[] = [];
  const state = new Map<string, string>();
  const newOrderKeys: string[] = [];
  const newOrderArgs: (string | number)[] = [];
  const recent = new Map<string, string[]>();
  let lastTs = 0;
  for (const e of batch.events) {
    lastTs = e.timestamp;
    const json = JSON.stringify(eventToWire(e));
    switch (e.type) {
      case 'order':
        pubs.push(ch.orderUpdates, json);
        state.set(n.keys.order(e.orderId), json);
        if (e.filledQuantity === 0 && (e.status === 'PENDING' || e.status === 'REJECTED')) {
          newOrderKeys.push(n.keys.userOrders(e.userId));
          newOrderArgs.push(e.timestamp, e.orderId);
        }
        break;
      case 'trade': {
        pubs.push(ch.trades, json);
        state.set(n.keys.trade(e.tradeId), json);
        const list = recent.get(e.symbol) ?? [];
        list.push(json);
        recent.set(e.symbol, list);
        touched.add(e.symbol);
        break;
      }
      case 'depth':
        pubs.push(ch.marketData, json);
        touched.add(e.symbol);
        break;
      case 'error':
        pubs.push(ch.errors, json);
        break;
      case 'credit':
        pubs.push(ch.balances, json);
        break;
      case 'session':
        pubs.push(ch.exchangeEvents, json);
        state.set(n.keys.session, json);
        break;
      case 'symbolAdded':
        pubs.push(ch.exchangeEvents, json);
        pipe.hset(n.keys.symbols, e.symbol, json);
        touched.add(e.symbol);
        break;
    }
  }
  const seq = engine.seq;
  for (const symbol of touched) {
    const book = engine.book(symbol, bookDepth);
    const market = engine.market(symbol);
    if (book === null || market === null) continue;
    const bookJson = JSON.stringify(bookToWire(book, seq, lastTs));
    const tickJson = JSON.stringify(tickToWire(market, seq, lastTs));
    state.set(n.keys.orderbook(symbol), bookJson);
    state.set(n.keys.quote(symbol), tickJson);
    pubs.push(ch.marketData, bookJson, ch.marketData, tickJson);
  }
  for (const b of balances) {
    const json = JSON.stringify(balanceToWire(b, seq));
    state.set(n.keys.balance(b.userId), json);
    pubs.push(ch.balances, json);
  }
  for (const { replyTo, reply } of batch.replies) pubs.push(ch.replies(replyTo), JSON.stringify(reply));

  // hot state first, so that anyone reacting to a message can already read the state it describes
  if (state.size > 0) pipe.mset(state);
  if (newOrderKeys.length > 0) pipe.zaddNxMany(newOrderKeys.length, ...newOrderKeys, ...newOrderArgs);
  for (const [symbol, list] of recent) {
    const key = `${n.prefix}recent_trades:${symbol}`;
    pipe.lpush(key, ...list.slice(-RECENT_TRADES));
    pipe.ltrim(key, 0, RECENT_TRADES - 1);
  }
  if (pubs.length > 0) pipe.publishMany(...pubs);
}

/** What db-writer persists from a batch: order changes, trades, new symbols and balances, in cents. */
export interface PersistJob {
  events: EngineEvent[];
  balances: (BalanceView & { seq: number })[];
}

export function persistJob(batch: BatchResult, balances: BalanceView[], seq: number, symbols: string[]): PersistJob | null {
  const events = batch.events.filter((e) => e.type === 'order' || e.type === 'trade' || e.type === 'symbolAdded');
  if (events.length === 0 && balances.length === 0) return null;
  // Views leave out empty positions; the database must see them go to zero.
  const complete = balances.map((b) => {
    const positions = { ...b.positions };
    for (const symbol of symbols) positions[symbol] ??= { available: 0, locked: 0 };
    return { ...b, positions, seq };
  });
  return { events, balances: complete };
}

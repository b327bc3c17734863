import type { ChainableCommander } from 'ioredis';
import type { MatchingEngine } from '../core/engine';
import type { BalanceView, EngineEvent } from '../core/types';
import type { Names } from '../../contracts/names';
import { balanceToWire, bookToWire, eventToWire, tickToWire } from '../../contracts/wire';
import type { BatchResult } from './batch';

const RECENT_TRADES = 100;

/**
 * Queues on `pipe` everything one batch changes outside the engine: pub/sub messages for every
 * event, hot state for reads that must not touch the engine, book and tick snapshots of every
 * symbol the batch touched, balances, and each command's verdict.
 */
export function publishBatch(pipe: ChainableCommander, n: Names, engine: MatchingEngine, batch: BatchResult, balances: BalanceView[], bookDepth: number): void {
  const ch = n.channels;
  const touched = new Set<string>();
  const orderState = new Map<string, string>();
  let lastTs = 0;
  for (const e of batch.events) {
    lastTs = e.timestamp;
    const json = JSON.stringify(eventToWire(e));
    switch (e.type) {
      case 'order':
        pipe.publish(ch.orderUpdates, json);
        orderState.set(e.orderId, json);
        if (e.filledQuantity === 0 && (e.status === 'PENDING' || e.status === 'REJECTED')) {
          pipe.zadd(n.keys.userOrders(e.userId), 'NX', e.timestamp, e.orderId);
        }
        break;
      case 'trade':
        pipe.publish(ch.trades, json);
        pipe.set(n.keys.trade(e.tradeId), json);
        pipe.lpush(`${n.prefix}recent_trades:${e.symbol}`, json);
        pipe.ltrim(`${n.prefix}recent_trades:${e.symbol}`, 0, RECENT_TRADES - 1);
        touched.add(e.symbol);
        break;
      case 'depth':
        pipe.publish(ch.marketData, json);
        touched.add(e.symbol);
        break;
      case 'error':
        pipe.publish(ch.errors, json);
        break;
      case 'credit':
        pipe.publish(ch.balances, json);
        break;
      case 'session':
        pipe.publish(ch.exchangeEvents, json);
        pipe.set(n.keys.session, json);
        break;
      case 'symbolAdded':
        pipe.publish(ch.exchangeEvents, json);
        pipe.hset(n.keys.symbols, e.symbol, json);
        touched.add(e.symbol);
        break;
    }
  }
  for (const [orderId, json] of orderState) pipe.set(n.keys.order(orderId), json);
  const seq = engine.seq;
  for (const symbol of touched) {
    const book = engine.book(symbol, bookDepth);
    const market = engine.market(symbol);
    if (book === null || market === null) continue;
    const bookJson = JSON.stringify(bookToWire(book, seq, lastTs));
    const tickJson = JSON.stringify(tickToWire(market, seq, lastTs));
    pipe.set(n.keys.orderbook(symbol), bookJson);
    pipe.set(n.keys.quote(symbol), tickJson);
    pipe.publish(ch.marketData, bookJson);
    pipe.publish(ch.marketData, tickJson);
  }
  for (const b of balances) {
    const json = JSON.stringify(balanceToWire(b, seq));
    pipe.set(n.keys.balance(b.userId), json);
    pipe.publish(ch.balances, json);
  }
  for (const { replyTo, reply } of batch.replies) pipe.publish(ch.replies(replyTo), JSON.stringify(reply));
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

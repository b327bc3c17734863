import { emptyBatch, encodePersistJob, type JobBalance, type JobOrder, type PersistBatch, type PersistJob } from '../../contracts/persist-job';
import type { RespBatch } from '../../runtime/resp/batch';
import type { MatchingEngine } from '../core/engine';
import type { BalanceView, DepthEvent, MarketStats } from '../core/types';
import type { Names } from '../../contracts/names';
import { balanceJson, bookJson, depthBatchJson, fillJson, publicTradeJson, tickJson, wireJson } from '../../contracts/wire';
import type { BatchResult } from './batch';

const RECENT_TRADES = 100;
/** key-value pairs per MSET: well inside what a fenced batch's script can pass on (MAX_FENCED_ARGS) */
const MSET_PAIRS = 1000;

/** what a tick says about trading (last trade and volume), to tell whether it has anything new */
export function tradesMark(m: MarketStats): string {
  return `${m.lastTradePrice}:${m.lastTradeQuantity}:${m.totalVolume}`;
}

/**
 * Paces the per-symbol `orderbook` and `tick` messages to one per symbol per interval, always
 * sending the latest, and never holding one back for longer than the interval. A tick goes out
 * only when a trade has changed it (last trade, volume) since the last one sent: its best bid and
 * ask alone are what the depth already carries, and a tick per book change would add a message per
 * subscriber and interval that says nothing new (ws-server writes every one to every socket).
 */
export class MarketThrottle {
  private readonly last = new Map<string, number>();
  private readonly waiting = new Map<string, [book: string, tick: string, trades: string]>();
  /** per symbol, the trade part of the last tick sent */
  private readonly sentTrades = new Map<string, string>();

  constructor(private readonly intervalMs: number) {}

  /** `trades` names the symbol's trading so far (last trade and volume): a tick is due when it differs from the last one sent */
  offer(symbol: string, bookJson: string, tickJson: string, trades: string): void {
    this.waiting.set(symbol, [bookJson, tickJson, trades]);
  }

  /**
   * Sends what has waited `intervalMs` since its symbol's last send, or everything when `force`
   * (before a snapshot), with its tick when a trade changed it (else null). `now` is always the
   * clock: a forced flush that recorded a time past it held the symbol back for good.
   */
  due(now: number, send: (bookJson: string, tickJson: string | null, symbol: string) => void, force = false): void {
    for (const [symbol, [book, tick, trades]] of this.waiting) {
      if (!force && now - (this.last.get(symbol) ?? 0) < this.intervalMs) continue;
      const traded = this.sentTrades.get(symbol) !== trades;
      send(book, traded ? tick : null, symbol);
      if (traded) this.sentTrades.set(symbol, trades);
      this.last.set(symbol, now);
      this.waiting.delete(symbol);
    }
  }

  get pending(): boolean {
    return this.waiting.size > 0;
  }
}

/**
 * Queues on `out` everything one batch changes outside the engine: pub/sub messages for every
 * event, hot state for reads that must not touch the engine, book and tick snapshots of every
 * symbol the batch touched, balances, and each command's verdict. During recovery the values of
 * hot state go to `withheld` instead (the latest per key), written once replay has caught up: a
 * replayed batch would otherwise set a book, a balance or an order back to an older state.
 */
export function publishBatch(
  out: RespBatch,
  n: Names,
  engine: MatchingEngine,
  batch: BatchResult,
  balances: BalanceView[],
  bookDepth: number,
  throttle: MarketThrottle,
  withheld?: Map<string, string>,
): void {
  const ch = n.channels;
  const touched = new Set<string>();
  // key, value, key, value…: MSET takes the last of a repeated key, so an order changed twice in
  // a batch needs no de-duplication (which would hash every key)
  const state: string[] = [];
  const newOrders: [key: string, score: number, orderId: string][] = [];
  const pubs: string[] = [];
  const recent = new Map<string, (string | number)[]>();
  const depths = new Map<string, DepthEvent[]>();
  let lastTs = 0;
  for (const e of batch.events) {
    lastTs = e.timestamp;
    const json = wireJson(e);
    switch (e.type) {
      case 'order':
        pubs.push(ch.orderUpdates, json);
        state.push(n.keys.order(e.orderId), json);
        if (e.filledQuantity === 0 && (e.status === 'PENDING' || e.status === 'REJECTED')) {
          newOrders.push([n.keys.userOrders(e.userId), e.timestamp, e.orderId]);
        }
        break;
      case 'trade': {
        // the tape names nobody; each party gets its own side, privately
        const tape = publicTradeJson(e);
        pubs.push(ch.trades, tape, ch.orderUpdates, fillJson(e, 'BUY'), ch.orderUpdates, fillJson(e, 'SELL'));
        state.push(n.keys.trade(e.tradeId), json);
        // score and member of the symbol's recent-trades set
        const list = recent.get(e.symbol) ?? [];
        list.push(e.tradeId, tape);
        recent.set(e.symbol, list);
        touched.add(e.symbol);
        break;
      }
      case 'depth': {
        // one message per symbol per batch, below
        const list = depths.get(e.symbol);
        if (list === undefined) depths.set(e.symbol, [e]);
        else list.push(e);
        touched.add(e.symbol);
        break;
      }
      case 'error':
        pubs.push(ch.errors, json);
        break;
      case 'credit':
        pubs.push(ch.balances, json);
        break;
      case 'session':
        pubs.push(ch.exchangeEvents, json);
        state.push(n.keys.session, json);
        break;
      case 'reset':
        // a new event: every quote and book restarts, and the event's fills count from here
        pubs.push(ch.exchangeEvents, json);
        state.push(n.keys.eventStartSeq, String(e.seq));
        for (const symbol of engine.symbols()) touched.add(symbol);
        break;
      case 'symbolAdded':
        pubs.push(ch.exchangeEvents, json);
        out.cmd('HSET', n.keys.symbols, e.symbol, json);
        touched.add(e.symbol);
        break;
      case 'eventLoaded':
        pubs.push(ch.exchangeEvents, json);
        break;
      case 'news':
        pubs.push(ch.exchangeEvents, json);
        // scored by seq, so a replayed item is the same member: the data-server applies each move once, in order
        out.cmd('ZADD', n.keys.newsLog, e.seq, json);
        break;
    }
  }
  for (const [symbol, events] of depths) pubs.push(ch.marketDataOf(symbol), depthBatchJson(events));
  const seq = engine.seq;
  for (const symbol of touched) {
    const book = engine.book(symbol, bookDepth);
    const market = engine.market(symbol);
    if (book === null || market === null) continue;
    const bookText = bookJson(book, seq, lastTs);
    const tickText = tickJson(market, seq, lastTs);
    // hot state stays exact (a new subscriber's snapshot must match the depth events after it);
    // the messages are a refresh that clients can also build from depth and trades, so they are paced
    state.push(n.keys.orderbook(symbol), bookText, n.keys.quote(symbol), tickText);
    throttle.offer(symbol, bookText, tickText, tradesMark(market));
  }
  throttle.due(Date.now(), (bookJson, tickJson, symbol) => {
    pubs.push(ch.marketDataOf(symbol), bookJson);
    if (tickJson !== null) pubs.push(ch.marketDataOf(symbol), tickJson);
  });
  for (const b of balances) {
    const json = balanceJson(b, seq);
    state.push(n.keys.balance(b.userId), json);
    pubs.push(ch.balances, json);
  }
  for (const { replyTo, reply } of batch.replies) pubs.push(ch.replies(replyTo), JSON.stringify(reply));

  // hot state first, so that anyone reacting to a message can already read the state it describes
  if (withheld !== undefined) for (let i = 0; i < state.length; i += 2) withheld.set(state[i], state[i + 1]);
  else msetChunks(out, state);
  for (const [key, score, orderId] of newOrders) out.cmd('ZADD', key, 'NX', score, orderId);
  for (const [symbol, list] of recent) {
    const key = n.keys.recentTrades(symbol);
    // scored by trade id: a trade published again by replay is the same member, not a second one
    out.cmd('ZADD', key, ...list.slice(-2 * RECENT_TRADES));
    out.cmd('ZREMRANGEBYRANK', key, 0, -(RECENT_TRADES + 1));
  }
  for (let i = 0; i < pubs.length; i += 2) out.publish(pubs[i], pubs[i + 1]);
}

/**
 * The client order ids a batch used first, into their event's hash (orderId, a newline, the
 * request's text), in pieces a fenced batch's script can pass on. Written with the batch's other
 * outputs, so Redis holds every id of every command applied.
 */
export function keepClientIds(out: RespBatch, n: Names, ids: [epoch: number, key: string, orderId: string, request: string][]): void {
  let i = 0;
  while (i < ids.length) {
    const epoch = ids[i][0];
    const args: string[] = [];
    for (; i < ids.length && ids[i][0] === epoch && args.length < 2 * MSET_PAIRS; i++) args.push(ids[i][1], `${ids[i][2]}\n${ids[i][3]}`);
    out.cmd('HSET', n.keys.clientIds(epoch), ...args);
  }
}

/** MSET in pieces small enough to run inside a fenced batch's script */
export function msetChunks(out: RespBatch, keyValues: string[]): void {
  const step = MSET_PAIRS * 2;
  for (let i = 0; i < keyValues.length; i += step) out.cmd('MSET', ...keyValues.slice(i, i + step));
}


/**
 * Collects what db-writer must persist over several batches, so that a busy exchange sends a few
 * large jobs rather than one per small batch. Whatever is collected is flushed before a snapshot,
 * so a crash can only lose what replay will produce again.
 */
export class PersistBuffer {
  /** the job being collected, in labelled rows (the engine's events are fresh objects, kept as they are); encoded once, when taken */
  private job: PersistBatch | null = null;
  private firstAt = 0;
  /** each order's row in the job, by id: its price and quantity follow the order (an amend changes them) */
  private orderRows = new Map<string, JobOrder>();
  private balanceRows = new Map<string, JobBalance>();
  /** a session change or reset travels even in an empty job: db-writer's watermark then passes it */
  private sessionChanged = false;
  /** where the next job's range starts: the end of the last one sent */
  private sentThrough = 0;

  constructor(
    private readonly maxEvents: number,
    private readonly maxAgeMs: number,
  ) {}

  /** The engine's seq when it starts (restored, before replay): the first job's range starts there. */
  startAt(seq: number): void {
    this.sentThrough = seq;
  }

  add(batch: BatchResult, balances: BalanceView[], seq: number, symbols: string[], now: number): void {
    if (this.job === null) {
      this.job = emptyBatch(seq);
      this.firstAt = now;
    }
    const job = this.job;
    job.seq = seq;
    for (const e of batch.events) {
      if (e.type === 'order') {
        const row = this.orderRows.get(e.orderId);
        if (row === undefined) {
          const first: JobOrder = { orderId: e.orderId, clientOrderId: e.clientOrderId, userId: e.userId, symbol: e.symbol, side: e.side, orderType: e.orderType, timeInForce: e.timeInForce, price: e.price, quantity: e.quantity };
          if (e.stopPrice !== undefined) first.stopPrice = e.stopPrice;
          this.orderRows.set(e.orderId, first);
        } else {
          row.price = e.price;
          row.quantity = e.quantity;
        }
        job.events.push(e);
      } else if (e.type === 'trade') {
        job.trades.push(e);
      } else if (e.type === 'news') {
        job.news.push(e);
      } else if (e.type === 'symbolAdded') {
        job.symbols.push(e);
      } else if (e.type === 'credit') {
        job.credits.push(e);
      } else if (e.type === 'session' || e.type === 'reset' || e.type === 'eventLoaded') {
        this.sessionChanged = true;
      }
    }
    // the latest balance of each participant and asset wins; views leave out empty positions,
    // but the database must see them go to zero
    for (const b of balances) {
      this.balanceRows.set(`${b.userId}\u0000CASH`, { userId: b.userId, asset: 'CASH', available: b.cash.available, locked: b.cash.locked });
      for (const symbol of symbols) {
        const p = b.positions[symbol];
        this.balanceRows.set(`${b.userId}\u0000${symbol}`, { userId: b.userId, asset: symbol, available: p?.available ?? 0, locked: p?.locked ?? 0 });
      }
    }
  }

  due(now: number): boolean {
    return this.job !== null && (this.job.events.length + this.job.trades.length >= this.maxEvents || now - this.firstAt >= this.maxAgeMs);
  }

  /** The collected job, encoded, or null if there is nothing to persist; the buffer starts empty again. */
  take(): PersistJob | null {
    const job = this.job;
    if (job === null) return null;
    // in the order each was first seen, as the events that name them
    job.orders = [...this.orderRows.values()];
    job.balances = [...this.balanceRows.values()];
    this.job = null;
    this.orderRows = new Map();
    this.balanceRows = new Map();
    const empty = job.events.length + job.trades.length + job.symbols.length + job.credits.length + job.balances.length + job.news.length === 0;
    const send = !empty || this.sessionChanged;
    this.sessionChanged = false;
    if (!send) return null;
    // an empty range not sent is covered by the next job's, which starts where the last sent ended
    job.from = this.sentThrough;
    this.sentThrough = job.seq;
    return encodePersistJob(job);
  }
}

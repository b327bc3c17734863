import type { OrderStatus, OrderType, StpMode, TimeInForce } from './types';
import type { Account } from './accounts';

export const BUY = 0;
export const SELL = 1;
export type SideIndex = typeof BUY | typeof SELL;

/** A live (or just finished) order. Resting orders are linked into their level's FIFO queue. */
export class Order {
  prev: Order | null = null;
  next: Order | null = null;
  level: Level | null = null;
  filled = 0;
  status: OrderStatus = 'PENDING';
  /** Cash still locked for this buy order (limit: price x remaining; market: the unspent budget). */
  lockedCash = 0;
  /** fees paid by this order so far, in cents (negative: rebates) */
  fee = 0;
  /** a stop order's trigger price in cents; 0 for other orders */
  stopPrice = 0;
  /** the engine's seq when a stop order was placed: which of two due stops triggers first */
  seqPlaced = 0;
  /** a stop order waits off the book until triggered; other orders are always "triggered" */
  triggered = true;
  /** trades at any price (MARKET, or a triggered STOP_MARKET) */
  readonly market: boolean;

  constructor(
    readonly id: string,
    readonly clientOrderId: string | null,
    readonly userId: string,
    readonly account: Account | null,
    readonly book: Book,
    readonly side: SideIndex,
    readonly type: OrderType,
    readonly tif: TimeInForce,
    /** limit price in cents; 0 for market orders (an amend may change it, and the quantity) */
    public price: number,
    public quantity: number,
    readonly stp: StpMode,
    readonly timestamp: number,
  ) {
    this.market = type === 'MARKET' || type === 'STOP_MARKET';
  }

  get remaining(): number {
    return this.quantity - this.filled;
  }
}

/** One price level: aggregate quantity plus the FIFO queue of its resting orders. */
export class Level {
  quantity = 0;
  count = 0;
  head: Order | null = null;
  tail: Order | null = null;
  /** set while a depth event for this level is owed at the end of the current command */
  touched = false;

  constructor(
    readonly price: number,
    readonly side: SideIndex,
    readonly book: Book,
  ) {}

  append(order: Order): void {
    order.level = this;
    order.prev = this.tail;
    order.next = null;
    if (this.tail === null) this.head = order;
    else this.tail.next = order;
    this.tail = order;
    this.count++;
    this.quantity += order.remaining;
  }

  /** Unlinks the order; the caller has already taken its remaining quantity off `quantity`. */
  unlink(order: Order): void {
    if (order.prev === null) this.head = order.next;
    else order.prev.next = order.next;
    if (order.next === null) this.tail = order.prev;
    else order.next.prev = order.prev;
    order.prev = null;
    order.next = null;
    order.level = null;
    this.count--;
  }
}

/**
 * One side of a book. Levels are kept sorted with the best price LAST, so that the busy end
 * (orders placed and cancelled near the touch) is where push, pop and short splices happen.
 */
export class BookSide {
  readonly levels: Level[] = [];
  readonly byPrice = new Map<number, Level>();

  constructor(
    readonly side: SideIndex,
    readonly book: Book,
  ) {}

  best(): Level | undefined {
    return this.levels[this.levels.length - 1];
  }

  /** True when `a` is a better price than `b` on this side. */
  better(a: number, b: number): boolean {
    return this.side === BUY ? a > b : a < b;
  }

  levelFor(price: number): Level {
    let level = this.byPrice.get(price);
    if (level !== undefined) return level;
    level = new Level(price, this.side, this.book);
    this.byPrice.set(price, level);
    const levels = this.levels;
    const n = levels.length;
    if (n === 0 || this.better(price, levels[n - 1].price)) {
      levels.push(level);
    } else {
      levels.splice(this.indexOf(price), 0, level);
    }
    return level;
  }

  remove(level: Level): void {
    this.byPrice.delete(level.price);
    const levels = this.levels;
    if (levels[levels.length - 1] === level) levels.pop();
    else levels.splice(this.indexOf(level.price), 1);
  }

  /** Index of `price`, or where it would be inserted, by binary search (worst price first). */
  private indexOf(price: number): number {
    const levels = this.levels;
    let lo = 0;
    let hi = levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.better(price, levels[mid].price)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** A symbol's book and market statistics. */
export class Book {
  readonly bids: BookSide;
  readonly asks: BookSide;
  lastPrice: number | null = null;
  lastQuantity = 0;
  volume = 0;
  /** one more for every change of a price level of this book: each depth event's `u` */
  updateId = 0;
  /**
   * Stop orders waiting for their trigger, each list in the order they trigger: buys by stop price
   * upwards, sells downwards, and at one stop price in the order they were placed.
   */
  readonly buyStops: Order[] = [];
  readonly sellStops: Order[] = [];

  constructor(
    readonly symbol: string,
    /** position of this symbol in every account's holdings arrays */
    readonly index: number,
    readonly tickSize: number,
    readonly lotSize: number,
  ) {
    this.bids = new BookSide(BUY, this);
    this.asks = new BookSide(SELL, this);
  }

  sideOf(side: SideIndex): BookSide {
    return side === BUY ? this.bids : this.asks;
  }

  /** Files a waiting stop order behind every one that triggers no later than it. */
  addStop(o: Order): void {
    const list = o.side === BUY ? this.buyStops : this.sellStops;
    const later = o.side === BUY ? (s: Order) => s.stopPrice > o.stopPrice : (s: Order) => s.stopPrice < o.stopPrice;
    let i = list.length;
    while (i > 0 && later(list[i - 1])) i--;
    list.splice(i, 0, o);
  }

  removeStop(o: Order): void {
    const list = o.side === BUY ? this.buyStops : this.sellStops;
    const i = list.indexOf(o);
    if (i >= 0) list.splice(i, 1);
  }

  /** The first waiting stop the last trade price triggers, or undefined. */
  dueStop(): Order | undefined {
    const last = this.lastPrice;
    if (last === null) return undefined;
    const b = this.buyStops[0];
    const s = this.sellStops[0];
    // between a due buy and a due sell, the one placed first
    const buyDue = b !== undefined && b.stopPrice <= last;
    const sellDue = s !== undefined && s.stopPrice >= last;
    if (buyDue && sellDue) return b.seqPlaced <= s.seqPlaced ? b : s;
    return buyDue ? b : sellDue ? s : undefined;
  }
}

import { ErrorCode, ErrorMessage } from '../../contracts/errors';
import { dollarsText } from '../../contracts/money';
import { MAX_PRICE, MAX_QUANTITY } from '../../contracts/order-limits';
import { Account } from './accounts';
import { Book, BookSide, BUY, Level, Order, SELL, type SideIndex } from './book';
import { affordableShares, feeCents, feeReserve, mayShort, tradeFees, validFees, type StartingPackage, type TradingRules } from './rules';
import {
  CASH,
  type AddSymbolCommand,
  type AmendCommand,
  type CancelAllCommand,
  type BalanceView,
  type BookView,
  type CancelCommand,
  type CancelReason,
  type Command,
  type CreditCommand,
  type EngineEvent,
  type EventCommand,
  type GrantCommand,
  type NewsCommand,
  type EngineOptions,
  type ErrorEvent,
  type MarketStats,
  type OrderEvent,
  type PlaceCommand,
  type ResetCommand,
  type SessionCommand,
  type SessionState,
  type StpMode,
} from './types';

const SYMBOL_PATTERN = /^[A-Z][A-Z0-9.]{0,9}$/;
const MAX_ID_LENGTH = 64;
const SIDES = ['BUY', 'SELL'] as const;
const ACTIONS = ['place', 'cancel', 'cancelAll', 'amend', 'addSymbol', 'credit', 'session', 'reset', 'event', 'grant', 'news'] as const;
const MAX_HEADLINE = 200;
const MAX_NEWS_BODY = 4000;
const MAX_EVENT_NAME = 100;
const ORDER_TYPES = ['LIMIT', 'MARKET', 'LIMIT_MAKER', 'STOP_MARKET', 'STOP_LIMIT'] as const;
const TIMES_IN_FORCE = ['GFD', 'IOC', 'FOK'] as const;

const SESSION_TRANSITIONS: Record<SessionState, readonly SessionState[]> = {
  CLOSED: ['OPEN'],
  OPEN: ['HALTED', 'CLOSED'],
  HALTED: ['OPEN', 'CLOSED'],
};

/** 1 to 64 printable ASCII characters without spaces: ids of orders, participants and clients' orders */
const ID_PATTERN = /^[\x21-\x7e]{1,64}$/;
function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length <= MAX_ID_LENGTH && ID_PATTERN.test(v);
}

/** `v` if it is one of `allowed`, else INVALID: how a refused command's enum fields are echoed */
function echo<T extends string>(v: unknown, allowed: readonly T[]): T | 'INVALID' {
  return allowed.includes(v as T) ? (v as T) : 'INVALID';
}

const isStopType = (t: unknown) => t === 'STOP_MARKET' || t === 'STOP_LIMIT';

function isPositiveInt(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 && v <= max;
}

/**
 * The matching engine: a pure, synchronous, deterministic state machine. `apply` takes one command
 * and appends the events it causes to `out`; business rejections are events, never exceptions.
 *
 * Fields are public (not private) only so that snapshot.ts can serialise and rebuild them; nothing
 * outside the core mutates them.
 */
export class MatchingEngine {
  seq = 0;
  tradeSeq = 0;
  session: SessionState = 'CLOSED';
  readonly balancesEnabled: boolean;
  readonly books = new Map<string, Book>();
  /** books in the order their symbols were added; index = Book.index */
  readonly bookList: Book[] = [];
  readonly accounts = new Map<string, Account>();
  /** every resting order by orderId */
  readonly orders = new Map<string, Order>();
  /** resting orders that have a clientOrderId, by clientKey(userId, clientOrderId) */
  readonly byClientId = new Map<string, Order>();
  /**
   * Every clientOrderId a place has used since the last reset, whatever became of its order, by
   * clientKey: the order it named and what was asked (see requestOf). A place naming one again
   * creates nothing: retries are answered with the first order, a different request is refused.
   */
  readonly usedClientIds = new Map<string, { orderId: string; request: string }>();
  /** resets so far: client order ids are kept per event, and an event is the time between two */
  epoch = 0;
  /** client order ids used since takeNewClientIds last took them, with the event they belong to */
  private newClientIds: [epoch: number, key: string, orderId: string, request: string][] = [];
  /** sums of everything ever credited: conserved by trading, and bounded to stay exact */
  totalCash = 0;
  readonly totalShares: number[] = [];
  /** the loaded event: its name, rules and what each participant starts with (null: none loaded) */
  eventName: string | null = null;
  rules: TradingRules | null = null;
  starting: StartingPackage | null = null;
  /** everyone a grant named: they receive each event's starting package */
  readonly participants = new Set<string>();
  /** participants who have received the package since the last reset */
  readonly granted = new Set<string>();
  /** ids of the news published since the last reset */
  readonly newsIds = new Set<string>();
  /** fees collected since the last reset: cash is conserved as the accounts' cash plus this */
  feeCash = 0;
  /** each participant's last order-update id (an order event's `u`) */
  readonly orderUpdateIds = new Map<string, number>();

  private dirty: Account[] = [];
  /** levels changed by the current command; a count, because truncating an array is a slow runtime call */
  private readonly touched: Level[] = [];
  private touchedCount = 0;
  private out: EngineEvent[] = [];
  private ts = 0;
  /** set by walk() */
  private walkCost = 0;
  /** the book the current command traded on (a command trades on one book at most): its stops may be due */
  private tradedBook: Book | null = null;

  constructor(options: EngineOptions = {}) {
    this.balancesEnabled = options.balances !== false;
  }

  apply(cmd: Command, out: EngineEvent[]): void {
    this.out = out;
    this.ts = typeof cmd.ts === 'number' ? cmd.ts : 0;
    switch (cmd.action) {
      case 'place':
        this.place(cmd);
        break;
      case 'cancel':
        this.cancel(cmd);
        break;
      case 'cancelAll':
        this.cancelAll(cmd);
        break;
      case 'amend':
        this.amend(cmd);
        break;
      case 'addSymbol':
        this.addSymbol(cmd);
        break;
      case 'credit':
        this.credit(cmd);
        break;
      case 'session':
        this.setSession(cmd);
        break;
      case 'reset':
        this.reset(cmd);
        break;
      case 'event':
        this.loadEvent(cmd);
        break;
      case 'grant':
        this.grant(cmd);
        break;
      case 'news':
        this.news(cmd);
        break;
      default:
        this.error(ErrorCode.INVALID_COMMAND, 'Unknown action', cmd);
    }
    if (this.tradedBook !== null) {
      const book = this.tradedBook;
      if (book.buyStops.length + book.sellStops.length > 0) this.triggerStops(book);
      // the triggered orders' own trades set it again; their stops are all handled by now
      this.tradedBook = null;
    }
    if (this.touchedCount > 0) this.flushDepth();
  }

  // ---------------------------------------------------------------- orders

  private place(c: PlaceCommand): void {
    if (!isId(c.orderId) || !isId(c.userId)) {
      this.error(ErrorCode.INVALID_COMMAND, 'orderId and userId must be 1 to 64 printable characters without spaces', c);
      return;
    }
    if (this.orders.has(c.orderId)) {
      // An error event, not an order event: a REJECTED order event would overwrite the live order's state downstream.
      this.error(ErrorCode.DUPLICATE_ORDER, `Order id ${c.orderId} is already live`, c);
      return;
    }
    // before anything else can refuse it: a retry is answered with the first order whatever has
    // changed since (the session halted, the cash spent)
    const clientOrderId = c.clientOrderId === undefined || c.clientOrderId === null ? null : c.clientOrderId;
    if (clientOrderId !== null) {
      if (!isId(clientOrderId)) return this.reject(c, ErrorCode.INVALID_COMMAND, 'clientOrderId must be 1 to 64 printable characters without spaces');
      const key = clientKey(c.userId, clientOrderId);
      const used = this.usedClientIds.get(key);
      const request = requestOf(c);
      // the same order id is this very command applied again (replay after a crash, with the ids
      // its first run recorded already known): not a second use
      if (used !== undefined && used.orderId !== c.orderId) {
        const same = used.request === request;
        this.error(
          ErrorCode.DUPLICATE_ORDER,
          same ? `clientOrderId ${clientOrderId} was already used for this order: ${used.orderId}` : `clientOrderId ${clientOrderId} was already used for a different order (${used.orderId})`,
          c,
          { orderId: used.orderId, sameRequest: same },
        );
        return;
      }
      if (used === undefined) {
        this.usedClientIds.set(key, { orderId: c.orderId, request });
        this.newClientIds.push([this.epoch, key, c.orderId, request]);
      }
    }
    if (this.session !== 'OPEN') {
      if (this.session === 'HALTED') this.reject(c, ErrorCode.MARKET_HALTED, 'Trading is halted');
      else this.reject(c, ErrorCode.MARKET_CLOSED, 'The session is closed');
      return;
    }
    const book = this.books.get(c.symbol);
    if (book === undefined) return this.reject(c, ErrorCode.INVALID_SYMBOL, typeof c.symbol === 'string' && SYMBOL_PATTERN.test(c.symbol) ? `Unknown symbol ${c.symbol}` : 'Unknown symbol');
    const side: SideIndex | -1 = c.side === 'BUY' ? BUY : c.side === 'SELL' ? SELL : -1;
    if (side === -1) return this.reject(c, ErrorCode.INVALID_SIDE, 'side must be BUY or SELL');
    const type = c.type;
    if (!ORDER_TYPES.includes(type)) return this.reject(c, ErrorCode.INVALID_ORDER_TYPE, 'type must be LIMIT, MARKET, LIMIT_MAKER, STOP_MARKET or STOP_LIMIT');
    const market = type === 'MARKET' || type === 'STOP_MARKET';
    const stop = isStopType(type);
    const tif = c.timeInForce;
    if (tif !== 'GFD' && tif !== 'IOC' && tif !== 'FOK') {
      return this.reject(c, ErrorCode.INVALID_TIME_IN_FORCE, 'timeInForce must be GFD, IOC or FOK');
    }
    // a post-only order rests or nothing: only good-for-day makes sense for it
    if (type === 'LIMIT_MAKER' && tif !== 'GFD') return this.reject(c, ErrorCode.INVALID_TIME_IN_FORCE, 'a post-only (LIMIT_MAKER) order is good for the day');
    const stp: StpMode = c.stp === undefined ? 'EXPIRE_TAKER' : c.stp;
    if (stp !== 'EXPIRE_TAKER' && stp !== 'EXPIRE_MAKER' && stp !== 'EXPIRE_BOTH') {
      return this.reject(c, ErrorCode.INVALID_COMMAND, 'stp must be EXPIRE_TAKER, EXPIRE_MAKER or EXPIRE_BOTH');
    }
    const qty = c.quantity;
    if (!isPositiveInt(qty, MAX_QUANTITY)) {
      return this.reject(c, ErrorCode.INVALID_QUANTITY, `quantity must be a whole number from 1 to ${MAX_QUANTITY}`);
    }
    if (qty % book.lotSize !== 0) {
      return this.reject(c, ErrorCode.INVALID_QUANTITY, `quantity must be a multiple of the lot size ${book.lotSize}`);
    }
    let price = 0;
    if (!market) {
      if (!isPositiveInt(c.price, MAX_PRICE)) {
        return this.reject(c, ErrorCode.INVALID_PRICE, `price must be a whole number of cents from 1 to ${MAX_PRICE}`);
      }
      price = c.price;
      if (price % book.tickSize !== 0) {
        return this.reject(c, ErrorCode.INVALID_PRICE, `Price must be a multiple of the tick size ${dollarsText(book.tickSize)}`);
      }
      if (price * qty > Number.MAX_SAFE_INTEGER) {
        return this.reject(c, ErrorCode.INVALID_QUANTITY, 'price x quantity is too large');
      }
    } else if (c.price !== undefined && c.price !== null) {
      return this.reject(c, ErrorCode.INVALID_PRICE, 'a market order takes no price');
    }
    let stopPrice = 0;
    if (stop) {
      if (!isPositiveInt(c.stopPrice, MAX_PRICE)) return this.reject(c, ErrorCode.INVALID_PRICE, `stopPrice must be a whole number of cents from 1 to ${MAX_PRICE}`);
      stopPrice = c.stopPrice;
      if (stopPrice % book.tickSize !== 0) return this.reject(c, ErrorCode.INVALID_PRICE, `stopPrice must be a multiple of the tick size ${dollarsText(book.tickSize)}`);
      if (stopPrice * qty > Number.MAX_SAFE_INTEGER) return this.reject(c, ErrorCode.INVALID_QUANTITY, 'stopPrice x quantity is too large');
      // as Binance does: a stop the last trade has already reached is refused, not triggered at once
      const last = book.lastPrice;
      if (last !== null && (side === BUY ? last >= stopPrice : last <= stopPrice)) {
        return this.reject(c, ErrorCode.STOP_WOULD_TRIGGER, `A ${side === BUY ? 'buy' : 'sell'} stop at ${dollarsText(stopPrice)} would trigger at once: the last trade was at ${dollarsText(last)}`);
      }
    } else if (c.stopPrice !== undefined && c.stopPrice !== null) {
      return this.reject(c, ErrorCode.INVALID_PRICE, 'only STOP_MARKET and STOP_LIMIT orders take a stopPrice');
    }

    const opp = side === BUY ? book.asks : book.bids;
    if (type === 'LIMIT_MAKER') {
      const best = opp.best();
      if (best !== undefined && (side === BUY ? best.price <= price : best.price >= price)) {
        return this.reject(c, ErrorCode.ORDER_WOULD_TAKE, `A post-only order at ${dollarsText(price)} would trade against the best ${side === BUY ? 'ask' : 'bid'} at ${dollarsText(best.price)}`);
      }
    }
    let account: Account | null = null;
    if (this.balancesEnabled) {
      account = this.accounts.get(c.userId) ?? null;
      if (this.rules !== null) {
        const best = opp.best();
        // a market order is valued at the best opposite price, a stop-market one at its stop price
        const value = !market ? price * qty : stop ? stopPrice * qty : best === undefined ? 0 : best.price * qty;
        const breach = this.limitBreach(book, side, qty, value, qty, account, 0, 0);
        if (breach !== null) return this.reject(c, breach[0], breach[1]);
      }
      if (side === SELL) {
        // a short sale is bounded by the net position limit, checked above
        const have = account === null ? 0 : account.sharesAvailable[book.index] ?? 0;
        if (have < qty) {
          if (!mayShort(this.rules, book.symbol)) return this.reject(c, ErrorCode.INSUFFICIENT_BALANCE, `Not enough ${book.symbol} shares: ${qty} needed, ${have} available`);
          // a first order may be a short sale: it needs an account to hold the position
          if (account === null) account = this.account(c.userId);
        }
      } else {
        const have = account === null ? 0 : account.cashAvailable;
        const fees = this.rules === null ? null : this.rules.fees;
        if (!market) {
          const needs = price * qty + feeReserve(fees, price * qty, qty);
          if (have < needs) return this.reject(c, ErrorCode.INSUFFICIENT_BALANCE, `Not enough cash: ${dollarsText(needs)} needed${needs > price * qty ? ' with the fee' : ''}, ${dollarsText(have)} available`);
        } else {
          // a stop-market buy locks nothing until it triggers (its cost is unknown until then), but
          // it is refused now if the cash would not buy one share at its stop price
          const best = stop ? stopPrice : opp.best()?.price;
          if (best !== undefined && affordableShares(fees === null ? 'BPS' : fees.unit, fees === null ? 0 : fees.taker, have, best, 1) === 0) {
            return this.reject(c, ErrorCode.INSUFFICIENT_BALANCE, `Not enough cash for one share at ${dollarsText(best)}: ${dollarsText(have)} available`);
          }
        }
      }
      if (account !== null) account.ensureSymbols(this.bookList.length);
    }

    const o = new Order(c.orderId, clientOrderId, c.userId, account, book, side, type, tif, price, qty, stp, this.ts);
    if (stop) {
      o.stopPrice = stopPrice;
      o.triggered = false;
    }
    this.emitOrder(o, null);
    if (stop) {
      // waits off the book with what it will need locked (a stop-market buy: nothing yet)
      if (account !== null) {
        this.lock(o, price * qty + feeReserve(this.rules === null ? null : this.rules.fees, price * qty, qty));
        this.markDirty(account);
      }
      o.seqPlaced = this.seq;
      book.addStop(o);
      this.orders.set(o.id, o);
      if (clientOrderId !== null) this.byClientId.set(clientKey(o.userId, clientOrderId), o);
      return;
    }
    this.run(o, false);
  }

  /** Locks what a new order needs: a sell its shares, a limit buy `cash` (a market buy locks its budget in run()). */
  private lock(o: Order, cash: number): void {
    const a = o.account as Account;
    const i = o.book.index;
    if (o.side === SELL) {
      a.sharesAvailable[i] -= o.quantity;
      a.sharesLocked[i] += o.quantity;
      return;
    }
    if (!o.market) {
      a.cashAvailable -= cash;
      a.cashLocked += cash;
      o.lockedCash = cash;
    }
    a.buyOpen[i] += o.quantity;
  }

  /**
   * A new order, or a stop order just triggered (`locked`: it holds its locks from when it was
   * placed), as a taker: FOK decided first, a market buy's budget locked, then it matches, and what
   * is left rests (a GFD limit) or is cancelled.
   */
  private run(o: Order, locked: boolean): void {
    const account = o.account;
    const side = o.side;
    const qty = o.quantity;
    const book = o.book;
    const opp = side === BUY ? book.asks : book.bids;
    // A market buy locks what walking the book would cost it, capped by its cash; FOK is decided
    // by the same walk, before anything trades.
    const budgeted = account !== null && side === BUY && o.market;
    if (o.tif === 'FOK' || budgeted) {
      const fillable = this.walk(o, opp, budgeted ? (account as Account).cashAvailable : Infinity);
      if (o.tif === 'FOK' && fillable < qty) {
        if (locked && account !== null) {
          this.releaseLocks(o);
          this.markDirty(account);
        }
        o.status = 'CANCELLED';
        this.emitOrder(o, 'FOK_UNFILLABLE');
        return;
      }
    }

    if (account !== null) {
      if (!locked) this.lock(o, o.price * qty + feeReserve(this.rules === null ? null : this.rules.fees, o.price * qty, qty));
      if (budgeted) {
        const lock = this.walkCost;
        account.cashAvailable -= lock;
        account.cashLocked += lock;
        o.lockedCash = lock;
      }
      this.markDirty(account);
    }

    let stopped: CancelReason | null = null;
    const best = opp.best();
    if (best !== undefined && (o.market || (side === BUY ? best.price <= o.price : best.price >= o.price))) {
      stopped = this.match(o, opp);
    }
    if (o.filled === qty) {
      this.releaseLocks(o);
      return;
    }
    if (stopped === null && !o.market && o.tif === 'GFD') {
      this.rest(o);
      return;
    }
    this.releaseLocks(o);
    o.status = 'CANCELLED';
    const reason: CancelReason = stopped !== null ? stopped : o.market ? 'NO_LIQUIDITY' : 'IOC_REMAINDER';
    this.emitOrder(o, reason);
  }

  /**
   * Stop orders the last trade of `book` has reached, one at a time in trigger order: each goes in
   * as the order it becomes (and may trade, moving the last price and triggering more).
   */
  private triggerStops(book: Book): void {
    for (;;) {
      const o = book.dueStop();
      if (o === undefined) return;
      book.removeStop(o);
      this.forget(o);
      o.triggered = true;
      this.emitOrder(o, null);
      this.run(o, true);
    }
  }

  /** Matches taker `t` against `opp`; returns why matching stopped early, or null if it ran out of crossing liquidity or filled. */
  private match(t: Order, opp: BookSide): CancelReason | null {
    const isLimit = !t.market;
    const isBuy = t.side === BUY;
    const budgeted = !isLimit && isBuy && t.account !== null;
    while (t.filled < t.quantity) {
      const level = opp.best();
      if (level === undefined) return null;
      if (isLimit && (isBuy ? level.price > t.price : level.price < t.price)) return null;
      let m = level.head;
      while (m !== null) {
        const next = m.next;
        if (m.userId === t.userId) {
          if (t.stp !== 'EXPIRE_TAKER') this.cancelResting(m, 'SELF_TRADE_PREVENTED');
          if (t.stp !== 'EXPIRE_MAKER') return 'SELF_TRADE_PREVENTED';
          m = next;
          continue;
        }
        let q = t.quantity - t.filled;
        const makerLeft = m.quantity - m.filled;
        if (makerLeft < q) q = makerLeft;
        if (budgeted) {
          const fees = this.rules === null ? null : this.rules.fees;
          const affordable = affordableShares(fees === null ? 'BPS' : fees.unit, fees === null ? 0 : fees.taker, t.lockedCash, level.price, q);
          if (affordable < q) {
            if (affordable === 0) return 'INSUFFICIENT_BALANCE';
            q = affordable;
          }
        }
        this.execute(t, m, level, opp, q);
        if (t.filled === t.quantity) return null;
        m = next;
      }
    }
    return null;
  }

  private execute(t: Order, m: Order, level: Level, opp: BookSide, q: number): void {
    const price = level.price;
    const book = level.book;
    m.filled += q;
    t.filled += q;
    level.quantity -= q;
    this.touch(level);
    book.lastPrice = price;
    book.lastQuantity = q;
    book.volume += q;
    this.tradedBook = book;
    const takerBuys = t.side === BUY;
    const buyer = takerBuys ? t : m;
    const seller = takerBuys ? m : t;
    let buyFee = 0;
    let sellFee = 0;
    if (this.balancesEnabled) {
      if (this.rules !== null && this.rules.fees !== null) {
        const f = tradeFees(this.rules.fees, price * q, q, takerBuys);
        buyFee = f.buyFee;
        sellFee = f.sellFee;
        buyer.fee += buyFee;
        seller.fee += sellFee;
      }
      this.settle(buyer, seller, book.index, price, q, buyFee, sellFee);
    }

    if (m.filled === m.quantity) {
      m.status = 'FILLED';
      level.unlink(m);
      this.forget(m);
      // a filled buy hands back what its fee reserve did not need (fees round down fill by fill)
      if (m.lockedCash !== 0) this.releaseLocks(m);
      if (level.count === 0) opp.remove(level);
    } else {
      m.status = 'PARTIALLY_FILLED';
    }
    t.status = t.filled === t.quantity ? 'FILLED' : 'PARTIALLY_FILLED';

    this.out.push({
      type: 'trade',
      seq: ++this.seq,
      tradeId: ++this.tradeSeq,
      symbol: book.symbol,
      price,
      quantity: q,
      buyOrderId: buyer.id,
      sellOrderId: seller.id,
      buyUserId: buyer.userId,
      sellUserId: seller.userId,
      takerSide: takerBuys ? 'BUY' : 'SELL',
      buyFee,
      sellFee,
      timestamp: this.ts,
    });
    this.emitOrder(m, null);
    this.emitOrder(t, null);
  }

  /**
   * Exactly-once settlement of one trade: the buyer's lock pays the price and the buyer's fee, the
   * seller's locked shares move, the seller's fee comes out of the proceeds, and the fee account
   * takes both (a rebate, a negative fee, is paid out of the same trade's taker fee).
   */
  private settle(buyer: Order, seller: Order, idx: number, price: number, q: number, buyFee: number, sellFee: number): void {
    const ba = buyer.account as Account;
    const sa = seller.account as Account;
    const notional = price * q;
    // A limit buy locked its own price per share (and the fee on that); paying less hands the difference back.
    const unlocked = !buyer.market ? buyer.price * q : notional;
    const paidFromLock = buyFee > 0 ? buyFee : 0;
    buyer.lockedCash -= unlocked + paidFromLock;
    ba.cashLocked -= unlocked + paidFromLock;
    ba.cashAvailable += unlocked - notional - (buyFee < 0 ? buyFee : 0);
    ba.sharesAvailable[idx] += q;
    ba.buyOpen[idx] -= q;
    sa.sharesLocked[idx] -= q;
    sa.cashAvailable += notional - sellFee;
    this.feeCash += buyFee + sellFee;
    this.markDirty(ba);
    this.markDirty(sa);
  }

  /**
   * How much of taker `t` the book could fill right now without trading, honouring its limit
   * price, its self-trade mode and `budget` cents; the cost of that fill is left in walkCost.
   * It visits makers exactly as match() would, so a budget of walkCost buys exactly that fill.
   */
  private walk(t: Order, opp: BookSide, budget: number): number {
    const isBuy = t.side === BUY;
    const isLimit = !t.market;
    const fees = this.rules === null ? null : this.rules.fees;
    const unit = fees === null ? 'BPS' : fees.unit;
    const rate = fees === null ? 0 : fees.taker;
    let filled = 0;
    let cost = 0;
    const levels = opp.levels;
    outer: for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i];
      if (isLimit && (isBuy ? level.price > t.price : level.price < t.price)) break;
      for (let m = level.head; m !== null; m = m.next) {
        if (m.userId === t.userId) {
          if (t.stp === 'EXPIRE_MAKER') continue;
          break outer;
        }
        let q = t.quantity - filled;
        const makerLeft = m.quantity - m.filled;
        if (makerLeft < q) q = makerLeft;
        if (budget !== Infinity) q = affordableShares(unit, rate, budget - cost, level.price, q);
        filled += q;
        cost += q * level.price + (budget === Infinity ? 0 : feeCents(unit, rate, q * level.price, q));
        if (filled === t.quantity || q < makerLeft) break outer;
      }
    }
    this.walkCost = cost;
    return filled;
  }

  private rest(o: Order): void {
    const level = o.book.sideOf(o.side).levelFor(o.price);
    level.append(o);
    this.touch(level);
    this.orders.set(o.id, o);
    if (o.clientOrderId !== null) this.byClientId.set(clientKey(o.userId, o.clientOrderId), o);
  }

  /** Hands back whatever an order that will not (or no longer) rest still has locked. */
  private releaseLocks(o: Order): void {
    const a = o.account;
    if (a === null) return;
    if (o.side === BUY) {
      a.cashLocked -= o.lockedCash;
      a.cashAvailable += o.lockedCash;
      o.lockedCash = 0;
      a.buyOpen[o.book.index] -= o.quantity - o.filled;
    } else {
      const left = o.quantity - o.filled;
      a.sharesLocked[o.book.index] -= left;
      a.sharesAvailable[o.book.index] += left;
    }
  }

  /** Cancels a live order: resting on the book, or a stop order waiting off it. */
  private cancelResting(o: Order, reason: CancelReason): void {
    if (!o.triggered) {
      o.book.removeStop(o);
    } else {
      const level = o.level as Level;
      level.quantity -= o.quantity - o.filled;
      level.unlink(o);
      this.touch(level);
      if (level.count === 0) o.book.sideOf(o.side).remove(level);
    }
    this.forget(o);
    if (o.account !== null) {
      this.releaseLocks(o);
      this.markDirty(o.account);
    }
    o.status = 'CANCELLED';
    this.emitOrder(o, reason);
  }

  private forget(o: Order): void {
    this.orders.delete(o.id);
    if (o.clientOrderId !== null) this.byClientId.delete(clientKey(o.userId, o.clientOrderId));
  }

  /** The participant's resting order a cancel or amend names (by orderId or clientOrderId); null, with the error out, if none. */
  private ownResting(c: CancelCommand | AmendCommand): Order | null {
    if (!isId(c.userId)) {
      this.error(ErrorCode.INVALID_COMMAND, 'userId must be a non-empty string', c);
      return null;
    }
    let o: Order | undefined;
    if (isId(c.orderId)) o = this.orders.get(c.orderId);
    else if (isId(c.clientOrderId)) o = this.byClientId.get(clientKey(c.userId, c.clientOrderId));
    else {
      this.error(ErrorCode.INVALID_COMMAND, `${c.action} needs an orderId or a clientOrderId`, c);
      return null;
    }
    // Another participant's order is reported exactly like a missing one, so ids leak nothing.
    if (o === undefined || o.userId !== c.userId) {
      this.error(ErrorCode.ORDER_NOT_FOUND, 'No live order with that id', c);
      return null;
    }
    return o;
  }

  private cancel(c: CancelCommand): void {
    const o = this.ownResting(c);
    if (o !== null) this.cancelResting(o, 'USER_CANCELLED');
  }

  /** Every resting order of the participant (in one symbol, if named), oldest first. */
  private cancelAll(c: CancelAllCommand): void {
    if (!isId(c.userId)) return this.error(ErrorCode.INVALID_COMMAND, 'userId must be a non-empty string', c);
    const symbol = c.symbol === undefined || c.symbol === null ? null : c.symbol;
    if (symbol !== null && !this.books.has(symbol)) return this.error(ErrorCode.INVALID_SYMBOL, typeof symbol === 'string' && SYMBOL_PATTERN.test(symbol) ? `Unknown symbol ${symbol}` : 'Unknown symbol', c);
    const mine: Order[] = [];
    // in the books' own order (symbols as listed, bids best first in queue order, then asks, then
    // waiting stops), which a snapshot restores exactly; the orders map's insertion order it does not
    for (const book of this.bookList) {
      if (symbol !== null && book.symbol !== symbol) continue;
      for (const side of [book.bids, book.asks]) {
        for (let i = side.levels.length - 1; i >= 0; i--) {
          for (let o = side.levels[i].head; o !== null; o = o.next) if (o.userId === c.userId) mine.push(o);
        }
      }
      for (const o of [...book.buyStops, ...book.sellStops]) if (o.userId === c.userId) mine.push(o);
    }
    for (const o of mine) this.cancelResting(o, 'USER_CANCELLED');
  }

  /**
   * A resting order's new quantity and/or price. Reducing the quantity alone keeps its time
   * priority and hands back what the difference had locked. A new price or a larger quantity
   * re-queues it: it must fit the balance (what it holds locked counts) and the event's limits as a
   * new order would, it trades at once if it crosses (as a taker; a post-only order is refused
   * instead), and what is left rests at the back of its level. Refusals leave the order as it was.
   */
  private amend(c: AmendCommand): void {
    const o = this.ownResting(c);
    if (o === null) return;
    if (!o.triggered) return this.error(ErrorCode.INVALID_COMMAND, 'a stop order that has not triggered cannot be amended: cancel it and place another', c);
    if (this.session !== 'OPEN') return this.error(this.session === 'HALTED' ? ErrorCode.MARKET_HALTED : ErrorCode.MARKET_CLOSED, this.session === 'HALTED' ? 'Trading is halted' : 'The session is closed', c);
    const book = o.book;
    const qty = c.quantity === undefined || c.quantity === null ? o.quantity : c.quantity;
    const price = c.price === undefined || c.price === null ? o.price : c.price;
    if (qty === o.quantity && price === o.price) return this.error(ErrorCode.INVALID_COMMAND, 'amend needs a new quantity or a new price', c);
    if (!isPositiveInt(qty, MAX_QUANTITY) || qty % book.lotSize !== 0) return this.error(ErrorCode.INVALID_QUANTITY, `quantity must be a whole number of lots of ${book.lotSize} up to ${MAX_QUANTITY}`, c);
    if (qty <= o.filled) return this.error(ErrorCode.INVALID_QUANTITY, `quantity must be more than the ${o.filled} already filled (cancel the order instead)`, c);
    if (!isPositiveInt(price, MAX_PRICE) || price % book.tickSize !== 0) return this.error(ErrorCode.INVALID_PRICE, `Price must be a positive multiple of the tick size ${dollarsText(book.tickSize)}`, c);
    if (price * qty > Number.MAX_SAFE_INTEGER) return this.error(ErrorCode.INVALID_QUANTITY, 'price x quantity is too large', c);
    const level = o.level as Level;
    const a = o.account;
    const fees = this.rules === null ? null : this.rules.fees;
    const left = qty - o.filled;
    if (price === o.price && qty < o.quantity) {
      // smaller, same price: in place, keeping its time priority
      const less = o.quantity - qty;
      level.quantity -= less;
      this.touch(level);
      o.quantity = qty;
      if (a !== null) {
        if (o.side === BUY) {
          const keep = price * left + feeReserve(fees, price * left, left);
          a.cashLocked -= o.lockedCash - keep;
          a.cashAvailable += o.lockedCash - keep;
          o.lockedCash = keep;
          a.buyOpen[book.index] -= less;
        } else {
          a.sharesLocked[book.index] -= less;
          a.sharesAvailable[book.index] += less;
        }
        this.markDirty(a);
      }
      this.emitOrder(o, null);
      return;
    }
    const side = o.side;
    const opp = side === BUY ? book.asks : book.bids;
    const best = opp.best();
    const crosses = best !== undefined && (side === BUY ? best.price <= price : best.price >= price);
    if (crosses && o.type === 'LIMIT_MAKER') return this.error(ErrorCode.ORDER_WOULD_TAKE, `A post-only order at ${dollarsText(price)} would trade against the best ${side === BUY ? 'ask' : 'bid'} at ${dollarsText(best!.price)}`, c);
    const oldLeft = o.quantity - o.filled;
    if (a !== null) {
      if (side === BUY) {
        const needs = price * left + feeReserve(fees, price * left, left);
        if (a.cashAvailable + o.lockedCash < needs) return this.error(ErrorCode.INSUFFICIENT_BALANCE, `Not enough cash: ${dollarsText(needs)} needed, ${dollarsText(a.cashAvailable + o.lockedCash)} available`, c);
      } else if (a.sharesAvailable[book.index] + oldLeft < left && !mayShort(this.rules, book.symbol)) {
        return this.error(ErrorCode.INSUFFICIENT_BALANCE, `Not enough ${book.symbol} shares: ${left} needed, ${a.sharesAvailable[book.index] + oldLeft} available`, c);
      }
      if (this.rules !== null) {
        // as a new order of `left` shares: its own old remainder is not counted twice
        const breach = this.limitBreach(book, side, qty, price * qty, left, a, side === BUY ? oldLeft : 0, side === SELL ? oldLeft : 0);
        if (breach !== null) return this.error(breach[0], breach[1], c);
      }
    }
    // out of its level (what it held locked back), changed, locked again, then as a new order would
    level.quantity -= oldLeft;
    level.unlink(o);
    this.touch(level);
    if (level.count === 0) book.sideOf(side).remove(level);
    if (a !== null) this.releaseLocks(o);
    o.price = price;
    o.quantity = qty;
    if (a !== null) {
      if (side === BUY) {
        const lock = price * left + feeReserve(fees, price * left, left);
        a.cashAvailable -= lock;
        a.cashLocked += lock;
        o.lockedCash = lock;
        a.buyOpen[book.index] += left;
      } else {
        a.sharesAvailable[book.index] -= left;
        a.sharesLocked[book.index] += left;
      }
      this.markDirty(a);
    }
    this.orders.delete(o.id);
    if (o.clientOrderId !== null) this.byClientId.delete(clientKey(o.userId, o.clientOrderId));
    let stopped: CancelReason | null = null;
    if (crosses) stopped = this.match(o, opp);
    if (o.filled === o.quantity) {
      this.releaseLocks(o);
      return;
    }
    if (stopped === null) {
      this.rest(o);
      this.emitOrder(o, null);
      return;
    }
    // its own order in the way (self-trade prevention expired it as the taker)
    this.releaseLocks(o);
    o.status = 'CANCELLED';
    this.emitOrder(o, stopped);
  }

  // ---------------------------------------------------------------- admin

  private addSymbol(c: AddSymbolCommand): void {
    if (typeof c.symbol !== 'string' || !SYMBOL_PATTERN.test(c.symbol)) {
      return this.error(ErrorCode.INVALID_SYMBOL, 'symbol must be 1 to 10 characters A-Z, 0-9 or . starting with a letter', c);
    }
    if (this.books.has(c.symbol)) return this.error(ErrorCode.SYMBOL_EXISTS, `${c.symbol} already exists`, c);
    if (!isPositiveInt(c.tickSize, MAX_PRICE)) return this.error(ErrorCode.INVALID_PRICE, 'tickSize must be a positive whole number of cents', c);
    const lotSize = c.lotSize === undefined ? 1 : c.lotSize;
    if (!isPositiveInt(lotSize, MAX_QUANTITY)) return this.error(ErrorCode.INVALID_QUANTITY, 'lotSize must be a positive whole number', c);
    this.createBook(c.symbol, c.tickSize, lotSize);
    this.out.push({ type: 'symbolAdded', seq: ++this.seq, symbol: c.symbol, tickSize: c.tickSize, lotSize, timestamp: this.ts });
  }

  createBook(symbol: string, tickSize: number, lotSize: number): Book {
    const book = new Book(symbol, this.bookList.length, tickSize, lotSize);
    this.books.set(symbol, book);
    this.bookList.push(book);
    this.totalShares.push(0);
    return book;
  }

  private credit(c: CreditCommand): void {
    if (!isId(c.userId)) return this.error(ErrorCode.INVALID_COMMAND, 'userId must be a non-empty string', c);
    if (!isPositiveInt(c.amount, Number.MAX_SAFE_INTEGER)) return this.error(ErrorCode.INVALID_AMOUNT, 'amount must be a positive whole number', c);
    const isCash = c.asset === CASH;
    const book = isCash ? undefined : this.books.get(c.asset);
    if (!isCash && book === undefined) return this.error(ErrorCode.INVALID_SYMBOL, typeof c.asset === 'string' && SYMBOL_PATTERN.test(c.asset) ? `Unknown asset ${c.asset}` : 'Unknown asset', c);
    const price = isCash || c.price === undefined || c.price === null ? null : c.price;
    if (price !== null && !(Number.isSafeInteger(price) && price >= 0 && price <= MAX_PRICE)) return this.error(ErrorCode.INVALID_PRICE, 'price must be a whole number of cents', c);
    // Trading conserves totals, so bounding what is credited keeps every balance an exact integer.
    const total = isCash ? this.totalCash : this.totalShares[(book as Book).index];
    if (total + c.amount > Number.MAX_SAFE_INTEGER) return this.error(ErrorCode.INVALID_AMOUNT, 'credit would exceed the exchange-wide limit', c);
    const account = this.account(c.userId);
    if (book === undefined) {
      this.totalCash += c.amount;
      account.cashAvailable += c.amount;
    } else {
      this.totalShares[book.index] += c.amount;
      account.sharesAvailable[book.index] += c.amount;
    }
    this.markDirty(account);
    this.out.push({ type: 'credit', seq: ++this.seq, userId: c.userId, asset: c.asset, amount: c.amount, price, timestamp: this.ts });
  }

  private setSession(c: SessionCommand): void {
    const next = c.state;
    const previous = this.session;
    if (next !== 'OPEN' && next !== 'HALTED' && next !== 'CLOSED') {
      return this.error(ErrorCode.INVALID_COMMAND, 'state must be OPEN, HALTED or CLOSED', c);
    }
    if (!SESSION_TRANSITIONS[previous].includes(next)) {
      return this.error(ErrorCode.INVALID_SESSION_TRANSITION, `cannot go from ${previous} to ${next}`, c);
    }
    this.session = next;
    this.out.push({ type: 'session', seq: ++this.seq, state: next, previous, timestamp: this.ts });
    if (next === 'CLOSED') this.expireAll();
  }

  private reset(c: ResetCommand): void {
    // closed means no order rests, so nothing holds a lock and zeroing cannot strand one
    if (this.session !== 'CLOSED') return this.error(ErrorCode.INVALID_SESSION_TRANSITION, 'a reset needs the session closed', c);
    for (const a of this.accounts.values()) {
      a.ensureSymbols(this.bookList.length);
      a.cashAvailable = 0;
      a.cashLocked = 0;
      a.sharesAvailable.fill(0);
      a.sharesLocked.fill(0);
      a.buyOpen.fill(0);
      this.markDirty(a);
    }
    this.totalCash = 0;
    this.feeCash = 0;
    this.totalShares.fill(0);
    this.granted.clear();
    this.newsIds.clear();
    // a new event: client order ids may be used again
    this.usedClientIds.clear();
    this.epoch++;
    for (const b of this.bookList) {
      b.lastPrice = null;
      b.lastQuantity = 0;
      b.volume = 0;
    }
    this.out.push({ type: 'reset', seq: ++this.seq, timestamp: this.ts });
    // the new event starts everyone with its package again
    this.grantAll();
  }

  // ---------------------------------------------------------------- event rules

  /**
   * The event's order and position limits for an order of `qty` shares worth `value` cents, `left`
   * of them still to trade (a new order: all; an amended one: beyond what it filled), with the
   * participant's working buys and sells less `ownBuying`/`ownSelling` (an amended order's old
   * remainder): the refusal's code and a reason naming the limit, or null.
   */
  private limitBreach(book: Book, side: SideIndex, qty: number, value: number, left: number, account: Account | null, ownBuying: number, ownSelling: number): [code: number, reason: string] | null {
    const rules = this.rules as TradingRules;
    if (rules.maxOrderQuantity !== null && qty > rules.maxOrderQuantity) {
      return [ErrorCode.ORDER_LIMIT_EXCEEDED, `Order of ${qty} shares is over the event's maximum order size of ${rules.maxOrderQuantity} shares`];
    }
    if (rules.maxOrderNotional !== null && value > rules.maxOrderNotional) {
      return [ErrorCode.ORDER_LIMIT_EXCEEDED, `Order value ${dollarsText(value)} is over the event's maximum order value of ${dollarsText(rules.maxOrderNotional)}`];
    }
    const limit = rules.positionLimits[book.symbol];
    if (limit === undefined) return null;
    const i = book.index;
    // held is negative for a short position
    const held = account === null ? 0 : (account.sharesAvailable[i] ?? 0) + (account.sharesLocked[i] ?? 0);
    const buying = account === null ? 0 : (account.buyOpen[i] ?? 0) - ownBuying;
    const selling = account === null ? 0 : (account.sharesLocked[i] ?? 0) - ownSelling;
    if (side === BUY && limit.net !== null && held + buying + left > limit.net) {
      return [ErrorCode.POSITION_LIMIT_EXCEEDED, `Buying ${left} could take your ${book.symbol} position to ${held + buying + left} shares, over the net position limit of ${limit.net}`];
    }
    // without short selling a sell never goes below zero (the shares check), so this binds only shorts
    if (side === SELL && limit.net !== null && held - selling - left < -limit.net) {
      return [ErrorCode.POSITION_LIMIT_EXCEEDED, `Selling ${left} could take your ${book.symbol} position to ${held - selling - left} shares, past the net position limit of ${limit.net} short`];
    }
    const size = held < 0 ? -held : held;
    if (limit.gross !== null && size + buying + selling + left > limit.gross) {
      return [ErrorCode.POSITION_LIMIT_EXCEEDED, `A position of ${held} ${book.symbol} shares and ${buying + selling + left} in working orders would be over the gross position limit of ${limit.gross}`];
    }
    return null;
  }

  private loadEvent(c: EventCommand): void {
    if (this.session !== 'CLOSED') return this.error(ErrorCode.INVALID_SESSION_TRANSITION, 'an event is loaded while the session is closed', c);
    const problem = this.eventProblem(c);
    if (problem !== null) return this.error(ErrorCode.INVALID_COMMAND, problem, c);
    this.eventName = c.name;
    this.rules = {
      maxOrderQuantity: c.rules.maxOrderQuantity,
      maxOrderNotional: c.rules.maxOrderNotional,
      positionLimits: { ...c.rules.positionLimits },
      fees: c.rules.fees === null ? null : { unit: c.rules.fees.unit, maker: c.rules.fees.maker, taker: c.rules.fees.taker },
      shortSelling: c.rules.shortSelling === true,
    };
    this.starting = { cash: c.starting.cash, shares: { ...c.starting.shares } };
    this.out.push({ type: 'eventLoaded', seq: ++this.seq, name: c.name, timestamp: this.ts });
    // participants who registered before the event was loaded start with it too
    this.grantAll();
  }

  /** What is wrong with an event command, or null: it comes through the stream, so nothing is assumed. */
  private eventProblem(c: EventCommand): string | null {
    if (typeof c.name !== 'string' || c.name.length === 0 || c.name.length > MAX_EVENT_NAME) return `name must be 1 to ${MAX_EVENT_NAME} characters`;
    const r = c.rules;
    const st = c.starting;
    if (r === null || typeof r !== 'object' || st === null || typeof st !== 'object') return 'rules and starting are required';
    const optional = (v: unknown, max: number) => v === null || isPositiveInt(v, max);
    if (!optional(r.maxOrderQuantity, MAX_QUANTITY)) return 'maxOrderQuantity must be a positive whole number or null';
    if (!optional(r.maxOrderNotional, Number.MAX_SAFE_INTEGER)) return 'maxOrderNotional must be a positive whole number of cents or null';
    if (r.positionLimits === null || typeof r.positionLimits !== 'object') return 'positionLimits must be an object';
    for (const [symbol, l] of Object.entries(r.positionLimits)) {
      if (!this.books.has(symbol)) return `positionLimits names an unknown symbol ${symbol}`;
      if (l === null || typeof l !== 'object' || !optional(l.net, MAX_QUANTITY) || !optional(l.gross, MAX_QUANTITY)) return `positionLimits.${symbol}: net and gross must be positive whole numbers or null`;
    }
    // absent in commands from before short selling: the same as false
    if (r.shortSelling !== undefined && typeof r.shortSelling !== 'boolean') return 'shortSelling must be true or false';
    if (r.fees !== null) {
      if (typeof r.fees !== 'object') return 'fees must be an object or null';
      const bad = validFees(r.fees);
      if (bad !== null) return bad;
    }
    if (!(Number.isSafeInteger(st.cash) && st.cash >= 0)) return 'starting.cash must be a whole number of cents';
    if (st.shares === null || typeof st.shares !== 'object') return 'starting.shares must be an object';
    for (const [symbol, n] of Object.entries(st.shares)) {
      if (!this.books.has(symbol)) return `starting.shares names an unknown symbol ${symbol}`;
      if (!(Number.isSafeInteger(n) && n >= 0 && n <= MAX_QUANTITY)) return `starting.shares.${symbol} must be a whole number of shares`;
    }
    return null;
  }

  private grant(c: GrantCommand): void {
    if (!isId(c.userId)) return this.error(ErrorCode.INVALID_COMMAND, 'userId must be 1 to 64 printable characters without spaces', c);
    this.participants.add(c.userId);
    this.grantTo(c.userId);
  }

  private grantAll(): void {
    for (const userId of this.participants) this.grantTo(userId);
  }

  /** The event's starting package, once per participant per event: each asset as a credit event. */
  private grantTo(userId: string): void {
    const st = this.starting;
    if (st === null || this.granted.has(userId)) return;
    this.granted.add(userId);
    const credits: [asset: string, amount: number][] = [];
    if (st.cash > 0) credits.push([CASH, st.cash]);
    for (const [symbol, n] of Object.entries(st.shares)) if (n > 0 && this.books.has(symbol)) credits.push([symbol, n]);
    for (const [asset, amount] of credits) {
      const isCash = asset === CASH;
      const book = isCash ? undefined : (this.books.get(asset) as Book);
      const total = book === undefined ? this.totalCash : this.totalShares[book.index];
      // the same bound as a credit's: beyond it a balance would stop being an exact integer
      if (total + amount > Number.MAX_SAFE_INTEGER) continue;
      const account = this.account(userId);
      if (book === undefined) {
        this.totalCash += amount;
        account.cashAvailable += amount;
      } else {
        this.totalShares[book.index] += amount;
        account.sharesAvailable[book.index] += amount;
      }
      this.markDirty(account);
      this.out.push({ type: 'credit', seq: ++this.seq, userId, asset, amount, price: null, timestamp: this.ts });
    }
  }

  private news(c: NewsCommand): void {
    if (!isId(c.newsId)) return this.error(ErrorCode.INVALID_COMMAND, 'newsId must be 1 to 64 printable characters without spaces', c);
    if (this.newsIds.has(c.newsId)) return this.error(ErrorCode.DUPLICATE_NEWS, `news ${c.newsId} was already published`, c);
    if (typeof c.headline !== 'string' || c.headline.trim().length === 0 || c.headline.length > MAX_HEADLINE) return this.error(ErrorCode.INVALID_COMMAND, `headline must be 1 to ${MAX_HEADLINE} characters`, c);
    const body = c.body === undefined || c.body === null ? '' : c.body;
    if (typeof body !== 'string' || body.length > MAX_NEWS_BODY) return this.error(ErrorCode.INVALID_COMMAND, `body must be at most ${MAX_NEWS_BODY} characters`, c);
    const symbol = c.symbol === undefined ? null : c.symbol;
    if (symbol !== null && (typeof symbol !== 'string' || !this.books.has(symbol))) return this.error(ErrorCode.INVALID_SYMBOL, 'news names an unknown symbol', c);
    const move = c.movePercent === undefined ? null : c.movePercent;
    if (move !== null && !(typeof move === 'number' && Number.isFinite(move) && move > -100 && move <= 1000)) return this.error(ErrorCode.INVALID_COMMAND, 'movePercent must be above -100 and at most 1000', c);
    if (move !== null && symbol === null) return this.error(ErrorCode.INVALID_COMMAND, 'a price move needs a symbol', c);
    this.newsIds.add(c.newsId);
    this.out.push({ type: 'news', seq: ++this.seq, newsId: c.newsId, headline: c.headline, body, symbol, movePercent: move, timestamp: this.ts });
  }

  /** Good-for-day orders end with the session: every resting order expires, best price first, in queue order, then the waiting stops. */
  private expireAll(): void {
    for (const book of this.bookList) {
      for (const o of [...book.buyStops, ...book.sellStops]) this.cancelResting(o, 'SESSION_CLOSED');
      for (const side of [book.bids, book.asks]) {
        const levels = side.levels.slice().reverse();
        for (const level of levels) {
          let o = level.head;
          while (o !== null) {
            const next = o.next;
            this.cancelResting(o, 'SESSION_CLOSED');
            o = next;
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- queries

  /** Accounts whose balances changed since the last call, as views; clears the list. */
  /**
   * The client order ids first used since the last call, each with its event (epoch): the engine
   * process keeps them in Redis as they come, so that snapshots need not carry them all.
   */
  takeNewClientIds(): [epoch: number, key: string, orderId: string, request: string][] {
    const taken = this.newClientIds;
    this.newClientIds = [];
    return taken;
  }

  takeDirtyBalances(): BalanceView[] {
    const views = this.dirty.map((a) => {
      a.dirty = false;
      return this.balanceView(a);
    });
    this.dirty = [];
    return views;
  }

  balance(userId: string): BalanceView | null {
    const a = this.accounts.get(userId);
    return a === undefined ? null : this.balanceView(a);
  }

  private balanceView(a: Account): BalanceView {
    a.ensureSymbols(this.bookList.length);
    const positions: BalanceView['positions'] = {};
    for (const book of this.bookList) {
      const available = a.sharesAvailable[book.index];
      const locked = a.sharesLocked[book.index];
      if (available !== 0 || locked !== 0) positions[book.symbol] = { available, locked };
    }
    return { userId: a.userId, cash: { available: a.cashAvailable, locked: a.cashLocked }, positions };
  }

  /** The live order's current state as an order event without a seq (0), timed when it was placed; or null. */
  order(orderId: string): OrderEvent | null {
    const o = this.orders.get(orderId);
    return o === undefined ? null : this.orderEvent(o, null, 0, o.timestamp);
  }

  symbols(): string[] {
    return this.bookList.map((b) => b.symbol);
  }

  book(symbol: string, depth = Infinity): BookView | null {
    const b = this.books.get(symbol);
    if (b === undefined) return null;
    const view = (side: BookSide) => {
      const levels = side.levels;
      const result = [];
      for (let i = levels.length - 1; i >= 0 && result.length < depth; i--) {
        result.push({ price: levels[i].price, quantity: levels[i].quantity, orders: levels[i].count });
      }
      return result;
    };
    return { symbol, u: b.updateId, bids: view(b.bids), asks: view(b.asks) };
  }

  market(symbol: string): MarketStats | null {
    const b = this.books.get(symbol);
    if (b === undefined) return null;
    const bid = b.bids.best();
    const ask = b.asks.best();
    return {
      symbol,
      tickSize: b.tickSize,
      lotSize: b.lotSize,
      bidPrice: bid === undefined ? null : bid.price,
      bidQuantity: bid === undefined ? 0 : bid.quantity,
      askPrice: ask === undefined ? null : ask.price,
      askQuantity: ask === undefined ? 0 : ask.quantity,
      lastTradePrice: b.lastPrice,
      lastTradeQuantity: b.lastQuantity,
      totalVolume: b.volume,
      u: b.updateId,
    };
  }

  // ---------------------------------------------------------------- helpers

  account(userId: string): Account {
    let a = this.accounts.get(userId);
    if (a === undefined) {
      a = new Account(userId, this.bookList.length);
      this.accounts.set(userId, a);
    } else {
      a.ensureSymbols(this.bookList.length);
    }
    return a;
  }

  private markDirty(a: Account): void {
    if (!a.dirty) {
      a.dirty = true;
      this.dirty.push(a);
    }
  }

  private touch(level: Level): void {
    if (!level.touched) {
      level.touched = true;
      this.touched[this.touchedCount++] = level;
    }
  }

  private flushDepth(): void {
    const touched = this.touched;
    const n = this.touchedCount;
    this.touchedCount = 0;
    for (let i = 0; i < n; i++) {
      const level = touched[i];
      level.touched = false;
      const book = level.book;
      const pu = book.updateId;
      this.out.push({
        type: 'depth',
        seq: ++this.seq,
        symbol: book.symbol,
        side: level.side === BUY ? 'BUY' : 'SELL',
        price: level.price,
        quantity: level.quantity,
        pu,
        u: ++book.updateId,
        timestamp: this.ts,
      });
    }
  }

  private emitOrder(o: Order, reason: string | null): void {
    const pu = this.orderUpdateIds.get(o.userId) ?? 0;
    this.orderUpdateIds.set(o.userId, pu + 1);
    this.out.push(this.orderEvent(o, reason, ++this.seq, this.ts, pu));
  }

  private orderEvent(o: Order, reason: string | null, seq: number, timestamp: number, pu = -1): OrderEvent {
    return {
      type: 'order',
      seq,
      orderId: o.id,
      clientOrderId: o.clientOrderId,
      userId: o.userId,
      symbol: o.book.symbol,
      side: o.side === BUY ? 'BUY' : 'SELL',
      orderType: o.type,
      timeInForce: o.tif,
      price: o.market ? null : o.price,
      quantity: o.quantity,
      filledQuantity: o.filled,
      status: o.status,
      code: 0,
      reason,
      fee: o.fee,
      ...(o.stopPrice === 0 ? null : { stopPrice: o.stopPrice, triggered: o.triggered }),
      pu: pu < 0 ? 0 : pu,
      u: pu < 0 ? 0 : pu + 1,
      timestamp,
    };
  }

  /**
   * A refused place: a REJECTED order event echoing only what passed the checks (ids are checked
   * before any rejection). A field that is not valid is echoed as null, 0 or INVALID, so nothing
   * unchecked reaches a subscriber, hot state or PostgreSQL.
   */
  private reject(c: PlaceCommand, code: number, reason: string): void {
    const pu = this.orderUpdateIds.get(c.userId) ?? 0;
    this.orderUpdateIds.set(c.userId, pu + 1);
    const symbol = typeof c.symbol === 'string' && SYMBOL_PATTERN.test(c.symbol) ? c.symbol : '';
    this.out.push({
      type: 'order',
      seq: ++this.seq,
      orderId: c.orderId,
      clientOrderId: isId(c.clientOrderId) ? c.clientOrderId : null,
      userId: c.userId,
      symbol,
      side: echo(c.side, SIDES),
      orderType: echo(c.type, ORDER_TYPES),
      timeInForce: echo(c.timeInForce, TIMES_IN_FORCE),
      price: isPositiveInt(c.price, MAX_PRICE) ? c.price : null,
      quantity: isPositiveInt(c.quantity, MAX_QUANTITY) ? c.quantity : 0,
      filledQuantity: 0,
      status: 'REJECTED',
      code,
      reason,
      fee: 0,
      ...(isStopType(c.type) ? { stopPrice: isPositiveInt(c.stopPrice, MAX_PRICE) ? c.stopPrice : null, triggered: false } : null),
      pu,
      u: pu + 1,
      timestamp: this.ts,
    });
  }

  private error(code: number, message: string, c: { action?: unknown; userId?: unknown; orderId?: unknown; clientOrderId?: unknown }, duplicateOf?: ErrorEvent['duplicateOf']): void {
    this.out.push({
      type: 'error',
      seq: ++this.seq,
      code,
      message: message || ErrorMessage[code as keyof typeof ErrorMessage],
      action: echo(c.action, ACTIONS),
      userId: isId(c.userId) ? c.userId : null,
      orderId: isId(c.orderId) ? c.orderId : null,
      clientOrderId: isId(c.clientOrderId) ? c.clientOrderId : null,
      ...(duplicateOf === undefined ? {} : { duplicateOf }),
      timestamp: this.ts,
    });
  }
}

/** What a place asks for, apart from its ids: two places with the same clientOrderId are the same request when these match. */
export function requestOf(c: PlaceCommand): string {
  const request = [c.symbol, c.side, c.type, c.timeInForce, c.price ?? null, c.quantity, c.stp ?? 'EXPIRE_TAKER'];
  // only stop orders add their stop price: the requests recorded before stop orders existed still compare equal
  if (c.stopPrice !== undefined && c.stopPrice !== null) request.push(c.stopPrice);
  return JSON.stringify(request);
}

export function clientKey(userId: string, clientOrderId: string): string {
  return userId + '\u0000' + clientOrderId;
}

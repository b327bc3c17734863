import type { AmendCommand, Command, PlaceCommand, Side, StpMode } from '../types';

/**
 * A deliberately naive exchange for differential testing: plain arrays, linear scans, a trial run
 * on a deep copy for FOK. It shares no code with the engine, only the rules.
 */
interface NOrder {
  id: string;
  user: string;
  symbol: string;
  side: Side;
  price: number;
  qty: number;
  filled: number;
  arrival: number;
  locked: number;
  isLimit: boolean;
  postOnly: boolean;
  stp: StpMode;
  /** a stop order's trigger price (0: not a stop order) and its time in force once triggered */
  stop: number;
  tif: PlaceCommand['timeInForce'];
}

interface NState {
  session: string;
  resting: NOrder[];
  /** stop orders not yet triggered, in the order they were placed */
  stops: NOrder[];
  /** each symbol's last trade price since the last reset */
  last: Record<string, number>;
  cash: Record<string, { avail: number; locked: number }>;
  shares: Record<string, { avail: number; locked: number }>;
  trades: NTrade[];
  status: Record<string, { status: string; filled: number }>;
}

export interface NTrade {
  symbol: string;
  price: number;
  quantity: number;
  buyOrderId: string;
  sellOrderId: string;
}

export class ReferenceExchange {
  private s: NState = { session: 'CLOSED', resting: [], stops: [], last: {}, cash: {}, shares: {}, trades: [], status: {} };
  private arrivals = 0;
  private symbols = new Map<string, { tick: number; lot: number }>();
  /** participant/clientOrderId pairs used since the last reset: a place naming one again does nothing */
  private usedClientIds = new Set<string>();
  private allowed: Record<string, string[]> = { CLOSED: ['OPEN'], OPEN: ['HALTED', 'CLOSED'], HALTED: ['OPEN', 'CLOSED'] };

  get trades(): NTrade[] {
    return this.s.trades;
  }

  get statuses(): Record<string, { status: string; filled: number }> {
    return this.s.status;
  }

  balances(): Record<string, { cash: [number, number]; shares: Record<string, [number, number]> }> {
    const out: Record<string, { cash: [number, number]; shares: Record<string, [number, number]> }> = {};
    for (const [u, c] of Object.entries(this.s.cash)) out[u] = { cash: [c.avail, c.locked], shares: {} };
    for (const [k, v] of Object.entries(this.s.shares)) {
      const [u, sym] = k.split('/');
      out[u] ??= { cash: [0, 0], shares: {} };
      if (v.avail !== 0 || v.locked !== 0) out[u].shares[sym] = [v.avail, v.locked];
    }
    return out;
  }

  restingIds(): string[] {
    return [...this.s.resting, ...this.s.stops].map((o) => o.id).sort();
  }

  apply(c: Command): void {
    const s = this.s;
    if (c.action === 'addSymbol') {
      this.symbols.set(c.symbol, { tick: c.tickSize, lot: c.lotSize ?? 1 });
    } else if (c.action === 'credit') {
      if (c.asset === 'CASH') this.cash(c.userId).avail += c.amount;
      else this.sh(c.userId, c.asset).avail += c.amount;
    } else if (c.action === 'session') {
      if (!this.allowed[s.session].includes(c.state)) return;
      s.session = c.state;
      if (c.state === 'CLOSED') for (const o of [...s.resting, ...s.stops]) this.removeResting(s, o, 'CANCELLED');
    } else if (c.action === 'reset') {
      if (s.session !== 'CLOSED') return;
      this.usedClientIds.clear();
      s.last = {};
      for (const v of Object.values(s.cash)) v.avail = v.locked = 0;
      for (const v of Object.values(s.shares)) v.avail = v.locked = 0;
    } else if (c.action === 'cancel') {
      const o = [...s.resting, ...s.stops].find((r) => r.id === c.orderId);
      if (o && o.user === c.userId) this.removeResting(s, o, 'CANCELLED');
    } else if (c.action === 'cancelAll') {
      for (const o of [...s.resting, ...s.stops].filter((r) => r.user === c.userId && (c.symbol === undefined || c.symbol === null || r.symbol === c.symbol))) this.removeResting(s, o, 'CANCELLED');
    } else if (c.action === 'amend') {
      this.amend(c);
      this.triggerStops(this.symbolOf(c.orderId ?? ''));
    } else if (c.action === 'place') {
      this.place(c);
      this.triggerStops(c.symbol);
    }
  }

  private placedSymbol = new Map<string, string>();
  private symbolOf(orderId: string): string {
    return this.placedSymbol.get(orderId) ?? '';
  }

  /**
   * Stops the symbol's last trade has reached go in one at a time: the first of the buy stops (lowest
   * stop, then earliest) and of the sell stops (highest stop, then earliest), whichever was placed first.
   */
  private triggerStops(symbol: string): void {
    const s = this.s;
    for (;;) {
      const last = s.last[symbol];
      if (last === undefined) return;
      const mine = s.stops.filter((o) => o.symbol === symbol);
      const buys = mine.filter((o) => o.side === 'BUY').sort((a, b) => a.stop - b.stop || a.arrival - b.arrival);
      const sells = mine.filter((o) => o.side === 'SELL').sort((a, b) => b.stop - a.stop || a.arrival - b.arrival);
      const due = [buys[0], sells[0]].filter((o) => o !== undefined && (o.side === 'BUY' ? o.stop <= last : o.stop >= last)).sort((a, b) => a.arrival - b.arrival);
      if (due.length === 0) return;
      const o = due[0];
      s.stops = s.stops.filter((r) => r !== o);
      // a triggered order trades after everything resting: it comes to the book as a new order
      o.arrival = this.arrivals++;
      const c = { timeInForce: o.tif, stp: o.stp };
      if (o.tif === 'FOK') {
        const trial: NState = JSON.parse(JSON.stringify(s));
        const trialOrder = { ...o };
        this.run(trial, trialOrder, c, true);
        if (trialOrder.filled < o.qty) {
          this.release(s, o);
          s.status[o.id] = { status: 'CANCELLED', filled: 0 };
          continue;
        }
      }
      this.run(s, o, c, true);
    }
  }

  private place(c: PlaceCommand): void {
    const s = this.s;
    const reject = (): void => {
      s.status[c.orderId] = { status: 'REJECTED', filled: 0 };
    };
    if (c.clientOrderId !== undefined && c.clientOrderId !== null) {
      const key = `${c.userId}/${c.clientOrderId}`;
      if (this.usedClientIds.has(key)) return;
      this.usedClientIds.add(key);
    }
    if (s.session !== 'OPEN') return reject();
    this.placedSymbol.set(c.orderId, c.symbol);
    const isStop = c.type === 'STOP_MARKET' || c.type === 'STOP_LIMIT';
    if (isStop) return this.placeStop(c);
    const isLimit = c.type !== 'MARKET';
    const postOnly = c.type === 'LIMIT_MAKER';
    if (postOnly && c.timeInForce !== 'GFD') return reject();
    if (postOnly && this.crosses(s, c.symbol, c.side, c.price as number)) return reject();
    const price = isLimit ? (c.price as number) : 0;
    if (c.side === 'SELL' && this.sh(c.userId, c.symbol).avail < c.quantity) return reject();
    if (c.side === 'BUY' && isLimit && this.cash(c.userId).avail < price * c.quantity) return reject();
    if (c.side === 'BUY' && !isLimit) {
      const asks = s.resting.filter((o) => o.symbol === c.symbol && o.side === 'SELL');
      const bestAsk = Math.min(...asks.map((o) => o.price));
      if (asks.length > 0 && this.cash(c.userId).avail < bestAsk) return reject();
    }
    const o: NOrder = { id: c.orderId, user: c.userId, symbol: c.symbol, side: c.side, price, qty: c.quantity, filled: 0, arrival: this.arrivals++, locked: 0, isLimit, postOnly, stp: c.stp ?? 'EXPIRE_TAKER', stop: 0, tif: c.timeInForce };
    s.status[o.id] = { status: 'PENDING', filled: 0 };

    if (c.timeInForce === 'FOK') {
      const trial: NState = JSON.parse(JSON.stringify(s));
      const trialOrder = { ...o };
      this.run(trial, trialOrder, c);
      if (trialOrder.filled < o.qty) {
        s.status[o.id] = { status: 'CANCELLED', filled: 0 };
        return;
      }
    }
    this.run(s, o, c);
  }

  /** A stop order waits with its shares, or a stop-limit buy's cash, locked; a stop already reached is refused. */
  private placeStop(c: PlaceCommand): void {
    const s = this.s;
    const stop = c.stopPrice as number;
    const last = s.last[c.symbol];
    if (last !== undefined && (c.side === 'BUY' ? last >= stop : last <= stop)) {
      s.status[c.orderId] = { status: 'REJECTED', filled: 0 };
      return;
    }
    const isLimit = c.type === 'STOP_LIMIT';
    const price = isLimit ? (c.price as number) : 0;
    const refuse = c.side === 'SELL' ? this.sh(c.userId, c.symbol).avail < c.quantity : this.cash(c.userId).avail < (isLimit ? price * c.quantity : stop);
    if (refuse) {
      s.status[c.orderId] = { status: 'REJECTED', filled: 0 };
      return;
    }
    const o: NOrder = { id: c.orderId, user: c.userId, symbol: c.symbol, side: c.side, price, qty: c.quantity, filled: 0, arrival: this.arrivals++, locked: 0, isLimit, postOnly: false, stp: c.stp ?? 'EXPIRE_TAKER', stop, tif: c.timeInForce };
    if (o.side === 'SELL') {
      this.sh(o.user, o.symbol).avail -= o.qty;
      this.sh(o.user, o.symbol).locked += o.qty;
    } else if (isLimit) {
      o.locked = price * o.qty;
      this.cash(o.user).avail -= o.locked;
      this.cash(o.user).locked += o.locked;
    }
    s.stops.push(o);
    s.status[o.id] = { status: 'PENDING', filled: 0 };
  }

  private crosses(s: NState, symbol: string, side: Side, price: number): boolean {
    return s.resting.some((r) => r.symbol === symbol && r.side !== side && (side === 'BUY' ? r.price <= price : r.price >= price));
  }

  /** A smaller quantity at the same price in place; anything else out of the book and in again as a new order would go. */
  private amend(c: AmendCommand): void {
    const s = this.s;
    if (s.session !== 'OPEN') return;
    const o = s.resting.find((r) => r.id === c.orderId);
    if (o === undefined || o.user !== c.userId) return;
    const sym = this.symbols.get(o.symbol)!;
    const qty = c.quantity ?? o.qty;
    const price = c.price ?? o.price;
    if ((qty === o.qty && price === o.price) || qty <= o.filled || qty % sym.lot !== 0 || price <= 0 || price % sym.tick !== 0) return;
    const left = qty - o.filled;
    if (price === o.price && qty < o.qty) {
      const less = o.qty - qty;
      if (o.side === 'BUY') {
        this.cash(o.user).locked -= o.price * less;
        this.cash(o.user).avail += o.price * less;
        o.locked -= o.price * less;
      } else {
        this.sh(o.user, o.symbol).locked -= less;
        this.sh(o.user, o.symbol).avail += less;
      }
      o.qty = qty;
      return;
    }
    if (o.postOnly && this.crosses(s, o.symbol, o.side, price)) return;
    const oldLeft = o.qty - o.filled;
    if (o.side === 'BUY' && this.cash(o.user).avail + o.locked < price * left) return;
    if (o.side === 'SELL' && this.sh(o.user, o.symbol).avail + oldLeft < left) return;
    s.resting = s.resting.filter((r) => r !== o);
    this.release(s, o);
    o.price = price;
    o.qty = qty;
    o.arrival = this.arrivals++;
    this.run(s, o, { timeInForce: 'GFD', stp: o.stp });
  }

  /** Locks, matches, rests or cancels order `o` (its unfilled part) against state `s`. */
  private run(s: NState, o: NOrder, c: Pick<PlaceCommand, 'timeInForce' | 'stp'>, locked = false): void {
    const stp = c.stp ?? 'EXPIRE_TAKER';
    const left = o.qty - o.filled;
    if (locked) {
      // a triggered stop order: locked since it was placed
    } else if (o.side === 'SELL') {
      this.shIn(s, o.user, o.symbol).avail -= left;
      this.shIn(s, o.user, o.symbol).locked += left;
    } else if (o.isLimit) {
      o.locked = o.price * left;
      this.cashIn(s, o.user).avail -= o.locked;
      this.cashIn(s, o.user).locked += o.locked;
    }
    let stoppedBySelf = false;
    while (o.filled < o.qty) {
      const makers = s.resting.filter((r) => r.symbol === o.symbol && r.side !== o.side);
      if (makers.length === 0) break;
      makers.sort((a, b) => (o.side === 'BUY' ? a.price - b.price : b.price - a.price) || a.arrival - b.arrival);
      const m = makers[0];
      if (o.isLimit && (o.side === 'BUY' ? m.price > o.price : m.price < o.price)) break;
      if (m.user === o.user) {
        if (stp === 'EXPIRE_MAKER' || stp === 'EXPIRE_BOTH') this.removeResting(s, m, 'CANCELLED');
        if (stp === 'EXPIRE_TAKER' || stp === 'EXPIRE_BOTH') {
          stoppedBySelf = true;
          break;
        }
        continue;
      }
      let q = Math.min(o.qty - o.filled, m.qty - m.filled);
      if (o.side === 'BUY' && !o.isLimit) q = Math.min(q, Math.floor(this.cashIn(s, o.user).avail / m.price));
      if (q === 0) break;
      const buy = o.side === 'BUY' ? o : m;
      const sell = o.side === 'BUY' ? m : o;
      const buyerCash = this.cashIn(s, buy.user);
      if (buy.isLimit) {
        buyerCash.locked -= buy.price * q;
        buyerCash.avail += buy.price * q - m.price * q;
        buy.locked -= buy.price * q;
      } else {
        buyerCash.avail -= m.price * q;
      }
      this.shIn(s, buy.user, o.symbol).avail += q;
      this.shIn(s, sell.user, o.symbol).locked -= q;
      this.cashIn(s, sell.user).avail += m.price * q;
      m.filled += q;
      o.filled += q;
      s.trades.push({ symbol: o.symbol, price: m.price, quantity: q, buyOrderId: buy.id, sellOrderId: sell.id });
      s.last[o.symbol] = m.price;
      if (m.filled === m.qty) {
        s.resting = s.resting.filter((r) => r !== m);
        s.status[m.id] = { status: 'FILLED', filled: m.filled };
      } else {
        s.status[m.id] = { status: 'PARTIALLY_FILLED', filled: m.filled };
      }
    }
    const rests = o.filled < o.qty && o.isLimit && c.timeInForce === 'GFD' && !stoppedBySelf;
    if (rests) {
      s.resting.push(o);
      s.status[o.id] = { status: o.filled > 0 ? 'PARTIALLY_FILLED' : 'PENDING', filled: o.filled };
    } else {
      this.release(s, o);
      s.status[o.id] = { status: o.filled === o.qty ? 'FILLED' : 'CANCELLED', filled: o.filled };
    }
  }

  private removeResting(s: NState, o: NOrder, status: string): void {
    s.resting = s.resting.filter((r) => r !== o);
    s.stops = s.stops.filter((r) => r !== o);
    this.release(s, o);
    s.status[o.id] = { status, filled: o.filled };
  }

  private release(s: NState, o: NOrder): void {
    if (o.side === 'BUY') {
      this.cashIn(s, o.user).locked -= o.locked;
      this.cashIn(s, o.user).avail += o.locked;
      o.locked = 0;
    } else {
      const left = o.qty - o.filled;
      this.shIn(s, o.user, o.symbol).locked -= left;
      this.shIn(s, o.user, o.symbol).avail += left;
    }
  }

  private cash(u: string) {
    return this.cashIn(this.s, u);
  }

  private sh(u: string, sym: string) {
    return this.shIn(this.s, u, sym);
  }

  private cashIn(s: NState, u: string) {
    return (s.cash[u] ??= { avail: 0, locked: 0 });
  }

  private shIn(s: NState, u: string, sym: string) {
    return (s.shares[`${u}/${sym}`] ??= { avail: 0, locked: 0 });
  }
}

import fc from 'fast-check';
import { ErrorCode } from '../../../contracts/errors';
import { MatchingEngine } from '../engine';
import { feeCents, feeReserve, mayShort } from '../rules';
import type { EngineEvent, OrderEvent, TradeEvent } from '../types';
import { intents, propertyRuns, toCommands } from './arbitraries';

const USERS = 12;

/** A plain check: expect() per field per command would make each run take seconds. */
function must(ok: boolean, what: string, ...detail: unknown[]): void {
  if (!ok) throw new Error(`${what}: ${JSON.stringify(detail)}`);
}

/** Every structural and accounting invariant of the engine, checked against its internals. */
function checkInvariants(engine: MatchingEngine, credited: { cash: number; fees: number; shares: Map<string, number>; shortsAllowed: boolean }): void {
  const lockedCash = new Map<string, number>();
  const lockedShares = new Map<string, number>();
  const buyOpen = new Map<string, number>();
  for (const book of engine.bookList) {
    const bid = book.bids.best();
    const ask = book.asks.best();
    if (bid && ask) must(bid.price < ask.price, 'book crossed', book.symbol, bid.price, ask.price);
    for (const side of [book.bids, book.asks]) {
      const prices = side.levels.map((l) => l.price);
      must(prices.every((p, i) => i === 0 || side.better(p, prices[i - 1])), 'levels out of order', prices);
      must(side.byPrice.size === side.levels.length, 'price index out of step');
      for (const level of side.levels) {
        let sum = 0;
        let count = 0;
        for (let o = level.head; o !== null; o = o.next) {
          must(o.level === level, 'order level link');
          must(o.filled < o.quantity, 'a filled order rests', o.id);
          must(o.price === level.price, 'order at wrong level', o.id);
          must(engine.orders.get(o.id) === o, 'resting order not indexed', o.id);
          sum += o.quantity - o.filled;
          count++;
          if (o.side === 0) lockedCash.set(o.userId, (lockedCash.get(o.userId) ?? 0) + o.lockedCash);
          else lockedShares.set(`${o.userId}/${book.symbol}`, (lockedShares.get(`${o.userId}/${book.symbol}`) ?? 0) + o.quantity - o.filled);
          if (o.side === 0) {
            const left = o.quantity - o.filled;
            const fees = engine.rules === null ? null : engine.rules.fees;
            // with fees the lock holds the price and the largest fee the rest could be charged; fees
            // rounded down fill by fill leave at least that much (and exactly price x remaining without fees)
            if (fees === null) must(o.lockedCash === o.price * left, 'buy lock is not price x remaining', o.id);
            else must(o.lockedCash >= o.price * left + feeReserve(fees, o.price * left, left), 'buy lock short of price and fee', o.id, o.lockedCash);
            buyOpen.set(`${o.userId}/${book.symbol}`, (buyOpen.get(`${o.userId}/${book.symbol}`) ?? 0) + left);
          }
        }
        must(level.quantity === sum, 'level total is not the sum of its orders', level.price, level.quantity, sum);
        must(level.count === count, 'level count');
        must(count > 0, 'empty level kept');
      }
    }
  }
  for (const book of engine.bookList) {
    // after every command no waiting stop is one the last trade has reached, and each list is in trigger order
    must(book.dueStop() === undefined, 'a stop order the last trade reached is still waiting', book.symbol, book.lastPrice);
    const ordered = (list: typeof book.buyStops, up: boolean) => list.every((o, i) => i === 0 || (up ? list[i - 1].stopPrice <= o.stopPrice : list[i - 1].stopPrice >= o.stopPrice));
    must(ordered(book.buyStops, true) && ordered(book.sellStops, false), 'stops out of trigger order', book.symbol);
    for (const o of [...book.buyStops, ...book.sellStops]) {
      must(!o.triggered && o.filled === 0 && o.level === null && engine.orders.get(o.id) === o, 'a waiting stop is not off the book and indexed', o.id);
      const left = o.quantity;
      if (o.side === 0) {
        lockedCash.set(o.userId, (lockedCash.get(o.userId) ?? 0) + o.lockedCash);
        buyOpen.set(`${o.userId}/${book.symbol}`, (buyOpen.get(`${o.userId}/${book.symbol}`) ?? 0) + left);
        // a stop-limit buy waits with its price and fee locked, a stop-market buy with nothing
        if (o.market) must(o.lockedCash === 0, 'a waiting stop-market buy locks cash', o.id);
        else must(o.lockedCash >= o.price * left + feeReserve(engine.rules?.fees ?? null, o.price * left, left), 'a waiting stop-limit buy locks too little', o.id);
      } else {
        lockedShares.set(`${o.userId}/${book.symbol}`, (lockedShares.get(`${o.userId}/${book.symbol}`) ?? 0) + left);
      }
    }
  }
  must([...engine.orders.values()].every((o) => o.triggered ? o.level !== null : o.book.buyStops.includes(o) || o.book.sellStops.includes(o)), 'an indexed order is neither resting nor waiting');
  let cash = 0;
  const shares = new Map<string, number>();
  for (const a of engine.accounts.values()) {
    must(a.cashAvailable >= 0, 'negative cash', a.userId);
    must(a.cashLocked === (lockedCash.get(a.userId) ?? 0), 'locked cash differs from open buys', a.userId, a.cashLocked);
    cash += a.cashAvailable + a.cashLocked;
    engine.bookList.forEach((book) => {
      const av = a.sharesAvailable[book.index] ?? 0;
      const lk = a.sharesLocked[book.index] ?? 0;
      // shares held or promised to a sell go below zero only where an event since the reset allowed short sales
      must(av >= 0 || credited.shortsAllowed, 'negative shares', a.userId);
      must(lk === (lockedShares.get(`${a.userId}/${book.symbol}`) ?? 0), 'locked shares differ from open sells', a.userId, lk);
      must((a.buyOpen[book.index] ?? 0) === (buyOpen.get(`${a.userId}/${book.symbol}`) ?? 0), 'open buy count differs from open buys', a.userId, book.symbol);
      shares.set(book.symbol, (shares.get(book.symbol) ?? 0) + av + lk);
    });
  }
  // fees move cash from participants to the fee account, never out of the exchange
  must(engine.feeCash >= 0, 'the fee account paid out more than it took in', engine.feeCash);
  must(engine.feeCash === credited.fees, 'fee account differs from the fees on trades', engine.feeCash, credited.fees);
  must(cash + engine.feeCash === credited.cash, 'cash not conserved', cash, engine.feeCash, credited.cash);
  for (const [symbol, n] of credited.shares) must((shares.get(symbol) ?? 0) === n, 'shares not conserved', symbol);
}

describe('engine invariants over random command streams', () => {
  test('when any stream of commands runs, then after every command the book, balances and fills stay consistent', () => {
    fc.assert(
      fc.property(intents(USERS), (list) => {
        const engine = new MatchingEngine();
        const credited = { cash: 0, fees: 0, shares: new Map<string, number>(), shortsAllowed: false };
        const grantedThisEvent = new Set<string>();
        const tradedByOrder = new Map<string, number>();
        const lastByOrder = new Map<string, OrderEvent>();
        /** the one order each (participant, clientOrderId) has named since the last reset */
        const byClientId = new Map<string, string>();
        /** each participant's last order-update id */
        const lastUpdate = new Map<string, number>();
        let lastSeq = 0;
        for (const cmd of toCommands(list, USERS)) {
          const out: EngineEvent[] = [];
          engine.apply(cmd, out);
          for (const e of out) {
            must(e.seq === ++lastSeq, 'seq gap', e.seq);
            if (e.type === 'reset') {
              credited.cash = 0;
              credited.fees = 0;
              grantedThisEvent.clear();
              credited.shares.clear();
              // the loaded event stays through a reset, and with it whether shorts are allowed
              credited.shortsAllowed = engine.rules?.shortSelling === true;
              byClientId.clear();
            } else if (e.type === 'eventLoaded') {
              if (engine.rules?.shortSelling) credited.shortsAllowed = true;
            } else if (e.type === 'credit') {
              if (e.asset === 'CASH') credited.cash += e.amount;
              else credited.shares.set(e.asset, (credited.shares.get(e.asset) ?? 0) + e.amount);
            } else if (e.type === 'trade') {
              const t = e as TradeEvent;
              must(t.quantity > 0, 'empty trade');
              must(t.buyUserId !== t.sellUserId, 'self trade', t);
              credited.fees += t.buyFee + t.sellFee;
              const fees = engine.rules?.fees ?? null;
              if (fees === null) must(t.buyFee === 0 && t.sellFee === 0, 'a fee without a schedule', t);
              else {
                const takerFee = t.takerSide === 'BUY' ? t.buyFee : t.sellFee;
                must(takerFee === Math.min(feeCents(fees.unit, fees.taker, t.price * t.quantity, t.quantity), t.takerSide === 'SELL' ? t.price * t.quantity : Infinity), 'taker fee off the schedule', t);
                must(t.buyFee + t.sellFee >= 0, 'a trade paid out more rebate than it took in fees', t);
              }
              tradedByOrder.set(t.buyOrderId, (tradedByOrder.get(t.buyOrderId) ?? 0) + t.quantity);
              tradedByOrder.set(t.sellOrderId, (tradedByOrder.get(t.sellOrderId) ?? 0) + t.quantity);
            } else if (e.type === 'order') {
              must(e.filledQuantity <= e.quantity, 'overfilled', e);
              // a participant's order updates are numbered without a gap, whatever else happens
              must(e.pu === (lastUpdate.get(e.userId) ?? 0) && e.u === e.pu + 1, 'order-update ids not contiguous for the participant', e.userId, e.pu, e.u);
              lastUpdate.set(e.userId, e.u);
              if (e.clientOrderId !== null) {
                const key = `${e.userId}/${e.clientOrderId}`;
                must((byClientId.get(key) ?? e.orderId) === e.orderId, 'a clientOrderId named two orders', key, byClientId.get(key), e.orderId);
                byClientId.set(key, e.orderId);
              }
              if (e.status !== 'REJECTED') lastByOrder.set(e.orderId, e);
              if (e.status === 'REJECTED' && (e.code === ErrorCode.POSITION_LIMIT_EXCEEDED || e.code === ErrorCode.ORDER_LIMIT_EXCEEDED)) must(engine.rules !== null, 'a limit refusal without rules', e);
            }
          }
          checkInvariants(engine, credited);
          // an accepted place never leaves its participant over the event's limits
          const accepted = out.find((e): e is OrderEvent => e.type === 'order' && e.status !== 'REJECTED' && cmd.action === 'place' && e.orderId === cmd.orderId);
          if (accepted !== undefined && engine.rules !== null && cmd.action === 'place') {
            const r = engine.rules;
            must(r.maxOrderQuantity === null || accepted.quantity <= r.maxOrderQuantity, 'accepted over the order size limit', accepted);
            if (accepted.price !== null) must(r.maxOrderNotional === null || accepted.price * accepted.quantity <= r.maxOrderNotional, 'accepted over the order value limit', accepted);
            const limit = r.positionLimits[accepted.symbol];
            const a = engine.accounts.get(accepted.userId);
            const book = engine.books.get(accepted.symbol)!;
            if (limit !== undefined && a !== undefined) {
              const held = a.sharesAvailable[book.index] + a.sharesLocked[book.index];
              if (accepted.side === 'BUY') must(limit.net === null || held + a.buyOpen[book.index] <= limit.net, 'accepted over the net limit', accepted);
              // every working sell filled would leave the position at sharesAvailable: no shorter than the limit
              else must(limit.net === null || a.sharesAvailable[book.index] >= -limit.net, 'accepted past the net limit short', accepted);
              must(limit.gross === null || Math.abs(held) + a.buyOpen[book.index] + a.sharesLocked[book.index] <= limit.gross, 'accepted over the gross limit', accepted);
            }
            // a sell beyond the shares held is accepted only where short selling is allowed
            if (accepted.side === 'SELL' && a !== undefined && !mayShort(r, accepted.symbol)) must(a.sharesAvailable[book.index] >= 0, 'a short sale where none is allowed', accepted);
          }
          // the starting package reaches each participant once per event
          for (const e of out) if (e.type === 'credit' && cmd.action !== 'credit') {
            const first = !grantedThisEvent.has(`${e.userId}/${e.asset}`);
            must(first, 'a starting package credited twice in one event', e);
            grantedThisEvent.add(`${e.userId}/${e.asset}`);
          }
        }
        // every trade's quantity shows up in both orders' fills
        for (const [orderId, traded] of tradedByOrder) expect(lastByOrder.get(orderId)?.filledQuantity).toBe(traded);
        for (const [orderId, e] of lastByOrder) expect(e.filledQuantity).toBe(tradedByOrder.get(orderId) ?? 0);
      }),
      { numRuns: propertyRuns },
    );
  });
});

import { apply, lastOrder, openMarket, orders, trades } from './helpers';

const rich = { cash: 100_000_000, shares: 1_000_000 };
const funded = { alice: rich, bob: rich, carol: rich, dave: rich };

describe('matching', () => {
  test('when a limit order does not cross, then it rests as PENDING and the book shows it', () => {
    const { engine, s } = openMarket(funded);
    const ev = apply(engine, s.limit('alice', 'BUY', 100, 10));
    expect(orders(ev).map((e) => e.status)).toEqual(['PENDING']);
    expect(trades(ev)).toHaveLength(0);
    expect(engine.book('ACME')?.bids).toEqual([{ price: 100, quantity: 10, orders: 1 }]);
  });

  test('when orders rest at one price, then the earliest fills first (time priority)', () => {
    const { engine, s } = openMarket(funded);
    const first = s.limit('alice', 'SELL', 100, 5);
    const second = s.limit('bob', 'SELL', 100, 5);
    apply(engine, first);
    apply(engine, second);
    const ev = apply(engine, s.limit('carol', 'BUY', 100, 5));
    expect(trades(ev)).toHaveLength(1);
    expect(trades(ev)[0].sellOrderId).toBe(first.orderId);
    expect(engine.book('ACME')?.asks).toEqual([{ price: 100, quantity: 5, orders: 1 }]);
  });

  test('when a better price rests later, then it still fills first (price priority)', () => {
    const { engine, s } = openMarket(funded);
    apply(engine, s.limit('alice', 'SELL', 101, 5));
    const better = s.limit('bob', 'SELL', 99, 5);
    apply(engine, better);
    const ev = apply(engine, s.limit('carol', 'BUY', 101, 5));
    expect(trades(ev).map((t) => [t.sellOrderId, t.price])).toEqual([[better.orderId, 99]]);
  });

  test('when a taker crosses, then trades happen at the resting order price', () => {
    const { engine, s } = openMarket(funded);
    apply(engine, s.limit('alice', 'SELL', 100, 5));
    const ev = apply(engine, s.limit('bob', 'BUY', 105, 5));
    expect(trades(ev)[0]).toMatchObject({ price: 100, quantity: 5, takerSide: 'BUY', buyUserId: 'bob', sellUserId: 'alice' });
  });

  test('when a taker is larger than the book level, then it partially fills and rests the remainder', () => {
    const { engine, s } = openMarket(funded);
    apply(engine, s.limit('alice', 'SELL', 100, 3));
    const taker = s.limit('bob', 'BUY', 100, 10);
    const ev = apply(engine, taker);
    expect(lastOrder(ev, taker.orderId)).toMatchObject({ status: 'PARTIALLY_FILLED', filledQuantity: 3 });
    expect(engine.book('ACME')).toMatchObject({ bids: [{ price: 100, quantity: 7 }], asks: [] });
  });

  test('when a maker is partially filled, then its level depth is reduced by the fill', () => {
    const { engine, s } = openMarket(funded);
    const maker = s.limit('alice', 'SELL', 100, 10);
    apply(engine, maker);
    const ev = apply(engine, s.limit('bob', 'BUY', 100, 4));
    expect(lastOrder(ev, maker.orderId)).toMatchObject({ status: 'PARTIALLY_FILLED', filledQuantity: 4 });
    expect(engine.book('ACME')?.asks).toEqual([{ price: 100, quantity: 6, orders: 1 }]);
    expect(ev.filter((e) => e.type === 'depth')).toEqual([expect.objectContaining({ side: 'SELL', price: 100, quantity: 6 })]);
  });

  test('when a taker sweeps several levels, then it fills best price first and stops at its limit', () => {
    const { engine, s } = openMarket(funded);
    apply(engine, s.limit('alice', 'SELL', 100, 2));
    apply(engine, s.limit('bob', 'SELL', 101, 2));
    apply(engine, s.limit('carol', 'SELL', 103, 2));
    const ev = apply(engine, s.limit('dave', 'BUY', 102, 10));
    expect(trades(ev).map((t) => t.price)).toEqual([100, 101]);
    expect(engine.book('ACME')).toMatchObject({ bids: [{ price: 102, quantity: 6 }], asks: [{ price: 103, quantity: 2 }] });
  });

  test('when an IOC order cannot fill completely, then it fills what it can and cancels the rest', () => {
    const { engine, s } = openMarket(funded);
    apply(engine, s.limit('alice', 'SELL', 100, 3));
    const ioc = s.limit('bob', 'BUY', 100, 10, { tif: 'IOC' });
    const ev = apply(engine, ioc);
    expect(orders(ev).filter((e) => e.orderId === ioc.orderId).map((e) => e.status)).toEqual([
      'PENDING',
      'PARTIALLY_FILLED',
      'CANCELLED',
    ]);
    expect(lastOrder(ev, ioc.orderId)).toMatchObject({ filledQuantity: 3, reason: 'IOC_REMAINDER' });
    expect(engine.book('ACME')?.bids).toEqual([]);
  });

  test('when an IOC order finds nothing to cross, then it is cancelled and never rests', () => {
    const { engine, s } = openMarket(funded);
    const ioc = s.limit('bob', 'BUY', 100, 10, { tif: 'IOC' });
    const ev = apply(engine, ioc);
    expect(lastOrder(ev, ioc.orderId)).toMatchObject({ status: 'CANCELLED', filledQuantity: 0 });
    expect(engine.book('ACME')?.bids).toEqual([]);
  });

  test('when a FOK order cannot fill completely, then nothing trades at all', () => {
    const { engine, s } = openMarket(funded);
    apply(engine, s.limit('alice', 'SELL', 100, 3));
    apply(engine, s.limit('bob', 'SELL', 101, 3));
    const fok = s.limit('carol', 'BUY', 101, 7, { tif: 'FOK' });
    const ev = apply(engine, fok);
    expect(trades(ev)).toHaveLength(0);
    expect(lastOrder(ev, fok.orderId)).toMatchObject({ status: 'CANCELLED', filledQuantity: 0, reason: 'FOK_UNFILLABLE' });
    expect(engine.book('ACME')?.asks).toEqual([
      { price: 100, quantity: 3, orders: 1 },
      { price: 101, quantity: 3, orders: 1 },
    ]);
    expect(engine.balance('carol')?.cash).toEqual({ available: rich.cash, locked: 0 });
  });

  test('when a FOK order can fill completely across levels, then it fills completely', () => {
    const { engine, s } = openMarket(funded);
    apply(engine, s.limit('alice', 'SELL', 100, 3));
    apply(engine, s.limit('bob', 'SELL', 101, 3));
    const fok = s.limit('carol', 'BUY', 101, 6, { tif: 'FOK' });
    const ev = apply(engine, fok);
    expect(trades(ev).map((t) => t.quantity)).toEqual([3, 3]);
    expect(lastOrder(ev, fok.orderId)).toMatchObject({ status: 'FILLED', filledQuantity: 6 });
  });

  test('when a market order meets less than its quantity, then it fills what there is and never rests', () => {
    const { engine, s } = openMarket(funded);
    apply(engine, s.limit('alice', 'BUY', 99, 4));
    apply(engine, s.limit('bob', 'BUY', 98, 4));
    const mkt = s.market('carol', 'SELL', 10);
    const ev = apply(engine, mkt);
    expect(trades(ev).map((t) => [t.price, t.quantity])).toEqual([
      [99, 4],
      [98, 4],
    ]);
    expect(lastOrder(ev, mkt.orderId)).toMatchObject({ status: 'CANCELLED', filledQuantity: 8, reason: 'NO_LIQUIDITY', price: null });
    expect(engine.book('ACME')).toMatchObject({ bids: [], asks: [] });
  });

  test('when a market order meets an empty book, then it is cancelled with NO_LIQUIDITY', () => {
    const { engine, s } = openMarket(funded);
    const mkt = s.market('carol', 'BUY', 10);
    const ev = apply(engine, mkt);
    expect(lastOrder(ev, mkt.orderId)).toMatchObject({ status: 'CANCELLED', reason: 'NO_LIQUIDITY' });
  });

  test('when a market FOK cannot fill completely, then nothing trades', () => {
    const { engine, s } = openMarket(funded);
    apply(engine, s.limit('alice', 'BUY', 99, 4));
    const mkt = s.market('carol', 'SELL', 10, { tif: 'FOK' });
    const ev = apply(engine, mkt);
    expect(trades(ev)).toHaveLength(0);
    expect(lastOrder(ev, mkt.orderId)).toMatchObject({ status: 'CANCELLED', reason: 'FOK_UNFILLABLE' });
  });

  test('when a resting order is cancelled, then it leaves the book and a CANCELLED event is emitted', () => {
    const { engine, s } = openMarket(funded);
    const o = s.limit('alice', 'BUY', 100, 10);
    apply(engine, o);
    const ev = apply(engine, s.cancel('alice', o.orderId));
    expect(lastOrder(ev, o.orderId)).toMatchObject({ status: 'CANCELLED', reason: 'USER_CANCELLED' });
    expect(ev.filter((e) => e.type === 'depth')).toEqual([expect.objectContaining({ price: 100, quantity: 0 })]);
    expect(engine.book('ACME')?.bids).toEqual([]);
  });

  test('when a partially filled order is cancelled, then only its remainder leaves the book', () => {
    const { engine, s } = openMarket(funded);
    const o = s.limit('alice', 'BUY', 100, 10);
    apply(engine, o);
    apply(engine, s.limit('bob', 'BUY', 100, 5));
    apply(engine, s.limit('carol', 'SELL', 100, 4));
    const ev = apply(engine, s.cancel('alice', o.orderId));
    expect(lastOrder(ev, o.orderId)).toMatchObject({ status: 'CANCELLED', filledQuantity: 4 });
    expect(engine.book('ACME')?.bids).toEqual([{ price: 100, quantity: 5, orders: 1 }]);
  });

  test('when an order in the middle of a queue is cancelled, then the others keep their priority', () => {
    const { engine, s } = openMarket(funded);
    const a = s.limit('alice', 'SELL', 100, 1);
    const b = s.limit('bob', 'SELL', 100, 1);
    const c = s.limit('carol', 'SELL', 100, 1);
    [a, b, c].forEach((o) => apply(engine, o));
    apply(engine, s.cancel('bob', b.orderId));
    const ev = apply(engine, s.limit('dave', 'BUY', 100, 2));
    expect(trades(ev).map((t) => t.sellOrderId)).toEqual([a.orderId, c.orderId]);
  });

  test('when the session closes, then every resting GFD order expires', () => {
    const { engine, s } = openMarket(funded);
    const o1 = s.limit('alice', 'BUY', 100, 10);
    const o2 = s.limit('bob', 'SELL', 105, 10);
    apply(engine, o1);
    apply(engine, o2);
    const ev = apply(engine, s.session('CLOSED'));
    expect(orders(ev).map((e) => [e.orderId, e.status, e.reason])).toEqual([
      [o1.orderId, 'CANCELLED', 'SESSION_CLOSED'],
      [o2.orderId, 'CANCELLED', 'SESSION_CLOSED'],
    ]);
    expect(engine.book('ACME')).toMatchObject({ bids: [], asks: [] });
    expect(engine.balance('alice')?.cash.locked).toBe(0);
    expect(engine.balance('bob')?.positions.ACME.locked).toBe(0);
  });
});

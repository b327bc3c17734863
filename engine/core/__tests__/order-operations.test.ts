import { ErrorCode } from '../../../contracts/errors';
import type { Command, ErrorEvent, PlaceCommand } from '../types';
import { apply, openMarket, orders, trades } from './helpers';

const amend = (userId: string, orderId: string, change: { quantity?: number; price?: number }, ts: number): Command => ({ action: 'amend', userId, orderId, ...change, ts });

describe('cancel all', () => {
  test('when a participant cancels all, then every one of their resting orders goes (one symbol or all), nobody else\'s, and the locks come back', () => {
    const { engine, s } = openMarket({ alice: { cash: 100_000, shares: 50 }, bob: { cash: 100_000 } });
    apply(engine, s.addSymbol('BETA'));
    apply(engine, s.credit('alice', 'BETA', 10));
    apply(engine, s.limit('alice', 'BUY', 90, 10));
    apply(engine, s.limit('alice', 'SELL', 110, 5));
    const beta = s.limit('alice', 'SELL', 50, 10, { symbol: 'BETA' });
    apply(engine, beta);
    apply(engine, s.limit('bob', 'BUY', 95, 1));
    const one = apply(engine, { action: 'cancelAll', userId: 'alice', symbol: 'BETA', ts: s.tick() });
    expect(orders(one).map((o) => [o.orderId, o.status, o.reason])).toEqual([[beta.orderId, 'CANCELLED', 'USER_CANCELLED']]);
    const all = apply(engine, { action: 'cancelAll', userId: 'alice', ts: s.tick() });
    expect(orders(all).map((o) => o.status)).toEqual(['CANCELLED', 'CANCELLED']);
    expect(engine.balance('alice')).toMatchObject({ cash: { available: 100_000, locked: 0 }, positions: { ACME: { available: 50, locked: 0 }, BETA: { available: 10, locked: 0 } } });
    expect(engine.book('ACME')!.bids).toEqual([{ price: 95, quantity: 1, orders: 1 }]);
    expect(orders(apply(engine, { action: 'cancelAll', userId: 'alice', ts: s.tick() }))).toEqual([]);
  });
});

describe('amend', () => {
  test('when a resting order is reduced, then it keeps its place in the queue and hands back the difference', () => {
    const { engine, s } = openMarket({ alice: { shares: 50 }, bob: { shares: 50 }, carol: { cash: 100_000 } });
    const first = s.limit('alice', 'SELL', 100, 10);
    apply(engine, first);
    apply(engine, s.limit('bob', 'SELL', 100, 10));
    const ev = apply(engine, amend('alice', first.orderId, { quantity: 4 }, s.tick()));
    expect(orders(ev)[0]).toMatchObject({ orderId: first.orderId, quantity: 4, status: 'PENDING' });
    expect(engine.balance('alice')!.positions.ACME).toEqual({ available: 46, locked: 4 });
    // alice is still first at 100
    const fills = trades(apply(engine, s.limit('carol', 'BUY', 100, 5)));
    expect(fills.map((t) => [t.sellUserId, t.quantity])).toEqual([['alice', 4], ['bob', 1]]);
  });

  test('when a resting order gets a new price or a larger quantity, then it goes to the back of its level', () => {
    const { engine, s } = openMarket({ alice: { shares: 50 }, bob: { shares: 50 }, carol: { cash: 100_000 } });
    const first = s.limit('alice', 'SELL', 101, 10);
    apply(engine, first);
    apply(engine, s.limit('bob', 'SELL', 100, 10));
    apply(engine, amend('alice', first.orderId, { price: 100 }, s.tick()));
    expect(engine.book('ACME')!.asks).toEqual([{ price: 100, quantity: 20, orders: 2 }]);
    const fills = trades(apply(engine, s.limit('carol', 'BUY', 100, 12)));
    expect(fills.map((t) => [t.sellUserId, t.quantity])).toEqual([['bob', 10], ['alice', 2]]);
    // 8 left; grown to 15: behind anyone already there
    apply(engine, s.limit('bob', 'SELL', 100, 3));
    apply(engine, amend('alice', first.orderId, { quantity: 17 }, s.tick()));
    // 48 held after selling 2: 15 of them now locked
    expect(engine.balance('alice')!.positions.ACME).toEqual({ available: 33, locked: 15 });
    expect(trades(apply(engine, s.limit('carol', 'BUY', 100, 4))).map((t) => [t.sellUserId, t.quantity])).toEqual([['bob', 3], ['alice', 1]]);
  });

  test('when an amended price crosses the book, then it trades as a taker at once; a post-only order is refused instead', () => {
    const { engine, s } = openMarket({ alice: { cash: 100_000 }, bob: { shares: 50 } });
    apply(engine, s.limit('bob', 'SELL', 105, 5));
    const bid = s.limit('alice', 'BUY', 100, 8);
    apply(engine, bid);
    const ev = apply(engine, amend('alice', bid.orderId, { price: 105 }, s.tick()));
    expect(trades(ev).map((t) => [t.price, t.quantity, t.takerSide])).toEqual([[105, 5, 'BUY']]);
    expect(engine.book('ACME')!.bids).toEqual([{ price: 105, quantity: 3, orders: 1 }]);
    expect(engine.balance('alice')!.cash).toEqual({ available: 100_000 - 525 - 315, locked: 315 });

    apply(engine, s.limit('bob', 'SELL', 110, 5));
    const maker: PlaceCommand = { ...s.limit('alice', 'BUY', 100, 2), type: 'LIMIT_MAKER' };
    apply(engine, maker);
    const refused = apply(engine, amend('alice', maker.orderId, { price: 110 }, s.tick()));
    expect((refused[0] as ErrorEvent).code).toBe(ErrorCode.ORDER_WOULD_TAKE);
    expect(engine.order(maker.orderId)).toMatchObject({ price: 100, quantity: 2 });
  });

  test('when an amend needs more than the participant has, or names nothing live, then it is refused and the order stays as it was', () => {
    const { engine, s } = openMarket({ alice: { cash: 1_000 } });
    const bid = s.limit('alice', 'BUY', 100, 5);
    apply(engine, bid);
    const tooMuch = apply(engine, amend('alice', bid.orderId, { quantity: 11 }, s.tick()))[0] as ErrorEvent;
    expect(tooMuch.code).toBe(ErrorCode.INSUFFICIENT_BALANCE);
    expect(tooMuch.message).toBe('Not enough cash: $11.00 needed, $10.00 available');
    expect(engine.order(bid.orderId)).toMatchObject({ quantity: 5, price: 100 });
    expect(engine.balance('alice')!.cash).toEqual({ available: 500, locked: 500 });
    expect((apply(engine, amend('bob', bid.orderId, { quantity: 2 }, s.tick()))[0] as ErrorEvent).code).toBe(ErrorCode.ORDER_NOT_FOUND);
    expect((apply(engine, amend('alice', bid.orderId, {}, s.tick()))[0] as ErrorEvent).code).toBe(ErrorCode.INVALID_COMMAND);
  });
});

describe('post only (LIMIT_MAKER)', () => {
  test('when it would not cross, then it rests like a limit order; when it would, then it is refused and never trades', () => {
    const { engine, s } = openMarket({ alice: { cash: 100_000 }, bob: { shares: 50 } });
    apply(engine, s.limit('bob', 'SELL', 105, 5));
    const rests = apply(engine, { ...s.limit('alice', 'BUY', 104, 5), type: 'LIMIT_MAKER' });
    expect(orders(rests)[0]).toMatchObject({ orderType: 'LIMIT_MAKER', status: 'PENDING' });
    const crossing = apply(engine, { ...s.limit('alice', 'BUY', 105, 5), type: 'LIMIT_MAKER' });
    expect(trades(crossing)).toEqual([]);
    expect(orders(crossing)[0]).toMatchObject({ status: 'REJECTED', code: ErrorCode.ORDER_WOULD_TAKE });
    expect(orders(crossing)[0].reason).toBe('A post-only order at $1.05 would trade against the best ask at $1.05');
    const ioc = apply(engine, { ...s.limit('alice', 'BUY', 100, 5, { tif: 'IOC' }), type: 'LIMIT_MAKER' });
    expect(orders(ioc)[0]).toMatchObject({ status: 'REJECTED', code: ErrorCode.INVALID_TIME_IN_FORCE });
  });
});

describe('stop orders', () => {
  const stop = (userId: string, side: 'BUY' | 'SELL', stopPrice: number, quantity: number, orderId: string, ts: number, price?: number): PlaceCommand => ({
    action: 'place', orderId, userId, symbol: 'ACME', side, type: price === undefined ? 'STOP_MARKET' : 'STOP_LIMIT', timeInForce: price === undefined ? 'IOC' : 'GFD', price, stopPrice, quantity, ts,
  });

  test('when a stop-limit buy waits, then it is off the book with its cash locked, and a trade at its stop puts it in as a limit order', () => {
    const { engine, s } = openMarket({ alice: { cash: 100_000 }, bob: { shares: 50 }, carol: { cash: 100_000, shares: 50 } });
    // the last trade at 100
    apply(engine, s.limit('bob', 'SELL', 100, 1));
    apply(engine, s.limit('carol', 'BUY', 100, 1));
    const placed = orders(apply(engine, stop('alice', 'BUY', 105, 10, 'stop1', s.tick(), 106)));
    expect(placed).toEqual([expect.objectContaining({ orderId: 'stop1', orderType: 'STOP_LIMIT', status: 'PENDING', price: 106, stopPrice: 105, triggered: false })]);
    expect(engine.balance('alice')!.cash).toEqual({ available: 100_000 - 1_060, locked: 1_060 });
    expect(engine.book('ACME')!.bids).toEqual([]);
    // bob offers at 104 and 106; a trade at 104 does not reach the stop, one at 105 does
    apply(engine, s.limit('bob', 'SELL', 104, 1));
    apply(engine, s.limit('bob', 'SELL', 106, 20));
    expect(orders(apply(engine, s.limit('carol', 'BUY', 104, 1))).some((o) => o.orderId === 'stop1')).toBe(false);
    apply(engine, s.limit('bob', 'SELL', 105, 1));
    const out = apply(engine, s.limit('carol', 'BUY', 105, 1));
    const mine = orders(out).filter((o) => o.orderId === 'stop1');
    expect(mine.map((o) => [o.status, o.filledQuantity, o.triggered])).toEqual([['PENDING', 0, true], ['FILLED', 10, true]]);
    expect(trades(out).filter((t) => t.buyOrderId === 'stop1').map((t) => [t.price, t.quantity])).toEqual([[106, 10]]);
    expect(engine.balance('alice')).toMatchObject({ cash: { available: 100_000 - 1_060, locked: 0 }, positions: { ACME: { available: 10, locked: 0 } } });
  });

  test('when a sell stop triggers a market sell whose trade triggers the next, then they go in one after the other in one command', () => {
    const { engine, s } = openMarket({ alice: { shares: 10 }, bob: { shares: 10 }, carol: { shares: 5 }, dave: { cash: 100_000 } });
    // no last trade yet: any stop waits
    apply(engine, stop('alice', 'SELL', 95, 10, 'a-stop', s.tick()));
    apply(engine, stop('bob', 'SELL', 90, 10, 'b-stop', s.tick()));
    apply(engine, s.limit('dave', 'BUY', 95, 2));
    apply(engine, s.limit('dave', 'BUY', 90, 20));
    // carol sells 1 at 95: alice's stop goes in and sells into the 90s, which reaches bob's stop
    const out = apply(engine, s.limit('carol', 'SELL', 95, 1));
    expect(trades(out).map((t) => [t.sellOrderId, t.price, t.quantity])).toEqual([
      [expect.stringMatching(/^o/), 95, 1],
      ['a-stop', 95, 1],
      ['a-stop', 90, 9],
      ['b-stop', 90, 10],
    ]);
    expect(engine.balance('alice')).toMatchObject({ cash: { available: 95 + 810, locked: 0 }, positions: {} });
  });

  test('when a stop is already reached, cancelled, amended or the session closes, then it is refused, its locks come back, or it expires', () => {
    const { engine, s } = openMarket({ alice: { cash: 100_000, shares: 20 }, bob: { shares: 50 }, carol: { cash: 100_000 } });
    apply(engine, s.limit('bob', 'SELL', 100, 1));
    apply(engine, s.limit('carol', 'BUY', 100, 1));
    const [reached] = orders(apply(engine, stop('alice', 'BUY', 100, 1, 'x1', s.tick())));
    expect(reached).toMatchObject({ status: 'REJECTED', code: ErrorCode.STOP_WOULD_TRIGGER, stopPrice: 100, triggered: false });
    expect(reached.reason).toBe('A buy stop at $1.00 would trigger at once: the last trade was at $1.00');
    expect(orders(apply(engine, { ...stop('alice', 'SELL', 90, 1, 'x2', s.tick()), stopPrice: 95.5 }))[0].code).toBe(ErrorCode.INVALID_PRICE);
    expect(orders(apply(engine, { ...s.limit('alice', 'BUY', 90, 1), stopPrice: 95 }))[0].code).toBe(ErrorCode.INVALID_PRICE);
    // a sell stop locks its shares; a cancel gives them back
    apply(engine, stop('alice', 'SELL', 90, 20, 'x3', s.tick()));
    expect(engine.balance('alice')!.positions.ACME).toEqual({ available: 0, locked: 20 });
    const refused = apply(engine, amend('alice', 'x3', { quantity: 10 }, s.tick()));
    expect(refused).toEqual([expect.objectContaining({ type: 'error', code: ErrorCode.INVALID_COMMAND })]);
    expect(orders(apply(engine, s.cancel('alice', 'x3')))[0]).toMatchObject({ status: 'CANCELLED', reason: 'USER_CANCELLED', triggered: false });
    expect(engine.balance('alice')!.positions.ACME).toEqual({ available: 20, locked: 0 });
    // a stop-market buy locks nothing until it triggers; the close expires it
    apply(engine, stop('alice', 'BUY', 120, 5, 'x4', s.tick()));
    expect(engine.balance('alice')!.cash.locked).toBe(0);
    expect(orders(apply(engine, s.session('CLOSED')))).toEqual([expect.objectContaining({ orderId: 'x4', status: 'CANCELLED', reason: 'SESSION_CLOSED' })]);
    expect(engine.orders.size).toBe(0);
  });

  test('when a stop-market buy triggers without the cash for one share, then it is cancelled for its balance', () => {
    const { engine, s } = openMarket({ alice: { cash: 200 }, bob: { shares: 50 }, carol: { cash: 100_000 } });
    apply(engine, s.limit('bob', 'SELL', 100, 1));
    apply(engine, s.limit('carol', 'BUY', 100, 1));
    apply(engine, stop('alice', 'BUY', 110, 1, 'poor', s.tick()));
    // alice spends her cash on a resting bid before the stop triggers
    apply(engine, s.limit('alice', 'BUY', 50, 4));
    apply(engine, s.limit('bob', 'SELL', 110, 5));
    const out = apply(engine, s.limit('carol', 'BUY', 110, 1));
    expect(orders(out).filter((o) => o.orderId === 'poor').map((o) => [o.status, o.reason])).toEqual([['PENDING', null], ['CANCELLED', 'INSUFFICIENT_BALANCE']]);
  });
});

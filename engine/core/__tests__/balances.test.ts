import { ErrorCode } from '../../../contracts/errors';
import { apply, lastOrder, openMarket, trades } from './helpers';

describe('balances', () => {
  test('when a limit buy rests, then price x quantity moves from available to locked cash', () => {
    const { engine, s } = openMarket({ alice: { cash: 10_000 } });
    apply(engine, s.limit('alice', 'BUY', 150, 20));
    expect(engine.balance('alice')?.cash).toEqual({ available: 7_000, locked: 3_000 });
  });

  test('when a limit buy costs more than the available cash, then it is rejected with INSUFFICIENT_BALANCE', () => {
    const { engine, s } = openMarket({ alice: { cash: 2_999 } });
    const o = s.limit('alice', 'BUY', 150, 20);
    const ev = apply(engine, o);
    expect(lastOrder(ev, o.orderId)).toMatchObject({ status: 'REJECTED', code: ErrorCode.INSUFFICIENT_BALANCE });
    expect(engine.balance('alice')?.cash).toEqual({ available: 2_999, locked: 0 });
  });

  test('when a sell rests, then its shares move from available to locked', () => {
    const { engine, s } = openMarket({ bob: { shares: 50 } });
    apply(engine, s.limit('bob', 'SELL', 100, 30));
    expect(engine.balance('bob')?.positions.ACME).toEqual({ available: 20, locked: 30 });
  });

  test('when a participant sells shares they do not have, then it is rejected with INSUFFICIENT_BALANCE', () => {
    const { engine, s } = openMarket({ bob: { shares: 5, cash: 1_000 } });
    const o = s.limit('bob', 'SELL', 100, 6);
    expect(lastOrder(apply(engine, o), o.orderId)).toMatchObject({ status: 'REJECTED', code: ErrorCode.INSUFFICIENT_BALANCE });
    const m = s.market('carol', 'SELL', 1);
    expect(lastOrder(apply(engine, m), m.orderId)).toMatchObject({ status: 'REJECTED', code: ErrorCode.INSUFFICIENT_BALANCE });
  });

  test('when a trade settles, then cash and shares move exactly once between buyer and seller', () => {
    const { engine, s } = openMarket({ alice: { cash: 10_000 }, bob: { shares: 10 } });
    apply(engine, s.limit('bob', 'SELL', 100, 10));
    apply(engine, s.limit('alice', 'BUY', 100, 10));
    expect(engine.balance('alice')).toMatchObject({ cash: { available: 9_000, locked: 0 }, positions: { ACME: { available: 10, locked: 0 } } });
    expect(engine.balance('bob')).toMatchObject({ cash: { available: 1_000, locked: 0 }, positions: {} });
  });

  test('when a limit buy fills below its limit, then the difference is released to available cash', () => {
    const { engine, s } = openMarket({ alice: { cash: 10_000 }, bob: { shares: 10 } });
    apply(engine, s.limit('bob', 'SELL', 90, 10));
    apply(engine, s.limit('alice', 'BUY', 100, 10));
    expect(engine.balance('alice')?.cash).toEqual({ available: 9_100, locked: 0 });
  });

  test('when a resting buy is partially filled and then cancelled, then all remaining locked cash is released', () => {
    const { engine, s } = openMarket({ alice: { cash: 10_000 }, bob: { shares: 10 } });
    const buy = s.limit('alice', 'BUY', 100, 10);
    apply(engine, buy);
    apply(engine, s.limit('bob', 'SELL', 100, 4));
    expect(engine.balance('alice')?.cash).toEqual({ available: 9_000, locked: 600 });
    apply(engine, s.cancel('alice', buy.orderId));
    expect(engine.balance('alice')?.cash).toEqual({ available: 9_600, locked: 0 });
  });

  test('when a resting sell is cancelled, then its shares are released', () => {
    const { engine, s } = openMarket({ bob: { shares: 10 } });
    const sell = s.limit('bob', 'SELL', 100, 10);
    apply(engine, sell);
    apply(engine, s.cancel('bob', sell.orderId));
    expect(engine.balance('bob')?.positions.ACME).toEqual({ available: 10, locked: 0 });
  });

  test('when a market buy cannot afford its whole quantity, then it fills what the cash buys and cancels the rest', () => {
    const { engine, s } = openMarket({ alice: { cash: 1_050 }, bob: { shares: 100 } });
    apply(engine, s.limit('bob', 'SELL', 100, 5));
    apply(engine, s.limit('bob', 'SELL', 110, 5));
    const m = s.market('alice', 'BUY', 10);
    const ev = apply(engine, m);
    // 5 x 100 = 500, then 5 x 110 = 550: exactly 1,050
    expect(trades(ev).map((t) => [t.price, t.quantity])).toEqual([
      [100, 5],
      [110, 5],
    ]);
    expect(engine.balance('alice')?.cash).toEqual({ available: 0, locked: 0 });

    apply(engine, s.credit('alice', 'CASH', 250));
    apply(engine, s.limit('bob', 'SELL', 100, 5));
    const m2 = s.market('alice', 'BUY', 5);
    const ev2 = apply(engine, m2);
    expect(lastOrder(ev2, m2.orderId)).toMatchObject({ status: 'CANCELLED', filledQuantity: 2, reason: 'INSUFFICIENT_BALANCE' });
    expect(engine.balance('alice')?.cash).toEqual({ available: 50, locked: 0 });
  });

  test('when a market buy cannot afford a single share, then it is rejected with INSUFFICIENT_BALANCE', () => {
    const { engine, s } = openMarket({ alice: { cash: 99 }, bob: { shares: 5 } });
    apply(engine, s.limit('bob', 'SELL', 100, 5));
    const m = s.market('alice', 'BUY', 1);
    expect(lastOrder(apply(engine, m), m.orderId)).toMatchObject({ status: 'REJECTED', code: ErrorCode.INSUFFICIENT_BALANCE });
  });

  test('when a market buy fills, then nothing stays locked and cash spent equals the trades', () => {
    const { engine, s } = openMarket({ alice: { cash: 100_000 }, bob: { shares: 100 } });
    apply(engine, s.limit('bob', 'SELL', 100, 5));
    apply(engine, s.limit('bob', 'SELL', 120, 5));
    apply(engine, s.market('alice', 'BUY', 7));
    expect(engine.balance('alice')).toMatchObject({ cash: { available: 100_000 - 500 - 240, locked: 0 }, positions: { ACME: { available: 7 } } });
  });

  test('when an IOC buy leaves a remainder, then the remainder lock is released', () => {
    const { engine, s } = openMarket({ alice: { cash: 10_000 }, bob: { shares: 100 } });
    apply(engine, s.limit('bob', 'SELL', 100, 3));
    apply(engine, s.limit('alice', 'BUY', 100, 10, { tif: 'IOC' }));
    expect(engine.balance('alice')?.cash).toEqual({ available: 9_700, locked: 0 });
  });

  test('when a credit is given, then it adds to available and a credit event is emitted', () => {
    const { engine, s } = openMarket();
    const ev = apply(engine, s.credit('zoe', 'CASH', 5_000));
    expect(ev).toEqual([expect.objectContaining({ type: 'credit', userId: 'zoe', asset: 'CASH', amount: 5_000, price: null })]);
    expect(apply(engine, { ...s.credit('zoe', 'ACME', 2), price: 1_234 } as never)).toEqual([expect.objectContaining({ type: 'credit', asset: 'ACME', amount: 2, price: 1_234 })]);
    expect(apply(engine, { ...s.credit('zoe', 'ACME', 2), price: -1 } as never)).toEqual([expect.objectContaining({ type: 'error', code: 3 })]);
    apply(engine, s.credit('zoe', 'ACME', 5));
    expect(engine.balance('zoe')).toEqual({ userId: 'zoe', cash: { available: 5_000, locked: 0 }, positions: { ACME: { available: 7, locked: 0 } } });
  });

  test('when a credit is zero, negative, fractional, for an unknown asset or too large, then it is refused', () => {
    const { engine, s } = openMarket({ zoe: { cash: 1 } });
    for (const [asset, amount, code] of [
      ['CASH', 0, ErrorCode.INVALID_AMOUNT],
      ['CASH', -5, ErrorCode.INVALID_AMOUNT],
      ['CASH', 1.5, ErrorCode.INVALID_AMOUNT],
      ['NOPE', 5, ErrorCode.INVALID_SYMBOL],
      ['CASH', Number.MAX_SAFE_INTEGER, ErrorCode.INVALID_AMOUNT],
    ] as const) {
      expect(apply(engine, s.credit('zoe', asset, amount))).toEqual([expect.objectContaining({ type: 'error', code })]);
    }
    expect(engine.balance('zoe')?.cash).toEqual({ available: 1, locked: 0 });
  });

  test('when balances change, then takeDirtyBalances lists each changed participant once', () => {
    const { engine, s } = openMarket({ alice: { cash: 10_000 }, bob: { shares: 10 } });
    engine.takeDirtyBalances();
    apply(engine, s.limit('bob', 'SELL', 100, 5));
    apply(engine, s.limit('alice', 'BUY', 100, 5));
    expect(engine.takeDirtyBalances().map((b) => b.userId).sort()).toEqual(['alice', 'bob']);
    expect(engine.takeDirtyBalances()).toEqual([]);
  });
});

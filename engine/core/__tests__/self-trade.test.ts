import { apply, lastOrder, openMarket, trades } from './helpers';

const rich = { cash: 1_000_000, shares: 1_000 };

describe('self-trade prevention', () => {
  test('when a taker would trade with its own resting order (default EXPIRE_TAKER), then the taker remainder is cancelled and the maker stays', () => {
    const { engine, s } = openMarket({ alice: rich, bob: rich });
    apply(engine, s.limit('bob', 'SELL', 100, 2));
    const own = s.limit('alice', 'SELL', 101, 5);
    apply(engine, own);
    const taker = s.limit('alice', 'BUY', 101, 10);
    const ev = apply(engine, taker);
    expect(trades(ev).map((t) => t.sellUserId)).toEqual(['bob']);
    expect(lastOrder(ev, taker.orderId)).toMatchObject({ status: 'CANCELLED', filledQuantity: 2, reason: 'SELF_TRADE_PREVENTED' });
    expect(engine.order(own.orderId)).toMatchObject({ status: 'PENDING' });
    expect(engine.book('ACME')?.bids).toEqual([]);
  });

  test('when the mode is EXPIRE_MAKER, then the own resting order is cancelled and matching continues', () => {
    const { engine, s } = openMarket({ alice: rich, bob: rich });
    const own = s.limit('alice', 'SELL', 100, 5);
    apply(engine, own);
    apply(engine, s.limit('bob', 'SELL', 100, 5));
    const taker = s.limit('alice', 'BUY', 100, 5, { stp: 'EXPIRE_MAKER' });
    const ev = apply(engine, taker);
    expect(lastOrder(ev, own.orderId)).toMatchObject({ status: 'CANCELLED', reason: 'SELF_TRADE_PREVENTED' });
    expect(trades(ev).map((t) => t.sellUserId)).toEqual(['bob']);
    expect(lastOrder(ev, taker.orderId)).toMatchObject({ status: 'FILLED' });
    expect(engine.balance('alice')?.positions.ACME).toEqual({ available: 1_005, locked: 0 });
  });

  test('when the mode is EXPIRE_BOTH, then both the own resting order and the taker are cancelled', () => {
    const { engine, s } = openMarket({ alice: rich });
    const own = s.limit('alice', 'SELL', 100, 5);
    apply(engine, own);
    const taker = s.limit('alice', 'BUY', 100, 5, { stp: 'EXPIRE_BOTH' });
    const ev = apply(engine, taker);
    expect(trades(ev)).toHaveLength(0);
    expect(lastOrder(ev, own.orderId)).toMatchObject({ status: 'CANCELLED', reason: 'SELF_TRADE_PREVENTED' });
    expect(lastOrder(ev, taker.orderId)).toMatchObject({ status: 'CANCELLED', reason: 'SELF_TRADE_PREVENTED' });
    expect(engine.book('ACME')).toMatchObject({ bids: [], asks: [] });
    expect(engine.balance('alice')).toMatchObject({ cash: { available: 1_000_000, locked: 0 }, positions: { ACME: { available: 1_000, locked: 0 } } });
  });

  test('when a FOK could only fill by trading with itself, then it does nothing', () => {
    const { engine, s } = openMarket({ alice: rich, bob: rich });
    apply(engine, s.limit('alice', 'SELL', 100, 5));
    apply(engine, s.limit('bob', 'SELL', 100, 5));
    const fok = s.limit('alice', 'BUY', 100, 10, { tif: 'FOK', stp: 'EXPIRE_MAKER' });
    const ev = apply(engine, fok);
    expect(trades(ev)).toHaveLength(0);
    expect(lastOrder(ev, fok.orderId)).toMatchObject({ status: 'CANCELLED', reason: 'FOK_UNFILLABLE' });
    expect(engine.book('ACME')?.asks).toEqual([{ price: 100, quantity: 10, orders: 2 }]);
  });

  test('when a market buy skips its own cheaper order (EXPIRE_MAKER), then its budget still covers the dearer fills', () => {
    const { engine, s } = openMarket({ alice: { cash: 2_000, shares: 10 }, bob: rich });
    apply(engine, s.limit('alice', 'SELL', 100, 10));
    apply(engine, s.limit('bob', 'SELL', 200, 10));
    const m = s.market('alice', 'BUY', 10, { tif: 'FOK', stp: 'EXPIRE_MAKER' });
    const ev = apply(engine, m);
    expect(lastOrder(ev, m.orderId)).toMatchObject({ status: 'FILLED', filledQuantity: 10 });
    expect(engine.balance('alice')?.cash).toEqual({ available: 0, locked: 0 });
  });
});

import { apply, openMarket, orders } from './helpers';
import type { EngineEvent } from '../types';

const rich = { cash: 100_000_000, shares: 1_000_000 };

describe('events and market data', () => {
  test('when commands produce events, then every event carries the next seq with no gaps', () => {
    const { engine, s } = openMarket({ alice: rich, bob: rich });
    const all: EngineEvent[] = [];
    const start = engine.seq;
    for (const c of [
      s.limit('alice', 'BUY', 100, 10),
      s.limit('bob', 'SELL', 100, 4),
      s.cancel('bob', 'nope'),
      s.market('bob', 'SELL', 20),
      s.session('CLOSED'),
    ]) {
      all.push(...apply(engine, c));
    }
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => start + i + 1));
  });

  test('when a taker fills against a maker, then both get an order event per fill and the trade names the taker side', () => {
    const { engine, s } = openMarket({ alice: rich, bob: rich });
    const maker = s.limit('alice', 'BUY', 100, 10);
    apply(engine, maker);
    const taker = s.limit('bob', 'SELL', 99, 10);
    const ev = apply(engine, taker);
    expect(ev.map((e) => e.type)).toEqual(['order', 'trade', 'order', 'order', 'depth']);
    expect(orders(ev).map((e) => [e.orderId, e.status, e.filledQuantity])).toEqual([
      [taker.orderId, 'PENDING', 0],
      [maker.orderId, 'FILLED', 10],
      [taker.orderId, 'FILLED', 10],
    ]);
    expect(ev[1]).toMatchObject({ type: 'trade', takerSide: 'SELL', buyOrderId: maker.orderId, sellOrderId: taker.orderId });
  });

  test('when trades happen, then last price, last quantity, total volume and best bid/ask follow exactly', () => {
    const { engine, s } = openMarket({ alice: rich, bob: rich });
    apply(engine, s.limit('alice', 'BUY', 98, 5));
    apply(engine, s.limit('alice', 'BUY', 99, 5));
    apply(engine, s.limit('bob', 'SELL', 101, 7));
    expect(engine.market('ACME')).toMatchObject({ bidPrice: 99, bidQuantity: 5, askPrice: 101, askQuantity: 7, lastTradePrice: null, totalVolume: 0 });
    apply(engine, s.limit('bob', 'SELL', 98, 8));
    expect(engine.market('ACME')).toMatchObject({ bidPrice: 98, bidQuantity: 2, askPrice: 101, lastTradePrice: 98, lastTradeQuantity: 3, totalVolume: 8 });
  });

  test('when a taker sweeps levels, then one depth event per touched level gives its new total', () => {
    const { engine, s } = openMarket({ alice: rich, bob: rich, carol: rich });
    apply(engine, s.limit('alice', 'SELL', 100, 5));
    apply(engine, s.limit('bob', 'SELL', 100, 5));
    apply(engine, s.limit('alice', 'SELL', 101, 5));
    const ev = apply(engine, s.limit('carol', 'BUY', 101, 12));
    expect(ev.filter((e) => e.type === 'depth').map((e) => e.type === 'depth' && [e.side, e.price, e.quantity])).toEqual([
      ['SELL', 100, 0],
      ['SELL', 101, 3],
    ]);
  });

  test('when the book is read, then levels come best first with their order counts', () => {
    const { engine, s } = openMarket({ alice: rich, bob: rich });
    apply(engine, s.limit('alice', 'BUY', 97, 1));
    apply(engine, s.limit('alice', 'BUY', 99, 2));
    apply(engine, s.limit('bob', 'BUY', 99, 3));
    apply(engine, s.limit('bob', 'SELL', 103, 4));
    apply(engine, s.limit('bob', 'SELL', 102, 5));
    expect(engine.book('ACME')).toEqual({
      symbol: 'ACME',
      // five level changes so far
      u: 5,
      bids: [
        { price: 99, quantity: 5, orders: 2 },
        { price: 97, quantity: 1, orders: 1 },
      ],
      asks: [
        { price: 102, quantity: 5, orders: 1 },
        { price: 103, quantity: 4, orders: 1 },
      ],
    });
    expect(engine.book('ACME', 1)?.bids).toHaveLength(1);
  });

  test('when several symbols change in turn, then each one\'s depth events carry its own update ids without a gap', () => {
    const { engine, s } = openMarket({ alice: rich, bob: rich });
    apply(engine, s.addSymbol('BETA'));
    apply(engine, s.credit('bob', 'BETA', 1_000));
    const all = [];
    for (let i = 0; i < 20; i++) {
      all.push(...apply(engine, s.limit('alice', 'BUY', 90 + (i % 5), 1, { symbol: i % 3 === 0 ? 'BETA' : 'ACME' })));
      all.push(...apply(engine, s.limit('bob', 'SELL', 92, 1, { symbol: i % 2 === 0 ? 'BETA' : 'ACME' })));
    }
    for (const symbol of ['ACME', 'BETA']) {
      const depth = all.filter((e) => e.type === 'depth' && e.symbol === symbol) as { pu: number; u: number }[];
      expect(depth.length).toBeGreaterThan(5);
      depth.forEach((d, i) => {
        expect(d.u).toBe(d.pu + 1);
        if (i > 0) expect(d.pu).toBe(depth[i - 1].u);
      });
      // the book and the tick say which update they reflect
      expect(engine.book(symbol)!.u).toBe(depth[depth.length - 1].u);
      expect(engine.market(symbol)!.u).toBe(depth[depth.length - 1].u);
    }
  });

  test('when events carry time, then it is the command timestamp (the core has no clock)', () => {
    const { engine } = openMarket({ alice: rich });
    const ev = apply(engine, { action: 'place', orderId: 'x', userId: 'alice', symbol: 'ACME', side: 'BUY', type: 'LIMIT', timeInForce: 'GFD', price: 1, quantity: 1, ts: 42 });
    expect(ev.every((e) => e.timestamp === 42)).toBe(true);
  });
});

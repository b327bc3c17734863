import fc from 'fast-check';
import { MatchingEngine } from '../../engine/core/engine';
import type { BalanceView, BookView, DepthEvent, EngineEvent, MarketStats } from '../../engine/core/types';
import { intents, toCommands } from '../../engine/core/__tests__/arbitraries';
import { centsText, centsToWire } from '../../contracts/money';
import { balanceJson, balanceToWire, bookJson, bookToWire, depthBatchJson, eventToWire, mergeDepthJson, tickJson, tickToWire, wireJson } from '../../contracts/wire';

/** any UTF-16 code units, lone surrogates and control characters included */
const anyText = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 8 });

describe('the hand-written wire JSON', () => {
  test('when any engine event is serialised, then wireJson is byte for byte JSON.stringify(eventToWire(e))', () => {
    fc.assert(
      fc.property(intents(6), fc.string(), anyText, (list, weird, units) => {
        const engine = new MatchingEngine();
        const events: EngineEvent[] = [];
        for (const c of toCommands(list, 6)) engine.apply(c, events);
        // ids and reasons with quotes, backslashes, control characters and lone surrogates must be escaped the same way
        engine.apply({ action: 'place', orderId: `x"${weird}\\`, clientOrderId: `c\n${weird}${units}`, userId: 'u0', symbol: 'AAA', side: 'BUY', type: 'LIMIT', timeInForce: 'IOC', price: 1, quantity: 1, ts: 5 }, events);
        for (const e of events) expect(wireJson(e)).toBe(JSON.stringify(eventToWire(e)));
        expect(events.some((e) => e.type === 'trade')).toBe(events.some((e) => wireJson(e).startsWith('{"type":"trade"')));
      }),
      { numRuns: 40 },
    );
  });

  test("when one command's depth events of a symbol are written as one message, then it is valid JSON holding each change in order, between the first's pu and the last's u", () => {
    fc.assert(
      fc.property(intents(6), (list) => {
        const engine = new MatchingEngine();
        for (const c of toCommands(list, 6)) {
          const out: EngineEvent[] = [];
          engine.apply(c, out);
          const bySymbol = new Map<string, DepthEvent[]>();
          for (const e of out) if (e.type === 'depth') bySymbol.set(e.symbol, [...(bySymbol.get(e.symbol) ?? []), e]);
          for (const [symbol, events] of bySymbol) {
            const m = JSON.parse(depthBatchJson(events));
            expect(m).toEqual({
              type: 'depth',
              seq: events[events.length - 1].seq,
              symbol,
              pu: events[0].pu,
              u: events[events.length - 1].u,
              changes: events.map((e) => ({ side: e.side, price: centsToWire(e.price), quantity: e.quantity })),
              timestamp: events[events.length - 1].timestamp,
            });
            // within a command a symbol's ids run on without a gap
            events.forEach((e, i) => expect(e.pu).toBe(i === 0 ? events[0].pu : events[i - 1].u));
            // ws-server merges consecutive messages of a symbol it has not sent yet: the same text as one batch
            for (let cut = 1; cut < events.length; cut++) {
              expect(mergeDepthJson(depthBatchJson(events.slice(0, cut)), depthBatchJson(events.slice(cut)))).toBe(depthBatchJson(events));
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  test('when a refused place carries ids, symbols, enums and numbers that are not valid, then the REJECTED event echoes none of them', () => {
    const events: EngineEvent[] = [];
    const engine = new MatchingEngine();
    engine.apply({ action: 'place', orderId: 'o1', clientOrderId: 'a\ud800b', userId: 'u0', symbol: 'NO"PE', side: 'B"UY', type: 'LIMIT', timeInForce: 'GFD', price: 150.25, quantity: undefined, ts: 5 } as never, events);
    engine.apply({ action: 'place', orderId: 'o 2', userId: 'u0', symbol: 'ACME', side: 'BUY', type: 'LIMIT', timeInForce: 'GFD', price: 1, quantity: 1, ts: 6 } as never, events);
    expect(events.map((e) => JSON.parse(wireJson(e)))).toEqual([
      expect.objectContaining({ type: 'order', orderId: 'o1', clientOrderId: null, symbol: '', side: 'INVALID', orderType: 'LIMIT', timeInForce: 'GFD', price: null, quantity: 0, status: 'REJECTED' }),
      expect.objectContaining({ type: 'error', orderId: null, action: 'place' }),
    ]);
  });

  test('when an event holds any strings and numbers at all, then wireJson still writes valid JSON that reads back the same strings', () => {
    const anyValue = fc.oneof(anyText, fc.string({ unit: 'binary', maxLength: 6 }), fc.double(), fc.integer(), fc.constant(undefined), fc.constant(null), fc.boolean());
    fc.assert(
      fc.property(fc.constantFrom('order', 'trade', 'depth'), fc.array(anyValue, { minLength: 20, maxLength: 20 }), (type, v) => {
        const keys = ['seq', 'orderId', 'clientOrderId', 'userId', 'symbol', 'side', 'orderType', 'timeInForce', 'price', 'quantity', 'filledQuantity', 'status', 'code', 'reason', 'timestamp', 'tradeId', 'buyOrderId', 'sellOrderId', 'buyUserId', 'takerSide'];
        const e = Object.fromEntries(keys.map((k, i) => [k, v[i]]));
        const parsed = JSON.parse(wireJson({ ...e, type } as unknown as EngineEvent)) as Record<string, unknown>;
        const textFields = ['orderId', 'clientOrderId', 'userId', 'symbol', 'side', 'orderType', 'timeInForce', 'status', 'reason', 'buyOrderId', 'sellOrderId', 'buyUserId', 'takerSide'];
        for (const [k, value] of Object.entries(parsed)) if (textFields.includes(k) && typeof e[k] === 'string') expect(value).toBe(e[k]);
      }),
      { numRuns: 2000 },
    );
  });

  test('centsText is String(centsToWire(cents)) for every integer amount, large and negative ones included', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.maxSafeInteger(), fc.integer({ min: -1e15, max: 1e15 }), fc.constantFrom(0, 1, -1, 10, 99, 100, 101, 1e15, -1e15, 1e15 - 1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER)), (cents) => {
        expect(centsText(cents)).toBe(String(centsToWire(cents)));
      }),
      { numRuns: 5000 },
    );
    for (let cents = -20_000; cents <= 20_000; cents++) if (centsText(cents) !== String(cents / 100)) throw new Error(`centsText(${cents}) = ${centsText(cents)}`);
  });

  test('books, ticks and balances of a running engine are byte for byte the general path', () => {
    fc.assert(
      fc.property(intents(6), fc.integer({ min: 1, max: 30 }), (list, depth) => {
        const engine = new MatchingEngine();
        const events: EngineEvent[] = [];
        for (const c of toCommands(list, 6)) engine.apply(c, events);
        for (const symbol of engine.symbols()) {
          const book = engine.book(symbol, depth)!;
          const market = engine.market(symbol)!;
          expect(bookJson(book, engine.seq, 42)).toBe(JSON.stringify(bookToWire(book, engine.seq, 42)));
          expect(tickJson(market, engine.seq, 42)).toBe(JSON.stringify(tickToWire(market, engine.seq, 42)));
        }
        for (const b of engine.takeDirtyBalances()) expect(balanceJson(b, engine.seq)).toBe(JSON.stringify(balanceToWire(b, engine.seq)));
      }),
      { numRuns: 60 },
    );
  });

  test('odd names, empty books, missing prices and big amounts are written as JSON.stringify writes them', () => {
    const level = fc.record({ price: fc.integer({ min: 1, max: 1e13 }), quantity: fc.nat(), orders: fc.nat() });
    fc.assert(
      fc.property(anyText, fc.array(level, { maxLength: 5 }), fc.array(level, { maxLength: 5 }), fc.option(fc.integer({ min: 1, max: 1e13 })), fc.dictionary(anyText, fc.record({ available: fc.integer(), locked: fc.nat() })), fc.integer({ min: -1e14, max: 1e15 }), (name, bids, asks, last, positions, cash) => {
        const book: BookView = { symbol: name, u: 41, bids, asks };
        const market: MarketStats = { symbol: name, tickSize: 1, lotSize: 1, bidPrice: bids[0]?.price ?? null, bidQuantity: 3, askPrice: asks[0]?.price ?? null, askQuantity: 0, lastTradePrice: last, lastTradeQuantity: 7, totalVolume: 9, u: 41 };
        const balance: BalanceView = { userId: name, cash: { available: cash, locked: 17 }, positions: { ...positions, '42': { available: 1, locked: 2 } } };
        expect(bookJson(book, 1, 2)).toBe(JSON.stringify(bookToWire(book, 1, 2)));
        expect(tickJson(market, 1, 2)).toBe(JSON.stringify(tickToWire(market, 1, 2)));
        expect(balanceJson(balance, 3)).toBe(JSON.stringify(balanceToWire(balance, 3)));
      }),
      { numRuns: 300 },
    );
  });
});

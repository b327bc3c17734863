import { ErrorCode } from '../../../contracts/errors';
import { MatchingEngine } from '../engine';
import { affordableShares, feeCents, tradeFees, type FeeSchedule, type TradingRules } from '../rules';
import { restore, snapshot } from '../snapshot';
import type { Command, CreditEvent, EngineEvent, ErrorEvent, NewsEvent } from '../types';
import { apply, orders, Script, trades } from './helpers';

const NO_RULES: TradingRules = { maxOrderQuantity: null, maxOrderNotional: null, positionLimits: {}, fees: null, shortSelling: false };

/** ACME (tick 1) with an event loaded, then open; alice and bob registered (granted) */
function eventMarket(rules: Partial<TradingRules>, starting: { cash: number; shares: Record<string, number> } = { cash: 1_000_000, shares: { ACME: 100 } }) {
  const engine = new MatchingEngine();
  const s = new Script();
  const run = (c: Command) => apply(engine, c);
  run(s.addSymbol('ACME'));
  const loaded = run({ action: 'event', name: 'Test day', rules: { ...NO_RULES, ...rules }, starting, ts: s.tick() });
  const failed = loaded.find((e) => e.type === 'error');
  if (failed) throw new Error(JSON.stringify(failed));
  run({ action: 'grant', userId: 'alice', ts: s.tick() });
  run({ action: 'grant', userId: 'bob', ts: s.tick() });
  run(s.session('OPEN'));
  return { engine, s, run };
}

const credits = (events: EngineEvent[]) => events.filter((e): e is CreditEvent => e.type === 'credit');

describe('fees', () => {
  test('when a rate is applied, then fees round down to whole cents and a rebate is negative', () => {
    expect(feeCents('BPS', 100, 1_000_000, 10)).toBe(100); // 1 bp of $10,000.00 is $1.00
    expect(feeCents('BPS', 250, 12_345, 1)).toBe(3); // 2.5 bp of $123.45 is 3.086 cents
    expect(feeCents('BPS', 2_500, 12_345, 1)).toBe(30);
    expect(feeCents('PER_SHARE', 30, 0, 1_000)).toBe(300); // $0.003 a share on 1,000 shares is $3.00
    expect(feeCents('PER_SHARE', -20, 0, 1_000)).toBe(-200);
    expect(feeCents('BPS', 100_000, Number.MAX_SAFE_INTEGER, 1)).toBe(Math.floor(Number.MAX_SAFE_INTEGER / 10));
  });

  test('when a maker rebate would exceed what the taker paid (a capped seller fee), then the rebate is capped', () => {
    const fees: FeeSchedule = { unit: 'PER_SHARE', maker: -10_000, taker: 10_000 };
    // a one-cent share: the taker (seller) pays at most the one cent it receives, so the buyer's rebate is one cent too
    expect(tradeFees(fees, 1, 1, false)).toEqual({ buyFee: -1, sellFee: 1 });
  });

  test('when a budget buys shares with their fee, then it buys the most whose price and fee fit', () => {
    for (const budget of [0, 99, 100, 101, 1_000, 10_007, 123_456]) {
      const q = affordableShares('BPS', 50_000, budget, 100, 1_000_000);
      expect(q * 100 + feeCents('BPS', 50_000, q * 100, q)).toBeLessThanOrEqual(budget);
      expect((q + 1) * 100 + feeCents('BPS', 50_000, (q + 1) * 100, q + 1)).toBeGreaterThan(budget);
    }
  });

  test('when a taker buys from a maker, then each pays its rate, the fee account takes both, and cash is conserved', () => {
    const { engine, s, run } = eventMarket({ fees: { unit: 'BPS', maker: 1_000, taker: 3_000 } }); // 10 and 30 bp
    run(s.limit('alice', 'SELL', 10_000, 10)); // $1,000.00 of ACME
    const ev = run(s.limit('bob', 'BUY', 10_000, 10));
    const [t] = trades(ev);
    expect(t).toMatchObject({ buyFee: 300, sellFee: 100 }); // 30 bp and 10 bp of $1,000.00
    expect(orders(ev).map((o) => o.fee)).toEqual([0, 100, 300]);
    expect(engine.feeCash).toBe(400);
    expect(engine.balance('bob')!.cash).toEqual({ available: 1_000_000 - 100_000 - 300, locked: 0 });
    expect(engine.balance('alice')!.cash).toEqual({ available: 1_000_000 + 100_000 - 100, locked: 0 });
    const cash = [...engine.accounts.values()].reduce((sum, a) => sum + a.cashAvailable + a.cashLocked, 0);
    expect(cash + engine.feeCash).toBe(engine.totalCash);
  });

  test('when the maker earns a rebate, then it is paid out of the taker fee', () => {
    const { engine, s, run } = eventMarket({ fees: { unit: 'PER_SHARE', maker: -20, taker: 30 } });
    run(s.limit('alice', 'BUY', 5_000, 100));
    const [t] = trades(run(s.limit('bob', 'SELL', 5_000, 100)));
    expect(t).toMatchObject({ buyFee: -20, sellFee: 30 });
    expect(engine.feeCash).toBe(10);
    expect(engine.balance('alice')!.cash.available).toBe(1_000_000 - 500_000 + 20);
  });

  test('when a buy cannot pay the fee on top of the price, then it is refused for its balance', () => {
    const { s, run } = eventMarket({ fees: { unit: 'BPS', maker: 0, taker: 10_000 } }, { cash: 100_000, shares: {} }); // 1%
    const [o] = orders(run(s.limit('alice', 'BUY', 1_000, 100))); // $1,000.00 plus $10.00 of fee
    expect(o).toMatchObject({ status: 'REJECTED', code: ErrorCode.INSUFFICIENT_BALANCE, reason: 'Not enough cash: $1,010.00 needed with the fee, $1,000.00 available' });
  });

  test('when a market buy spends its whole cash, then the fees are paid within it', () => {
    const { engine, s, run } = eventMarket({ fees: { unit: 'BPS', maker: 0, taker: 10_000 } }, { cash: 100_000, shares: { ACME: 100 } });
    run(s.limit('bob', 'SELL', 1_000, 100));
    const ev = run(s.market('alice', 'BUY', 100));
    const filled = trades(ev).reduce((q, t) => q + t.quantity, 0);
    expect(filled).toBe(99); // 99 x $10.00 + 1% = $999.90; a 100th share would not fit
    expect(engine.balance('alice')!.cash).toEqual({ available: 100_000 - 99_000 - 990, locked: 0 });
  });
});

describe('limits', () => {
  test('when an order is over the maximum size or value, then it is refused with ORDER_LIMIT_EXCEEDED naming the limit', () => {
    const { s, run } = eventMarket({ maxOrderQuantity: 50, maxOrderNotional: 100_000 });
    const [big] = orders(run(s.limit('alice', 'BUY', 100, 51)));
    expect(big).toMatchObject({ status: 'REJECTED', code: ErrorCode.ORDER_LIMIT_EXCEEDED });
    expect(big.reason).toContain('maximum order size of 50 shares');
    const [costly] = orders(run(s.limit('alice', 'BUY', 2_001, 50)));
    expect(costly).toMatchObject({ status: 'REJECTED', code: ErrorCode.ORDER_LIMIT_EXCEEDED });
    expect(costly.reason).toBe("Order value $1,000.50 is over the event's maximum order value of $1,000.00");
    expect(orders(run(s.limit('alice', 'BUY', 2_000, 50)))[0].status).toBe('PENDING');
  });

  test('when a buy could take the position past the net limit counting working buys, then it is refused with POSITION_LIMIT_EXCEEDED', () => {
    const { s, run } = eventMarket({ positionLimits: { ACME: { net: 150, gross: null } } }); // alice holds 100
    expect(orders(run(s.limit('alice', 'BUY', 100, 30)))[0].status).toBe('PENDING'); // 130 reachable
    const [over] = orders(run(s.limit('alice', 'BUY', 100, 21))); // 151
    expect(over).toMatchObject({ status: 'REJECTED', code: ErrorCode.POSITION_LIMIT_EXCEEDED });
    expect(over.reason).toContain('net position limit of 150');
    expect(orders(run(s.limit('alice', 'BUY', 100, 20)))[0].status).toBe('PENDING'); // exactly 150
    // selling never raises a long position: allowed under the net limit
    expect(orders(run(s.limit('alice', 'SELL', 200, 100)))[0].status).toBe('PENDING');
  });

  test('when working orders on both sides would pass the gross limit, then the next order is refused', () => {
    const { s, run } = eventMarket({ positionLimits: { ACME: { net: null, gross: 180 } } });
    expect(orders(run(s.limit('alice', 'SELL', 200, 50)))[0].status).toBe('PENDING'); // 100 held + 50 selling
    const [over] = orders(run(s.limit('alice', 'BUY', 100, 31))); // 100 + 50 + 31 = 181
    expect(over).toMatchObject({ status: 'REJECTED', code: ErrorCode.POSITION_LIMIT_EXCEEDED });
    expect(over.reason).toContain('gross position limit of 180');
  });

  test('when a cancelled buy frees its quantity, then the room comes back', () => {
    const { s, run } = eventMarket({ positionLimits: { ACME: { net: 120, gross: null } } });
    const placed = s.limit('alice', 'BUY', 100, 20);
    run(placed);
    expect(orders(run(s.limit('alice', 'BUY', 100, 1)))[0].code).toBe(ErrorCode.POSITION_LIMIT_EXCEEDED);
    run(s.cancel('alice', placed.orderId));
    expect(orders(run(s.limit('alice', 'BUY', 100, 20)))[0].status).toBe('PENDING');
  });
});

describe('short selling', () => {
  const shorting = { shortSelling: true, positionLimits: { ACME: { net: 50, gross: null } } };

  test('when short selling is allowed, then a sell beyond the shares held goes short down to the net limit and a buy covers it', () => {
    const { engine, s, run } = eventMarket(shorting, { cash: 1_000_000, shares: {} });
    run(s.limit('bob', 'BUY', 100, 30));
    // alice holds none: selling 30 takes her to -30, and she receives the proceeds
    const sold = orders(run(s.limit('alice', 'SELL', 100, 30))).at(-1);
    expect(sold).toMatchObject({ status: 'FILLED', filledQuantity: 30 });
    expect(engine.balance('alice')).toEqual({ userId: 'alice', cash: { available: 1_000_000 + 3_000, locked: 0 }, positions: { ACME: { available: -30, locked: 0 } } });
    expect(engine.balance('bob')!.positions.ACME).toEqual({ available: 30, locked: 0 });
    // 30 short and 20 more offered is the limit; one more share is past it, and the reason says so
    expect(orders(run(s.limit('alice', 'SELL', 120, 20)))[0].status).toBe('PENDING');
    const [over] = orders(run(s.limit('alice', 'SELL', 120, 1)));
    expect(over).toMatchObject({ status: 'REJECTED', code: ErrorCode.POSITION_LIMIT_EXCEEDED });
    expect(over.reason).toContain('-51 shares, past the net position limit of 50 short');
    // a buy back covers the short: bob sells her back his 30
    run(s.limit('bob', 'SELL', 90, 30));
    expect(trades(run(s.limit('alice', 'BUY', 90, 30)))).toHaveLength(1);
    expect(engine.balance('alice')).toEqual({ userId: 'alice', cash: { available: 1_000_000 + 3_000 - 2_700, locked: 0 }, positions: { ACME: { available: -20, locked: 20 } } });
  });

  test('when a symbol has no net limit or short selling is off, then a sell still needs the shares', () => {
    for (const rules of [{ shortSelling: true }, { shortSelling: false, positionLimits: { ACME: { net: 50, gross: null } } }]) {
      const { s, run } = eventMarket(rules);
      const [refused] = orders(run(s.limit('alice', 'SELL', 100, 101)));
      expect(refused).toMatchObject({ status: 'REJECTED', code: ErrorCode.INSUFFICIENT_BALANCE });
      // and a participant with nothing at all cannot sell either
      expect(orders(run(s.limit('carol', 'SELL', 100, 1)))[0].code).toBe(ErrorCode.INSUFFICIENT_BALANCE);
    }
  });

  test('when a participant with no account sells short, a cancel gives the shares back, and a restart keeps the short', () => {
    const { engine, s, run } = eventMarket(shorting, { cash: 1_000_000, shares: {} });
    const placed = s.limit('carol', 'SELL', 100, 40);
    expect(orders(run(placed))[0].status).toBe('PENDING');
    expect(engine.balance('carol')!.positions.ACME).toEqual({ available: -40, locked: 40 });
    run(s.cancel('carol', placed.orderId));
    expect(engine.balance('carol')!.positions).toEqual({});
    run(s.limit('bob', 'BUY', 100, 10));
    run(s.market('carol', 'SELL', 10));
    const again = restore(JSON.parse(JSON.stringify(snapshot(engine))));
    expect(again.balance('carol')!.positions.ACME).toEqual({ available: -10, locked: 0 });
    expect(again.rules!.shortSelling).toBe(true);
    // an amend that sells more goes short within the limit, past it is refused
    const resting = s.limit('carol', 'SELL', 130, 10);
    apply(again, resting);
    expect(apply(again, { action: 'amend', userId: 'carol', orderId: resting.orderId, quantity: 40, ts: s.tick() }).filter((e) => e.type === 'error')).toEqual([]);
    const refused = apply(again, { action: 'amend', userId: 'carol', orderId: resting.orderId, quantity: 41, ts: s.tick() }).find((e): e is ErrorEvent => e.type === 'error');
    expect(refused?.code).toBe(ErrorCode.POSITION_LIMIT_EXCEEDED);
  });

  test('when a short position meets a gross limit, then its size counts, not its sign', () => {
    const { engine, s, run } = eventMarket({ shortSelling: true, positionLimits: { ACME: { net: 500, gross: 250 } } });
    run(s.limit('bob', 'BUY', 100, 140));
    run(s.limit('alice', 'SELL', 100, 140)); // 100 held and 140 selling is within 250; now -40
    expect(engine.balance('alice')!.positions.ACME).toEqual({ available: -40, locked: 0 });
    // 40 short + 210 working = 250 is the limit; 211 is over
    expect(orders(run(s.limit('alice', 'BUY', 90, 211)))[0].code).toBe(ErrorCode.POSITION_LIMIT_EXCEEDED);
    expect(orders(run(s.limit('alice', 'BUY', 90, 210)))[0].status).toBe('PENDING');
  });
});

describe('the starting package and news', () => {
  test('when a participant is granted twice, restarts, and the event resets, then the package is credited once per event', () => {
    const { engine, s, run } = eventMarket({});
    expect(credits(run({ action: 'grant', userId: 'alice', ts: s.tick() }))).toEqual([]);
    // the same after a restart from a snapshot
    const again = restore(JSON.parse(JSON.stringify(snapshot(engine))));
    expect(credits(apply(again, { action: 'grant', userId: 'alice', ts: s.tick() }))).toEqual([]);
    expect(credits(apply(again, { action: 'grant', userId: 'carol', ts: s.tick() })).map((c) => [c.userId, c.asset, c.amount])).toEqual([
      ['carol', 'CASH', 1_000_000],
      ['carol', 'ACME', 100],
    ]);
    run(s.session('CLOSED'));
    const reset = run({ action: 'reset', ts: s.tick() });
    expect(credits(reset).map((c) => `${c.userId}:${c.asset}:${c.amount}`).sort()).toEqual(['alice:ACME:100', 'alice:CASH:1000000', 'bob:ACME:100', 'bob:CASH:1000000']);
    expect(engine.balance('alice')!.cash.available).toBe(1_000_000);
  });

  test('when an event is loaded after participants registered, then they receive its package; while open, loading is refused', () => {
    const engine = new MatchingEngine();
    const s = new Script();
    apply(engine, s.addSymbol('ACME'));
    expect(credits(apply(engine, { action: 'grant', userId: 'early', ts: s.tick() }))).toEqual([]);
    const loaded = apply(engine, { action: 'event', name: 'Late load', rules: NO_RULES, starting: { cash: 500, shares: {} }, ts: s.tick() });
    expect(loaded.map((e) => e.type)).toEqual(['eventLoaded', 'credit']);
    apply(engine, s.session('OPEN'));
    const refused = apply(engine, { action: 'event', name: 'Mid-session', rules: NO_RULES, starting: { cash: 1, shares: {} }, ts: s.tick() });
    expect((refused[0] as ErrorEvent).code).toBe(ErrorCode.INVALID_SESSION_TRANSITION);
  });

  test('when an event names an unknown symbol or a rebate larger than the taker fee, then it is refused naming the field', () => {
    const engine = new MatchingEngine();
    const s = new Script();
    apply(engine, s.addSymbol('ACME'));
    const bad = (rules: Partial<TradingRules>, starting = { cash: 0, shares: {} as Record<string, number> }) =>
      (apply(engine, { action: 'event', name: 'x', rules: { ...NO_RULES, ...rules }, starting, ts: s.tick() })[0] as ErrorEvent).message;
    expect(bad({ positionLimits: { NOPE: { net: 1, gross: 1 } } })).toContain('unknown symbol NOPE');
    expect(bad({ fees: { unit: 'BPS', maker: -200, taker: 100 } })).toContain('rebate cannot exceed the taker fee');
    expect(bad({}, { cash: 0, shares: { ZZZ: 1 } })).toContain('starting.shares names an unknown symbol ZZZ');
  });

  test('when the same news id is published twice, then the second is refused as a duplicate; a reset allows it again', () => {
    const { s, run } = eventMarket({});
    const news = (): Command => ({ action: 'news', newsId: 'n1', headline: 'ACME beats estimates', body: 'Up 10%', symbol: 'ACME', movePercent: 5, ts: s.tick() });
    const first = run(news())[0] as NewsEvent;
    expect(first).toMatchObject({ type: 'news', newsId: 'n1', symbol: 'ACME', movePercent: 5 });
    expect((run(news())[0] as ErrorEvent).code).toBe(ErrorCode.DUPLICATE_NEWS);
    run(s.session('CLOSED'));
    run({ action: 'reset', ts: s.tick() });
    expect(run(news())[0].type).toBe('news');
  });
});

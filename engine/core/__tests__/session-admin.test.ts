import { ErrorCode } from '../../../contracts/errors';
import { MatchingEngine } from '../engine';
import { apply, errors, lastOrder, openMarket, Script } from './helpers';

describe('session and admin commands', () => {
  test('when the session is closed, then orders are rejected with MARKET_CLOSED', () => {
    const engine = new MatchingEngine();
    const s = new Script();
    apply(engine, s.addSymbol('ACME'));
    apply(engine, s.credit('alice', 'CASH', 10_000));
    const o = s.limit('alice', 'BUY', 100, 1);
    expect(lastOrder(apply(engine, o), o.orderId)).toMatchObject({ status: 'REJECTED', code: ErrorCode.MARKET_CLOSED });
  });

  test('when the session is halted, then orders are rejected with MARKET_HALTED but cancels still work', () => {
    const { engine, s } = openMarket({ alice: { cash: 10_000 } });
    const resting = s.limit('alice', 'BUY', 100, 1);
    apply(engine, resting);
    expect(apply(engine, s.session('HALTED'))).toEqual([expect.objectContaining({ type: 'session', state: 'HALTED', previous: 'OPEN' })]);
    const o = s.limit('alice', 'BUY', 100, 1);
    expect(lastOrder(apply(engine, o), o.orderId)).toMatchObject({ status: 'REJECTED', code: ErrorCode.MARKET_HALTED });
    expect(lastOrder(apply(engine, s.cancel('alice', resting.orderId)), resting.orderId)).toMatchObject({ status: 'CANCELLED' });
  });

  test('when a halted session resumes, then orders are accepted again', () => {
    const { engine, s } = openMarket({ alice: { cash: 10_000 } });
    apply(engine, s.session('HALTED'));
    apply(engine, s.session('OPEN'));
    const o = s.limit('alice', 'BUY', 100, 1);
    expect(lastOrder(apply(engine, o), o.orderId)).toMatchObject({ status: 'PENDING' });
  });

  test('when a session transition is not allowed, then it is refused with INVALID_SESSION_TRANSITION', () => {
    const engine = new MatchingEngine();
    const s = new Script();
    expect(errors(apply(engine, s.session('HALTED')))[0].code).toBe(ErrorCode.INVALID_SESSION_TRANSITION);
    expect(errors(apply(engine, s.session('CLOSED')))[0].code).toBe(ErrorCode.INVALID_SESSION_TRANSITION);
    apply(engine, s.session('OPEN'));
    expect(errors(apply(engine, s.session('OPEN')))[0].code).toBe(ErrorCode.INVALID_SESSION_TRANSITION);
    expect(engine.session).toBe('OPEN');
  });

  test('when a symbol is added, then it gets its tick and lot size and a symbolAdded event', () => {
    const engine = new MatchingEngine();
    const s = new Script();
    expect(apply(engine, s.addSymbol('XYZ.A', 5, 10))).toEqual([
      expect.objectContaining({ type: 'symbolAdded', symbol: 'XYZ.A', tickSize: 5, lotSize: 10 }),
    ]);
    expect(engine.market('XYZ.A')).toMatchObject({ tickSize: 5, lotSize: 10, bidPrice: null, lastTradePrice: null, totalVolume: 0 });
  });

  test('when a symbol is added twice or is malformed, then it is refused', () => {
    const engine = new MatchingEngine();
    const s = new Script();
    apply(engine, s.addSymbol('ACME'));
    expect(errors(apply(engine, s.addSymbol('ACME')))[0].code).toBe(ErrorCode.SYMBOL_EXISTS);
    expect(errors(apply(engine, s.addSymbol('acme')))[0].code).toBe(ErrorCode.INVALID_SYMBOL);
    expect(errors(apply(engine, s.addSymbol('TOOLONGSYMBOL')))[0].code).toBe(ErrorCode.INVALID_SYMBOL);
    expect(errors(apply(engine, s.addSymbol('OK', 0)))[0].code).toBe(ErrorCode.INVALID_PRICE);
    expect(errors(apply(engine, s.addSymbol('OK', 1, 0)))[0].code).toBe(ErrorCode.INVALID_QUANTITY);
    expect(engine.symbols()).toEqual(['ACME']);
  });

  test('when a symbol is added after participants hold others, then their balances cover it too', () => {
    const { engine, s } = openMarket({ alice: { cash: 10_000, shares: 5 } });
    apply(engine, s.addSymbol('NEW'));
    apply(engine, s.credit('alice', 'NEW', 3));
    const o = s.limit('alice', 'SELL', 100, 3, { symbol: 'NEW' });
    expect(lastOrder(apply(engine, o), o.orderId)).toMatchObject({ status: 'PENDING' });
    expect(engine.balance('alice')?.positions).toEqual({ ACME: { available: 5, locked: 0 }, NEW: { available: 0, locked: 3 } });
  });

  test('when a reset comes while trading, then it is refused; once closed, every balance goes to zero and the market stats restart', () => {
    const { engine, s } = openMarket({ alice: { cash: 10_000, shares: 10 }, bob: { cash: 10_000 } });
    apply(engine, s.limit('alice', 'SELL', 100, 5));
    apply(engine, s.limit('bob', 'BUY', 100, 5));
    expect(errors(apply(engine, { action: 'reset', ts: s.tick() }))[0].code).toBe(ErrorCode.INVALID_SESSION_TRANSITION);
    apply(engine, s.session('CLOSED'));
    engine.takeDirtyBalances();
    const ev = apply(engine, { action: 'reset', ts: s.tick() });
    expect(ev).toEqual([expect.objectContaining({ type: 'reset' })]);
    expect(engine.balance('alice')).toEqual({ userId: 'alice', cash: { available: 0, locked: 0 }, positions: {} });
    expect(engine.takeDirtyBalances().map((b) => b.userId).sort()).toEqual(['alice', 'bob']);
    expect(engine.market('ACME')).toMatchObject({ lastTradePrice: null, totalVolume: 0 });
    expect(engine.symbols()).toEqual(['ACME']);
    // a new event: credit and trade again
    apply(engine, s.credit('bob', 'CASH', 500));
    apply(engine, s.session('OPEN'));
    const o = s.limit('bob', 'BUY', 100, 5);
    expect(lastOrder(apply(engine, o), o.orderId)).toMatchObject({ status: 'PENDING' });
  });

  test('when the command action is unknown, then an INVALID_COMMAND error is emitted', () => {
    const engine = new MatchingEngine();
    const out = apply(engine, { action: 'explode', ts: 1 } as never);
    expect(out).toEqual([expect.objectContaining({ type: 'error', code: ErrorCode.INVALID_COMMAND, seq: 1 })]);
  });
});

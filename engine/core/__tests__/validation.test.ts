import { ErrorCode } from '../../../contracts/errors';
import type { PlaceCommand } from '../types';
import { apply, errors, lastOrder, openMarket } from './helpers';

const funded = { alice: { cash: 1_000_000_000, shares: 1_000_000 }, bob: { cash: 1_000_000, shares: 1_000 } };

describe('order validation', () => {
  const { engine, s } = openMarket(funded);
  apply(engine, s.addSymbol('LOT', 5, 10));
  apply(engine, s.credit('alice', 'LOT', 1_000));

  const cases: [string, Partial<PlaceCommand>, number][] = [
    ['an unknown symbol', { symbol: 'NOPE' }, ErrorCode.INVALID_SYMBOL],
    ['a zero quantity', { quantity: 0 }, ErrorCode.INVALID_QUANTITY],
    ['a negative quantity', { quantity: -5 }, ErrorCode.INVALID_QUANTITY],
    ['a fractional quantity', { quantity: 1.5 }, ErrorCode.INVALID_QUANTITY],
    ['a quantity given as a string', { quantity: '5' as never }, ErrorCode.INVALID_QUANTITY],
    ['a quantity above the maximum', { quantity: 2_000_000_000 }, ErrorCode.INVALID_QUANTITY],
    ['a quantity off the lot size', { symbol: 'LOT', quantity: 15, price: 100 }, ErrorCode.INVALID_QUANTITY],
    ['a zero price', { price: 0 }, ErrorCode.INVALID_PRICE],
    ['a negative price', { price: -100 }, ErrorCode.INVALID_PRICE],
    ['a fractional price', { price: 100.5 }, ErrorCode.INVALID_PRICE],
    ['a missing limit price', { price: undefined }, ErrorCode.INVALID_PRICE],
    ['an off-tick price', { symbol: 'LOT', quantity: 10, price: 101 }, ErrorCode.INVALID_PRICE],
    ['a price on a market order', { type: 'MARKET', price: 100 }, ErrorCode.INVALID_PRICE],
    ['an unknown side', { side: 'HOLD' as never }, ErrorCode.INVALID_SIDE],
    ['an unknown type', { type: 'STOP' as never }, ErrorCode.INVALID_ORDER_TYPE],
    ['an unknown time in force', { timeInForce: 'GTC' as never }, ErrorCode.INVALID_TIME_IN_FORCE],
    ['an unknown self-trade mode', { stp: 'NONE' as never }, ErrorCode.INVALID_COMMAND],
    ['a notional beyond exact integers', { price: 999_999_999, quantity: 999_999_999 }, ErrorCode.INVALID_QUANTITY],
  ];

  test.each(cases)('when an order has %s, then it is rejected with the right code and nothing changes', (_name, patch, code) => {
    const before = engine.balance('alice');
    const cmd = { ...s.limit('alice', 'BUY', 100, 10), ...patch };
    const ev = apply(engine, cmd);
    expect(ev).toHaveLength(1);
    expect(lastOrder(ev, cmd.orderId)).toMatchObject({ status: 'REJECTED', code, filledQuantity: 0 });
    expect(typeof ev[0].type === 'string' && (ev[0] as { reason: string }).reason.length).toBeGreaterThan(0);
    expect(engine.balance('alice')).toEqual(before);
    expect(engine.order(cmd.orderId)).toBeNull();
  });

  test('when an order id is already live, then the place is refused with DUPLICATE_ORDER and the live order is untouched', () => {
    const o = s.limit('bob', 'BUY', 50, 1);
    apply(engine, o);
    const ev = apply(engine, { ...s.limit('alice', 'BUY', 60, 1), orderId: o.orderId });
    expect(errors(ev)).toEqual([expect.objectContaining({ code: ErrorCode.DUPLICATE_ORDER, orderId: o.orderId })]);
    expect(engine.order(o.orderId)).toMatchObject({ userId: 'bob', price: 50, status: 'PENDING' });
  });

  test('when a clientOrderId is used again for a different order, then nothing is created and the error names the first order', () => {
    const first = s.limit('bob', 'BUY', 50, 1, { clientOrderId: 'mine-1' });
    apply(engine, first);
    const dup = s.limit('bob', 'BUY', 51, 1, { clientOrderId: 'mine-1' });
    const ev = apply(engine, dup);
    expect(lastOrder(ev, dup.orderId)).toBeUndefined();
    expect(errors(ev)).toEqual([expect.objectContaining({ code: ErrorCode.DUPLICATE_ORDER, duplicateOf: { orderId: first.orderId, sameRequest: false } })]);
    expect(engine.order(dup.orderId)).toBeNull();
    // another participant's ids are their own
    const other = s.limit('alice', 'BUY', 51, 1, { clientOrderId: 'mine-1' });
    expect(lastOrder(apply(engine, other), other.orderId)).toMatchObject({ status: 'PENDING', clientOrderId: 'mine-1' });
  });

  test('when a place is retried with the same clientOrderId and request, then nothing is created and the error says it is the same', () => {
    const first = s.limit('bob', 'BUY', 50, 1, { clientOrderId: 'retry-1' });
    apply(engine, first);
    const retry = { ...first, orderId: 'another-id' };
    const ev = apply(engine, retry);
    expect(ev.filter((e) => e.type === 'order')).toEqual([]);
    expect(errors(ev)).toEqual([expect.objectContaining({ code: ErrorCode.DUPLICATE_ORDER, duplicateOf: { orderId: first.orderId, sameRequest: true } })]);
  });

  test('when the order with a clientOrderId is gone (cancelled, filled or rejected), then the clientOrderId still names it until a reset', () => {
    const first = s.limit('bob', 'BUY', 40, 1, { clientOrderId: 'again' });
    apply(engine, first);
    apply(engine, s.cancel('bob', first.orderId));
    const second = s.limit('bob', 'BUY', 40, 1, { clientOrderId: 'again' });
    expect(errors(apply(engine, second))).toEqual([expect.objectContaining({ code: ErrorCode.DUPLICATE_ORDER, duplicateOf: { orderId: first.orderId, sameRequest: true } })]);
    // a rejected one counts too: the retry gets the refusal, not a second try
    const poor = s.limit('bob', 'BUY', 10_000_000, 1, { clientOrderId: 'too-dear' });
    expect(lastOrder(apply(engine, poor), poor.orderId)).toMatchObject({ status: 'REJECTED', code: ErrorCode.INSUFFICIENT_BALANCE });
    expect(errors(apply(engine, { ...poor, orderId: 'again-dear' }))).toEqual([expect.objectContaining({ duplicateOf: { orderId: poor.orderId, sameRequest: true } })]);
  });

  test('when a cancel names a clientOrderId, then that participant order is cancelled', () => {
    const o = s.limit('bob', 'BUY', 30, 1, { clientOrderId: 'by-client' });
    apply(engine, o);
    const ev = apply(engine, { action: 'cancel', userId: 'bob', clientOrderId: 'by-client', ts: s.tick() });
    expect(lastOrder(ev, o.orderId)).toMatchObject({ status: 'CANCELLED', reason: 'USER_CANCELLED' });
  });

  test('when a participant cancels another participant order, then it is refused as ORDER_NOT_FOUND and the order stays', () => {
    const o = s.limit('bob', 'BUY', 20, 1);
    apply(engine, o);
    expect(errors(apply(engine, s.cancel('alice', o.orderId)))).toEqual([expect.objectContaining({ code: ErrorCode.ORDER_NOT_FOUND })]);
    expect(engine.order(o.orderId)).toMatchObject({ status: 'PENDING' });
  });

  test('when a cancel names an unknown or finished order, then it is refused as ORDER_NOT_FOUND', () => {
    expect(errors(apply(engine, s.cancel('alice', 'no-such-order')))[0].code).toBe(ErrorCode.ORDER_NOT_FOUND);
    const o = s.limit('bob', 'BUY', 10, 1);
    apply(engine, o);
    apply(engine, s.cancel('bob', o.orderId));
    expect(errors(apply(engine, s.cancel('bob', o.orderId)))[0].code).toBe(ErrorCode.ORDER_NOT_FOUND);
  });

  test('when a place has no usable order id or user id, then an INVALID_COMMAND error is emitted instead of an order', () => {
    const ev = apply(engine, { ...s.limit('alice', 'BUY', 100, 1), orderId: '' });
    expect(ev).toEqual([expect.objectContaining({ type: 'error', code: ErrorCode.INVALID_COMMAND })]);
  });
});

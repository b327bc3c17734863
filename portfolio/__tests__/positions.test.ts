import fc from 'fast-check';
import { applyFills, portfolioView, positionsFrom, type Fill } from '../positions';

describe('positions with average cost', () => {
  test('when shares are bought at two prices and some sold, then the sale realises against the average cost', () => {
    const p = positionsFrom([
      { seq: 1, symbol: 'A', kind: 'BUY', quantity: 10, price: 100 },
      { seq: 2, symbol: 'A', kind: 'BUY', quantity: 10, price: 200 },
      { seq: 3, symbol: 'A', kind: 'SELL', quantity: 5, price: 300 },
    ]).get('A')!;
    // average 150: selling 5 at 300 realises 750; 15 left at 150
    expect(p).toEqual({ symbol: 'A', quantity: 15, cost: 2_250, realized: 750, fees: 0 });
  });

  test('when fills arrive out of order, then they are applied in seq order', () => {
    const inOrder = positionsFrom([
      { seq: 1, symbol: 'A', kind: 'CREDIT', quantity: 4, price: 50 },
      { seq: 5, symbol: 'A', kind: 'SELL', quantity: 4, price: 70 },
    ]);
    const shuffled = positionsFrom([
      { seq: 5, symbol: 'A', kind: 'SELL', quantity: 4, price: 70 },
      { seq: 1, symbol: 'A', kind: 'CREDIT', quantity: 4, price: 50 },
    ]);
    expect(shuffled).toEqual(inOrder);
    expect(inOrder.get('A')).toEqual({ symbol: 'A', quantity: 0, cost: 0, realized: 80, fees: 0 });
  });

  test('when marked, then value, unrealized P&L and equity follow the marks and cash', () => {
    const positions = positionsFrom([{ seq: 1, symbol: 'A', kind: 'BUY', quantity: 3, price: 100 }, { seq: 2, symbol: 'B', kind: 'BUY', quantity: 1, price: 10 }]);
    const view = portfolioView('u', { available: 1_000, locked: 50 }, positions, { A: 120, B: null });
    expect(view.positions).toEqual([
      { symbol: 'A', quantity: 3, averageCost: 100, marketPrice: 120, marketValue: 360, unrealizedPnl: 60, realizedPnl: 0, feesPaid: 0 },
      { symbol: 'B', quantity: 1, averageCost: 10, marketPrice: null, marketValue: 0, unrealizedPnl: 0, realizedPnl: 0, feesPaid: 0 },
    ]);
    expect(view).toMatchObject({ equity: 1_410, unrealizedPnl: 60, realizedPnl: 0, feesPaid: 0 });
  });

  test('when fills pay fees or earn rebates, then realized P&L is after them and feesPaid adds them up', () => {
    const positions = positionsFrom([
      { seq: 1, symbol: 'A', kind: 'BUY', quantity: 10, price: 100, fee: 3 },
      { seq: 2, symbol: 'A', kind: 'SELL', quantity: 4, price: 110, fee: -1 },
    ]);
    const view = portfolioView('u', { available: 0, locked: 0 }, positions, { A: 110 });
    // 40 realised on the sale, less 3 paid and plus 1 earned
    expect(view.positions[0]).toMatchObject({ realizedPnl: 38, feesPaid: 2, unrealizedPnl: 60 });
    expect(view).toMatchObject({ realizedPnl: 38, feesPaid: 2 });
  });

  test('when fills are folded in two parts, earlier ones first, then the positions equal those folded at once', () => {
    const fill = fc.record({ symbol: fc.constantFrom('A', 'B'), kind: fc.constantFrom('BUY', 'SELL', 'CREDIT'), quantity: fc.integer({ min: 1, max: 50 }), price: fc.integer({ min: 1, max: 10_000 }) });
    fc.assert(
      fc.property(fc.array(fill, { maxLength: 40 }), fc.nat(), (raw, cut) => {
        const fills: Fill[] = raw.map((f, i) => ({ ...f, seq: i + 1 }) as Fill);
        const at = fills.length === 0 ? 0 : cut % (fills.length + 1);
        // the later part arrives shuffled, as rows do
        const later = fills.slice(at).reverse();
        expect(applyFills(positionsFrom(fills.slice(0, at)), later)).toEqual(positionsFrom(fills));
      }),
    );
  });
});

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

  test('when a sale goes past zero and is bought back, then the short keeps its sale price as average and the buy back realises against it', () => {
    const fills: Fill[] = [
      { seq: 1, symbol: 'A', kind: 'BUY', quantity: 10, price: 100 },
      // sells the 10 held (realising 200) and 20 more short at 120
      { seq: 2, symbol: 'A', kind: 'SELL', quantity: 30, price: 120 },
    ];
    expect(positionsFrom(fills).get('A')).toEqual({ symbol: 'A', quantity: -20, cost: -2_400, realized: 200, fees: 0 });
    // a short marked at 110 gained 10 a share; averageCost is the average sale price
    const view = portfolioView('u', { available: 0, locked: 0 }, positionsFrom(fills), { A: 110 });
    expect(view.positions[0]).toMatchObject({ quantity: -20, averageCost: 120, marketValue: -2_200, unrealizedPnl: 200 });
    // buying 25 back at 90 closes the 20 (realising 600) and opens 5 long at 90
    const after = positionsFrom([...fills, { seq: 3, symbol: 'A', kind: 'BUY', quantity: 25, price: 90 }]).get('A');
    expect(after).toEqual({ symbol: 'A', quantity: 5, cost: 450, realized: 800, fees: 0 });
  });

  test('when any fills happen, then realized plus unrealized P&L is what the cash flows and the marked position say', () => {
    const fill = fc.record({ kind: fc.constantFrom<Fill['kind']>('BUY', 'SELL', 'CREDIT'), quantity: fc.integer({ min: 1, max: 500 }), price: fc.integer({ min: 1, max: 100_000 }) });
    fc.assert(
      fc.property(fc.array(fill, { maxLength: 40 }), fc.integer({ min: 1, max: 100_000 }), (list, mark) => {
        const fills = list.map((f, i) => ({ ...f, seq: i + 1, symbol: 'A' }));
        const p = positionsFrom(fills).get('A') ?? { quantity: 0, cost: 0, realized: 0, fees: 0 };
        const flows = fills.reduce((sum, f) => sum + (f.kind === 'SELL' ? f.quantity * f.price : -f.quantity * f.price), 0);
        const net = fills.reduce((q, f) => q + (f.kind === 'SELL' ? -f.quantity : f.quantity), 0);
        expect(p.quantity).toBe(net);
        expect(p.realized + (p.quantity * mark - p.cost)).toBe(flows + net * mark);
        // a flat position carries no cost; an open one costs what its shares did, on its side of zero
        if (p.quantity === 0) expect(p.cost).toBe(0);
        else expect(Math.sign(p.cost)).toBe(Math.sign(p.quantity));
      }),
    );
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

import { markAccount } from '../marks';

describe('the account marked live', () => {
  const portfolio = { positions: [{ symbol: 'ACME', quantity: 10, averageCost: 100, marketPrice: 99.75, realizedPnl: 5 }] };

  test('when the last trade moves, then market value, unrealized P&L and equity follow it', () => {
    const cash = { available: 99_000, locked: 0 };
    const shares = { ACME: { available: 10, locked: 0 } };
    const before = markAccount(cash, shares, portfolio, {});
    expect(before).toMatchObject({ equity: 99_997.5, pnl: 2.5 });
    const after = markAccount(cash, shares, portfolio, { ACME: 100.21 });
    expect(after.positions[0]).toMatchObject({ marketPrice: 100.21, marketValue: 1002.1, unrealizedPnl: 2.1 });
    expect(after).toMatchObject({ equity: 100_002.1, pnl: 7.1 });
  });

  test('when the position is short, then its value is negative and it gains as the price falls', () => {
    // 20 sold short at an average of 120.00: the sales brought 2,400.00 into cash
    const short = { positions: [{ symbol: 'ACME', quantity: -20, averageCost: 120, marketPrice: 120, marketValue: -2400, unrealizedPnl: 0, realizedPnl: 0 }] };
    const marked = markAccount({ available: 12_400, locked: 0 }, { ACME: { available: -20, locked: 0 } }, short, { ACME: 110 });
    expect(marked.positions[0]).toMatchObject({ quantity: -20, marketValue: -2200, unrealizedPnl: 200 });
    expect(marked).toMatchObject({ equity: 10_200, pnl: 200 });
  });

  test('when the engine reports shares the portfolio has not folded in yet, then equity counts them and P&L waits', () => {
    const marked = markAccount({ available: 98_000, locked: 0 }, { ACME: { available: 20, locked: 0 } }, portfolio, { ACME: 101 });
    expect(marked.positions[0]).toMatchObject({ quantity: 20, unrealizedPnl: null });
    expect(marked).toMatchObject({ equity: 100_020, pnl: null });
  });

  test('when the average cost is rounded, then unrealized P&L still comes from the exact cost', () => {
    // 10 at 100.00 and 2 at 98.00: 1,196.00 for 12 shares, an average of 99.6667 as the api rounds it
    const p = { positions: [{ symbol: 'ACME', quantity: 12, averageCost: 99.6667, marketPrice: 98, marketValue: 1176, unrealizedPnl: -20, realizedPnl: 0 }] };
    const marked = markAccount({ available: 8804, locked: 0 }, { ACME: { available: 12, locked: 0 } }, p, { ACME: 101 });
    expect(marked.positions[0].unrealizedPnl).toBe(16);
    expect(marked).toMatchObject({ equity: 10_016, pnl: 16 });
  });

  test('when cash is not known yet, then equity is not shown', () => {
    expect(markAccount({ available: null, locked: null }, {}, null, {})).toEqual({ positions: [], equity: null, pnl: 0 });
  });
});

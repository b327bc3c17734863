import { equityCents, equityStats } from '../equity-stats';

describe('equity statistics', () => {
  test('when equity rises then falls, then return, drawdown from the peak and Sharpe follow', () => {
    const s = equityStats([100_00, 110_00, 99_00, 121_00]);
    expect(s.returnPct).toBeCloseTo(21, 10);
    expect(s.maxDrawdownPct).toBeCloseTo(10, 10);
    const r = [0.1, -0.1, 121 / 99 - 1];
    const mean = r.reduce((a, b) => a + b) / 3;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / 2);
    expect(s.sharpe).toBeCloseTo(mean / sd, 10);
  });

  test('when there is one sample or a flat curve, then return and drawdown are zero and Sharpe is undefined', () => {
    expect(equityStats([5_00])).toEqual({ returnPct: 0, maxDrawdownPct: 0, sharpe: null });
    expect(equityStats([5_00, 5_00, 5_00])).toEqual({ returnPct: 0, maxDrawdownPct: 0, sharpe: null });
    expect(equityStats([])).toEqual({ returnPct: 0, maxDrawdownPct: 0, sharpe: null });
  });

  test('when positions are marked, then equity is cash plus quantity times mark, unmarked symbols counting zero', () => {
    expect(equityCents(1_000, { A: 3, B: 2 }, { A: 150 })).toBe(1_450);
  });
});

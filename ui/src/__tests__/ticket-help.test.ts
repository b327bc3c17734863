import { marketEstimate, maxQuantity, share } from '../ticket-help';

describe('the ticket helpers', () => {
  const asks = [{ price: 100.05, quantity: 10 }, { price: 100.1, quantity: 5 }];

  test('when a market order is larger than the first level, then the estimate walks the book', () => {
    expect(marketEstimate(asks, 12)).toEqual({ cost: 1000.5 + 200.2, filled: 12 });
    expect(marketEstimate(asks, 20)).toEqual({ cost: 1000.5 + 500.5, filled: 15 });
    expect(marketEstimate([], 5)).toEqual({ cost: 0, filled: 0 });
  });

  test('when the most one can buy is asked, then cash, lots and the fee set aside bound it', () => {
    expect(maxQuantity('BUY', { cash: 1000, sharesAvailable: 0, price: 10, asks: [], lotSize: 1, feeRate: 0 })).toBe(100);
    expect(maxQuantity('BUY', { cash: 1000, sharesAvailable: 0, price: 10, asks: [], lotSize: 1, feeRate: 0.01 })).toBe(99);
    expect(maxQuantity('BUY', { cash: 1000, sharesAvailable: 0, price: 10, asks: [], lotSize: 25, feeRate: 0 })).toBe(100);
    expect(maxQuantity('BUY', { cash: 1000, sharesAvailable: 0, price: 10.01, asks: [], lotSize: 25, feeRate: 0 })).toBe(75);
    expect(maxQuantity('BUY', { cash: 1500, sharesAvailable: 0, price: null, asks, lotSize: 1, feeRate: 0 })).toBe(14);
    expect(maxQuantity('SELL', { cash: 0, sharesAvailable: 37, price: 10, asks: [], lotSize: 10, feeRate: 0 })).toBe(30);
    // short selling: the holdings and down to minus the net limit; already short, only what is left of the limit
    expect(maxQuantity('SELL', { cash: 0, sharesAvailable: 37, price: 10, asks: [], lotSize: 1, feeRate: 0, shortRoom: 50 })).toBe(87);
    expect(maxQuantity('SELL', { cash: 0, sharesAvailable: -30, price: 10, asks: [], lotSize: 1, feeRate: 0, shortRoom: 50 })).toBe(20);
    expect(maxQuantity('SELL', { cash: 0, sharesAvailable: -60, price: 10, asks: [], lotSize: 1, feeRate: 0, shortRoom: 50 })).toBe(0);
  });

  test('when a quick share is taken, then it is whole lots', () => {
    expect(share(99, 0.25, 1)).toBe(24);
    expect(share(100, 0.5, 25)).toBe(50);
    expect(share(30, 1, 10)).toBe(30);
  });
});

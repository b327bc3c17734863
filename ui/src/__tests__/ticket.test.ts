import { checkTicket, priceCents, ticketCost, type TicketInput } from '../ticket';

const base: TicketInput = { symbol: 'ACME', side: 'BUY', type: 'LIMIT', timeInForce: 'GFD', price: '100.25', quantity: '10' };
const rules = { tickSize: 0.05, lotSize: 5 };

describe('order ticket validation', () => {
  it('accepts a valid limit order and builds the api body with exact prices', () => {
    expect(checkTicket(base, rules)).toEqual({ ok: true, body: { symbol: 'ACME', side: 'BUY', type: 'LIMIT', timeInForce: 'GFD', price: 100.25, quantity: 10 } });
  });

  it.each([
    ['', 'Enter a quantity'],
    ['0', 'Quantity must be at least 1'],
    ['-5', 'Whole shares only'],
    ['2.5', 'Whole shares only'],
    ['abc', 'Whole shares only'],
    ['7', 'Quantity must be a multiple of the lot size 5'],
    ['99999999999', 'Quantity is too large'],
  ])('quantity %p is refused with %p', (quantity, message) => {
    const r = checkTicket({ ...base, quantity }, rules);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.quantity).toBe(message);
  });

  it.each([
    ['', 'A limit order needs a price'],
    ['0', 'Price must be above zero'],
    ['-1', 'Price: a positive amount with at most two decimals'],
    ['100.001', 'Price: a positive amount with at most two decimals'],
    ['1e3', 'Price: a positive amount with at most two decimals'],
    ['100.03', 'Price must be a multiple of the tick size 0.05'],
  ])('limit price %p is refused with %p', (price, message) => {
    const r = checkTicket({ ...base, price }, rules);
    expect(!r.ok && r.errors.price).toBe(message);
  });

  it('refuses a price on a market order and sends none without one', () => {
    const withPrice = checkTicket({ ...base, type: 'MARKET' }, rules);
    expect(!withPrice.ok && withPrice.errors.price).toBe('A market order takes no price');
    const r = checkTicket({ ...base, type: 'MARKET', price: '' }, rules);
    expect(r.ok && r.body).toEqual({ symbol: 'ACME', side: 'BUY', type: 'MARKET', timeInForce: 'GFD', quantity: 10 });
  });

  it('refuses an order for no listed symbol', () => {
    const r = checkTicket(base, null);
    expect(!r.ok && r.errors.symbol).toBe('Choose a listed symbol');
  });

  it('parses prices into exact cents and costs orders without float drift', () => {
    expect(priceCents('0.1')).toBe(10);
    expect(priceCents('19.99')).toBe(1999);
    expect(priceCents('1.005')).toBeNull();
    expect(ticketCost({ symbol: 'A', side: 'BUY', type: 'LIMIT', timeInForce: 'GFD', price: 0.1, quantity: 3 })).toBe(0.3);
    expect(ticketCost({ symbol: 'A', side: 'BUY', type: 'MARKET', timeInForce: 'IOC', quantity: 3 })).toBeNull();
  });
});

describe('stop orders on the ticket', () => {
  const rules = { tickSize: 0.05, lotSize: 1 };
  const stop: TicketInput = { symbol: 'ACME', side: 'SELL', type: 'STOP_LIMIT', timeInForce: 'GFD', price: '99.50', stopPrice: '100.00', quantity: '5' };

  test('when a stop-limit or stop-market order is filled in, then the body carries its stop price (and a limit price only for stop-limit)', () => {
    expect(checkTicket(stop, rules)).toEqual({ ok: true, body: { symbol: 'ACME', side: 'SELL', type: 'STOP_LIMIT', timeInForce: 'GFD', price: 99.5, stopPrice: 100, quantity: 5 } });
    expect(checkTicket({ ...stop, type: 'STOP_MARKET', timeInForce: 'IOC', price: '' }, rules)).toEqual({ ok: true, body: { symbol: 'ACME', side: 'SELL', type: 'STOP_MARKET', timeInForce: 'IOC', stopPrice: 100, quantity: 5 } });
  });

  test('when the stop price is missing, off the tick or given to a plain order, then the stop field says so or it is left out', () => {
    expect(checkTicket({ ...stop, stopPrice: '' }, rules)).toEqual({ ok: false, errors: { stopPrice: 'A stop order needs a stop price' } });
    expect(checkTicket({ ...stop, stopPrice: '100.02' }, rules)).toEqual({ ok: false, errors: { stopPrice: 'Stop price must be a multiple of the tick size 0.05' } });
    expect(checkTicket({ ...stop, type: 'LIMIT' }, rules)).toEqual({ ok: true, body: { symbol: 'ACME', side: 'SELL', type: 'LIMIT', timeInForce: 'GFD', price: 99.5, quantity: 5 } });
  });
});

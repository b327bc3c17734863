import { http, loginAdmin, register, waitFor, type Participant } from '../harness/client';
import { Stack } from '../harness/stack';

/**
 * Short selling where the event allows it: a sell beyond the shares held goes short down to the
 * symbol's net limit, over REST, and the position is kept through the balance, the portfolio (a
 * negative quantity at its average sale price) and an engine SIGKILL; a buy back realises the gain.
 */
const EVENT = {
  name: 'Short day',
  symbols: [{ symbol: 'SHRT', tickSize: 0.01, referencePrice: 50, volatility: 0 }],
  starting: { cash: 10_000 },
  schedule: { openOnLoad: true },
  rules: { shortSelling: true, positionLimits: { SHRT: { net: 50 } } },
  bots: { enabled: false },
};

describe('short selling', () => {
  let stack: Stack;
  let seller: Participant;
  let buyer: Participant;
  const place = (p: Participant, body: Record<string, unknown>) => http(stack, 'POST', '/order/place', { token: p.token, body: { symbol: 'SHRT', type: 'LIMIT', ...body } });
  const position = async (p: Participant) => (await http(stack, 'GET', '/account/balance', { token: p.token })).body.data.positions.SHRT ?? null;

  beforeAll(async () => {
    stack = await Stack.start({}, ['engine', 'db-writer', 'api']);
    const admin = await loginAdmin(stack);
    const loaded = await http(stack, 'POST', '/admin/event', { token: admin, body: EVENT });
    expect(loaded.status).toBe(200);
    seller = await register(stack, 'short-seller');
    buyer = await register(stack, 'long-buyer');
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  test('when a participant with no shares sells, then they go short to the net limit and no further, and the position survives an engine kill', async () => {
    expect((await http(stack, 'GET', '/market/rules')).body.data.rules).toMatchObject({ shortSelling: true, positionLimits: { SHRT: { net: 50 } } });
    expect((await place(buyer, { side: 'BUY', price: 50, quantity: 20 })).body.data.status).toBe('PENDING');
    const sold = await place(seller, { side: 'SELL', price: 50, quantity: 30 });
    expect(sold.status).toBe(200);
    expect(sold.body.data).toMatchObject({ status: 'PARTIALLY_FILLED', filledQuantity: 20 });
    // short 20, and 10 more offered
    expect(await waitFor('the short position', async () => {
      const p = await position(seller);
      return p !== null && p.available === -30 ? p : null;
    })).toEqual({ available: -30, locked: 10 });
    const over = await place(seller, { side: 'SELL', price: 55, quantity: 21 });
    expect(over.status).toBe(422);
    expect(over.body.code).toBe(26);
    expect(over.body.error).toContain('past the net position limit of 50 short');

    await stack.stopService('engine', 'SIGKILL');
    await stack.startService('engine');
    expect(await position(seller)).toEqual({ available: -30, locked: 10 });
    expect((await place(seller, { side: 'SELL', price: 55, quantity: 21 })).body.code).toBe(26);
  }, 60_000);

  test('when the short is bought back lower, then the portfolio shows it at its sale price and realises the gain', async () => {
    const short = await waitFor('the short in the portfolio', async () => {
      const p = (await http(stack, 'GET', '/account/portfolio', { token: seller.token })).body.data;
      return p.positions.find((x: { quantity: number }) => x.quantity === -20) ?? null;
    });
    expect(short).toMatchObject({ symbol: 'SHRT', quantity: -20, averageCost: 50, realizedPnl: 0 });
    // the buyer sells the 20 back at 45.00
    expect((await place(buyer, { side: 'SELL', price: 45, quantity: 20 })).body.data.status).toBe('PENDING');
    expect((await place(seller, { side: 'BUY', price: 45, quantity: 20 })).body.data.status).toBe('FILLED');
    const covered = await waitFor('the covered position', async () => {
      const p = (await http(stack, 'GET', '/account/portfolio', { token: seller.token })).body.data;
      return p.positions[0]?.quantity === 0 ? p : null;
    });
    expect(covered.positions[0]).toMatchObject({ symbol: 'SHRT', quantity: 0, realizedPnl: 100 });
    // 10,000 + 20 x 50 - 20 x 45: the gain is in cash, nothing else held but the 10 still offered short
    expect((await http(stack, 'GET', '/account/balance', { token: seller.token })).body.data.cash).toEqual({ available: 10_100, locked: 0 });
    expect(await position(seller)).toEqual({ available: -10, locked: 10 });
  }, 30_000);
});

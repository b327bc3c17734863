import { admin, connectSocket, http, loginAdmin, record, register, waitFor, type Participant } from '../harness/client';
import { Stack } from '../harness/stack';

/** Portfolios: average cost, realized and unrealized P&L, equity; over REST and live over Socket.IO; and the leaderboard channel. */
describe('portfolio', () => {
  let stack: Stack;
  let token: string;
  let buyer: Participant;
  let seller: Participant;

  beforeAll(async () => {
    stack = await Stack.start({ LEADERBOARD_INTERVAL_MS: '200', REFERENCE_INTERVAL_MS: '100' }, ['engine', 'db-writer', 'api', 'ws-server', 'data-server']);
    token = await loginAdmin(stack);
    await admin(stack, token, 'symbols', { symbol: 'ACME' });
    buyer = await register(stack, 'buyer');
    seller = await register(stack, 'seller');
    await admin(stack, token, 'credit', { userId: buyer.id, asset: 'CASH', amount: 1_000 });
    await admin(stack, token, 'session', { state: 'OPEN' });
  }, 60_000);
  afterAll(async () => stack?.stop());

  test('when a participant buys at two prices and sells some, then the portfolio shows average cost, realized and unrealized P&L, live and over REST', async () => {
    // the seller's shares count as bought at the reference price of the moment (10.00 here, before any trade)
    await waitFor('a reference price', async () => (await http(stack, 'GET', '/market/reference/ACME')).status === 200);
    await admin(stack, token, 'credit', { userId: seller.id, asset: 'ACME', amount: 30 });
    const socket = await connectSocket(stack, buyer.token);
    try {
      const live = record(socket, ['portfolio']);
      const lb = await socket.emitWithAck('subscribe', { channel: 'leaderboard' });
      expect(lb).toMatchObject({ ok: true, channel: 'leaderboard' });
      const boards = record(socket, ['leaderboard']);
      // the seller rests the other side, the buyer takes it with `side`
      const trade = async (price: number, quantity: number, side: 'BUY' | 'SELL') => {
        await http(stack, 'POST', '/order/place', { token: seller.token, body: { symbol: 'ACME', side: side === 'BUY' ? 'SELL' : 'BUY', price, quantity } });
        const res = await http(stack, 'POST', '/order/place', { token: buyer.token, body: { symbol: 'ACME', side, price, quantity } });
        expect(res.body.data.status).toBe('FILLED');
      };
      await trade(10, 10, 'BUY');
      await trade(20, 10, 'BUY');
      await trade(30, 5, 'SELL'); // the buyer sells 5 back at 30: the last trade, so the mark

      const p = await waitFor('the portfolio to reflect all three fills', async () => {
        const body = (await http(stack, 'GET', '/portfolio', { token: buyer.token })).body.data;
        return body.positions[0]?.quantity === 15 && body.realizedPnl !== 0 ? body : null;
      });
      // average cost 15.00; selling 5 at 30 realised 75; 15 left marked at 30: 225 unrealized
      expect(p.positions).toEqual([{ symbol: 'ACME', quantity: 15, averageCost: 15, marketPrice: 30, marketValue: 450, unrealizedPnl: 225, realizedPnl: 75, feesPaid: 0 }]);
      expect(p.cash).toEqual({ available: 1_000 - 100 - 200 + 150, locked: 0 });
      expect(p).toMatchObject({ equity: 850 + 450, realizedPnl: 75, unrealizedPnl: 225 });
      await waitFor('a live portfolio update that matches', () => live.some((e) => e.data.userId === buyer.id && e.data.equity === 1_300));
      expect(live.every((e) => e.data.userId === buyer.id)).toBe(true);
      await waitFor('a leaderboard message', () => boards.some((e) => e.data.entries.some((x: { userId: string }) => x.userId === buyer.id)));
    } finally {
      socket.disconnect();
    }
  });

  test('when shares are credited, then their cost basis is the market price of the moment', async () => {
    const seller2 = (await http(stack, 'GET', '/portfolio', { token: seller.token })).body.data;
    // credited 30 at the reference price before any trade (about 100.00; it walks), sold 20 at 10
    // and 20, bought 5 back at 30: the cost basis of the credit is what makes the loss
    const acme = seller2.positions[0];
    expect(acme.quantity).toBe(30 - 20 + 5);
    expect(acme.averageCost).toBeGreaterThan(60);
    expect(acme.realizedPnl).toBeLessThan(-1_500);
  });

  test('when fills arrive over several live refreshes, then every live portfolio equals the one computed from the whole history', async () => {
    const socket = await connectSocket(stack, seller.token);
    const live = record(socket, ['portfolio']);
    const sameHoldings = (a: any, b: any) => JSON.stringify([a.positions.map((x: any) => [x.symbol, x.quantity, x.averageCost, x.realizedPnl]), a.realizedPnl, a.cash]) === JSON.stringify([b.positions.map((x: any) => [x.symbol, x.quantity, x.averageCost, x.realizedPnl]), b.realizedPnl, b.cash]);
    const cross = async (sellerSide: 'BUY' | 'SELL', price: number, quantity: number) => {
      await http(stack, 'POST', '/order/place', { token: seller.token, body: { symbol: 'ACME', side: sellerSide, price, quantity } });
      const res = await http(stack, 'POST', '/order/place', { token: buyer.token, body: { symbol: 'ACME', side: sellerSide === 'BUY' ? 'SELL' : 'BUY', price, quantity } });
      expect(res.body.data.status).toBe('FILLED');
    };
    try {
      // each step waits for its own live refresh, so the next one starts from what that one folded
      const steps: [string, () => Promise<unknown>, number][] = [
        ['sells 2 at 25', () => cross('SELL', 25, 2), 13],
        ['buys 3 at 26', () => cross('BUY', 26, 3), 16],
        ['is credited 4', () => admin(stack, token, 'credit', { userId: seller.id, asset: 'ACME', amount: 4 }), 20],
        ['sells 1 at 27', () => cross('SELL', 27, 1), 19],
      ];
      for (const [what, step, quantity] of steps) {
        const seen = live.length;
        await step();
        const full = await waitFor(`the database to hold the step where the seller ${what}`, async () => {
          const body = (await http(stack, 'GET', '/portfolio', { token: seller.token })).body.data;
          return body.positions[0]?.quantity === quantity ? body : null;
        });
        await waitFor(`a live portfolio after the seller ${what} equal to the full computation`, () => live.slice(seen).some((e) => sameHoldings(e.data, full)));
      }
    } finally {
      socket.disconnect();
    }
  });
});

import { admin, http, loginAdmin, register, waitFor, type Participant } from '../harness/client';
import { Stack } from '../harness/stack';

/** The order operations bots expect, over REST against the real stack: cancel all, amend, post only. */
describe('order operations over REST', () => {
  let stack: Stack;
  let alice: Participant;
  let bob: Participant;
  const place = (who: Participant, body: object) => http(stack, 'POST', '/order/place', { token: who.token, body });

  beforeAll(async () => {
    stack = await Stack.start();
    const token = await loginAdmin(stack);
    await admin(stack, token, 'symbols', { symbol: 'ACME', tickSize: 0.01 });
    await admin(stack, token, 'symbols', { symbol: 'BETA', tickSize: 0.01 });
    await admin(stack, token, 'session', { state: 'OPEN' });
    alice = await register(stack, 'alice');
    bob = await register(stack, 'bob');
    for (const [who, asset, amount] of [[alice, 'CASH', 10_000], [alice, 'ACME', 100], [alice, 'BETA', 100], [bob, 'CASH', 10_000]] as const) {
      await admin(stack, token, 'credit', { userId: who.id, asset, amount });
    }
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  test('when a participant cancels all in one symbol and then everywhere, then exactly their resting orders go, with the locks', async () => {
    for (const body of [
      { symbol: 'ACME', side: 'SELL', price: 110, quantity: 5 },
      { symbol: 'ACME', side: 'BUY', price: 90, quantity: 5 },
      { symbol: 'BETA', side: 'SELL', price: 50, quantity: 5 },
    ]) expect((await place(alice, body)).status).toBe(200);
    expect((await place(bob, { symbol: 'ACME', side: 'BUY', price: 91, quantity: 1 })).status).toBe(200);
    const one = await http(stack, 'POST', '/order/cancel-all', { token: alice.token, body: { symbol: 'BETA' } });
    expect(one.status).toBe(200);
    expect(one.body.data).toMatchObject({ cancelled: 1, orders: [{ symbol: 'BETA', status: 'CANCELLED', reason: 'USER_CANCELLED' }] });
    const all = await http(stack, 'POST', '/order/cancel-all', { token: alice.token, body: {} });
    expect(all.body.data.cancelled).toBe(2);
    const balance = (await http(stack, 'GET', '/account/balance', { token: alice.token })).body.data;
    expect(balance).toMatchObject({ cash: { available: 10_000, locked: 0 }, positions: { ACME: { available: 100, locked: 0 }, BETA: { available: 100, locked: 0 } } });
    expect((await http(stack, 'GET', '/market/orderbook/ACME')).body.data.bids).toEqual([{ price: 91, quantity: 1, orders: 1 }]);
    const unknown = await http(stack, 'POST', '/order/cancel-all', { token: alice.token, body: { symbol: 'NOPE' } });
    expect(unknown.status).toBe(400);
  });

  test('when an order is amended, then a smaller quantity keeps its place, a crossing price trades at once, and history shows the new terms', async () => {
    const first = (await place(alice, { symbol: 'ACME', side: 'SELL', price: 100, quantity: 10, clientOrderId: 'a-1' })).body.data.orderId as string;
    await place(alice, { symbol: 'ACME', side: 'SELL', price: 100.5, quantity: 10 });
    const reduced = await http(stack, 'POST', '/order/amend', { token: alice.token, body: { clientOrderId: 'a-1', quantity: 4 } });
    expect(reduced.status).toBe(200);
    expect(reduced.body.data.order).toMatchObject({ orderId: first, quantity: 4, price: 100, status: 'PENDING' });
    // bob's bid at 99 amended up to 100.50: it takes alice's 4 at 100 and 1 at 100.50
    const bid = (await place(bob, { symbol: 'ACME', side: 'BUY', price: 99, quantity: 5 })).body.data.orderId as string;
    const crossed = await http(stack, 'POST', '/order/amend', { token: bob.token, body: { orderId: bid, price: 100.5 } });
    expect(crossed.status).toBe(200);
    expect(crossed.body.data.trades.map((t: { price: number; quantity: number; side: string; liquidity: string }) => [t.price, t.quantity, t.side, t.liquidity])).toEqual([[100, 4, 'BUY', 'TAKER'], [100.5, 1, 'BUY', 'TAKER']]);
    expect(crossed.body.data.order).toMatchObject({ orderId: bid, status: 'FILLED', price: 100.5 });
    const history = await waitFor('the amended order in history', async () => {
      const items = (await http(stack, 'GET', '/history/orders', { token: bob.token })).body.data.items as { orderId: string; price: number; status: string }[];
      const o = items.find((i) => i.orderId === bid);
      return o?.status === 'FILLED' ? o : null;
    });
    expect(history.price).toBe(100.5);
    const refused = await http(stack, 'POST', '/order/amend', { token: bob.token, body: { orderId: first, quantity: 1 } });
    expect(refused.status).toBe(404);
    const empty = await http(stack, 'POST', '/order/amend', { token: bob.token, body: { orderId: first } });
    expect(empty.status).toBe(400);
  });

  test('when a post-only order would cross, then it is refused with code 29 and nothing trades; otherwise it rests', async () => {
    const book = (await http(stack, 'GET', '/market/orderbook/ACME')).body.data;
    const bestAsk = book.asks[0].price as number;
    const crossing = await place(bob, { symbol: 'ACME', side: 'BUY', type: 'LIMIT_MAKER', price: bestAsk, quantity: 1 });
    expect(crossing.status).toBe(422);
    expect(crossing.body).toMatchObject({ code: 29 });
    const rests = await place(bob, { symbol: 'ACME', side: 'BUY', type: 'LIMIT_MAKER', price: bestAsk - 1, quantity: 1 });
    expect(rests.status).toBe(200);
    expect(rests.body.data.order).toMatchObject({ orderType: 'LIMIT_MAKER', status: 'PENDING' });
    expect((await http(stack, 'GET', '/market/orderbook/ACME')).body.data.asks[0].price).toBe(bestAsk);
  });
});

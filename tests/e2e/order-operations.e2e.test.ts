import { admin, connectSocket, http, loginAdmin, record, register, waitFor, type Participant } from '../harness/client';
import { Stack } from '../harness/stack';

/** The order operations bots expect, over REST against the real stack: cancel all, amend, post only, stop orders. */
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

  test("when the original exchange's client runs its order flow with only a bearer token added, then every step answers 200 as it expects", async () => {
    // its bodies name the user (accepted when it is the token's) and its paths are the original's
    const placed = await place(alice, { userId: alice.id, symbol: 'BETA', side: 'SELL', type: 'LIMIT', timeInForce: 'GFD', price: 75, quantity: 2 });
    expect([placed.status, placed.body.success, typeof placed.body.data.orderId]).toEqual([200, true, 'string']);
    const orderId = placed.body.data.orderId as string;
    const steps = [
      await http(stack, 'GET', `/order/status/${orderId}`, { token: alice.token }),
      await http(stack, 'GET', `/order/user/${alice.id}`, { token: alice.token }),
      await http(stack, 'GET', '/market/quote/BETA', { token: alice.token }),
      await http(stack, 'GET', '/market/orderbook/BETA', { token: alice.token }),
      await http(stack, 'POST', '/order/cancel', { token: alice.token, body: { orderId, userId: alice.id } }),
      await http(stack, 'GET', '/health'),
    ];
    expect(steps.map((r) => [r.status, r.body.success])).toEqual(steps.map(() => [200, true]));
    expect(steps[0].body.data).toMatchObject({ orderId, status: 'PENDING', quantity: 2 });
    expect(steps[4].body.data.order).toMatchObject({ orderId, status: 'CANCELLED' });
  });

  test('when a stop order waits and a trade reaches its stop, then it goes in, its owner is told over Socket.IO, and REST and history show it', async () => {
    await http(stack, 'POST', '/order/cancel-all', { token: alice.token, body: {} });
    await http(stack, 'POST', '/order/cancel-all', { token: bob.token, body: {} });
    const socket = await connectSocket(stack, alice.token);
    const seen = record(socket, ['order']);
    try {
      // a trade on BETA at 50.00 sets its last price
      await place(alice, { symbol: 'BETA', side: 'SELL', price: 50, quantity: 1 });
      expect((await place(bob, { symbol: 'BETA', side: 'BUY', price: 50, quantity: 1 })).body.data.order.status).toBe('FILLED');
      // a stop at or past the last trade is refused
      const reached = await place(alice, { symbol: 'BETA', side: 'SELL', type: 'STOP_MARKET', timeInForce: 'IOC', stopPrice: 50, quantity: 5 });
      expect(reached.status).toBe(422);
      expect(reached.body).toMatchObject({ code: 30 });
      expect((await place(alice, { symbol: 'BETA', side: 'SELL', type: 'STOP_MARKET', timeInForce: 'IOC', quantity: 5 })).status).toBe(400);
      // alice's stop-limit sell: at 49.00 or below, sell 5 at no less than 48.50
      const placed = await place(alice, { symbol: 'BETA', side: 'SELL', type: 'STOP_LIMIT', timeInForce: 'GFD', stopPrice: 49, price: 48.5, quantity: 5, clientOrderId: 'stop-1' });
      expect(placed.status).toBe(200);
      const stopId = placed.body.data.order.orderId as string;
      expect(placed.body.data.order).toMatchObject({ orderType: 'STOP_LIMIT', status: 'PENDING', price: 48.5, stopPrice: 49, triggered: false });
      expect((await http(stack, 'GET', '/market/orderbook/BETA')).body.data.asks).toEqual([]);
      expect((await http(stack, 'GET', '/account/balance', { token: alice.token })).body.data.positions.BETA).toEqual({ available: 94, locked: 5 });
      // bob bids 48.50 for 10; a trade at 49.00 (alice sells him 1) triggers the stop, which sells into his bid
      await place(bob, { symbol: 'BETA', side: 'BUY', price: 48.5, quantity: 10 });
      await place(bob, { symbol: 'BETA', side: 'BUY', price: 49, quantity: 1 });
      await place(alice, { symbol: 'BETA', side: 'SELL', price: 49, quantity: 1 });
      const filled = await waitFor('the stop order filled, live', () => seen.find((e) => e.data.orderId === stopId && e.data.status === 'FILLED')?.data);
      expect(filled).toMatchObject({ triggered: true, filledQuantity: 5, stopPrice: 49 });
      const mine = seen.filter((e) => e.data.orderId === stopId).map((e) => [e.data.status, e.data.triggered]);
      expect(mine).toEqual([['PENDING', false], ['PENDING', true], ['FILLED', true]]);
      expect((await http(stack, 'GET', `/order/status/${stopId}`, { token: alice.token })).body.data).toMatchObject({ status: 'FILLED', stopPrice: 49, triggered: true });
      const history = await waitFor('the stop order in history', async () => {
        const items = (await http(stack, 'GET', '/history/orders', { token: alice.token })).body.data.items as { orderId: string; status: string }[];
        return items.find((o) => o.orderId === stopId && o.status === 'FILLED');
      });
      expect(history).toMatchObject({ orderType: 'STOP_LIMIT', price: 48.5, stopPrice: 49, filledQuantity: 5 });
    } finally {
      socket.close();
    }
  });
});

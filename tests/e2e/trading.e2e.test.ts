import { admin, connectSocket, http, loginAdmin, record, register, waitFor, type ClientSocket, type Participant } from '../harness/client';
import { Stack } from '../harness/stack';

/**
 * The whole exchange over real HTTP, Socket.IO, Redis and PostgreSQL: two participants trade,
 * each sees only their own order updates, a bystander sees neither, and everything lands in the database.
 */
describe('end to end: register, fund, trade, watch, persist', () => {
  let stack: Stack;
  let alice: Participant;
  let bob: Participant;
  let carol: Participant;
  let sockets: ClientSocket[] = [];

  beforeAll(async () => {
    stack = await Stack.start();
    const adminToken = await loginAdmin(stack);
    await admin(stack, adminToken, 'symbols', { symbol: 'ACME', tickSize: 0.01 });
    alice = await register(stack, 'alice');
    bob = await register(stack, 'bob');
    carol = await register(stack, 'carol');
    await admin(stack, adminToken, 'credit', { userId: alice.id, asset: 'CASH', amount: 10_000 });
    await admin(stack, adminToken, 'credit', { userId: bob.id, asset: 'ACME', amount: 100 });
    await admin(stack, adminToken, 'credit', { userId: carol.id, asset: 'CASH', amount: 500 });
    await admin(stack, adminToken, 'session', { state: 'OPEN' });
  }, 60_000);

  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await stack?.stop();
  });

  test('when one participant rests an order and another crosses it, then both see their own updates and their own side of the trade, a bystander sees neither, and PostgreSQL holds it all', async () => {
    const [sa, sb, sc] = await Promise.all([alice, bob, carol].map((p) => connectSocket(stack, p.token)));
    sockets = [sa, sb, sc];
    const seenA = record(sa, ['order', 'fill', 'trade', 'balance']);
    const seenB = record(sb, ['order', 'fill', 'trade', 'balance']);
    const seenC = record(sc, ['order', 'fill', 'trade']);
    const sub = await sc.emitWithAck('subscribe', { channel: 'market', symbol: 'ACME' });
    expect(sub).toMatchObject({ ok: true, symbol: 'ACME' });
    const marketSeen = record(sc, ['depth', 'tick', 'orderbook']);

    const rest = await http(stack, 'POST', '/order/place', { token: bob.token, body: { symbol: 'ACME', side: 'SELL', type: 'LIMIT', price: 101.5, quantity: 10, clientOrderId: 'bob-1' } });
    expect(rest.status).toBe(200);
    expect(rest.body.data).toMatchObject({ status: 'PENDING', clientOrderId: 'bob-1', filledQuantity: 0 });
    const bobOrderId: string = rest.body.data.orderId;

    const cross = await http(stack, 'POST', '/order/place', { token: alice.token, body: { symbol: 'ACME', side: 'BUY', type: 'LIMIT', price: 102, quantity: 4 } });
    expect(cross.status).toBe(200);
    expect(cross.body.data).toMatchObject({ status: 'FILLED', filledQuantity: 4 });
    const aliceOrderId: string = cross.body.data.orderId;
    // alice's side of the trade, naming neither bob nor his order
    expect(cross.body.data.trades).toEqual([{ type: 'fill', seq: expect.any(Number), tradeId: 1, userId: alice.id, orderId: aliceOrderId, symbol: 'ACME', side: 'BUY', price: 101.5, quantity: 4, liquidity: 'TAKER', fee: 0, timestamp: expect.any(Number) }]);

    await waitFor('alice and bob to get their fills', () => seenA.some((e) => e.name === 'fill') && seenB.some((e) => e.name === 'fill'));
    expect(seenA.filter((e) => e.name === 'fill').map((e) => e.data)).toEqual([expect.objectContaining({ orderId: aliceOrderId, side: 'BUY', liquidity: 'TAKER' })]);
    expect(seenB.filter((e) => e.name === 'fill').map((e) => e.data)).toEqual([expect.objectContaining({ userId: bob.id, orderId: bobOrderId, side: 'SELL', liquidity: 'MAKER' })]);
    for (const e of [...seenA, ...seenB]) expect(JSON.stringify(e.data)).not.toContain(e.data.userId === alice.id ? bob.id : alice.id);
    // neither subscribed to the tape: no public trade for them
    expect([...seenA, ...seenB].filter((e) => e.name === 'trade')).toEqual([]);
    await waitFor('bob to see his fill', () => seenB.some((e) => e.name === 'order' && e.data.status === 'PARTIALLY_FILLED'));
    await waitFor('alice to see her fill', () => seenA.some((e) => e.name === 'order' && e.data.status === 'FILLED'));
    expect(seenA.filter((e) => e.name === 'order').every((e) => e.data.userId === alice.id)).toBe(true);
    expect(seenB.filter((e) => e.name === 'order').every((e) => e.data.userId === bob.id)).toBe(true);
    expect(seenB.filter((e) => e.name === 'order').map((e) => e.data.orderId)).toContain(bobOrderId);
    await waitFor('the bystander to see market data', () => marketSeen.some((e) => e.name === 'tick' && e.data.lastTradePrice === 101.5));
    expect(seenC).toEqual([]);

    const quote = await http(stack, 'GET', '/market/quote/ACME');
    expect(quote.body.data).toMatchObject({ lastTradePrice: 101.5, lastTradeQuantity: 4, askPrice: 101.5, askQuantity: 6, totalVolume: 4 });
    const book = await http(stack, 'GET', '/market/orderbook/ACME');
    expect(book.body.data).toMatchObject({ bids: [], asks: [{ price: 101.5, quantity: 6, orders: 1 }] });

    const status = await http(stack, 'GET', `/order/status/${bobOrderId}`, { token: bob.token });
    expect(status.body.data).toMatchObject({ status: 'PARTIALLY_FILLED', filledQuantity: 4 });
    const balance = await http(stack, 'GET', '/account/balance', { token: alice.token });
    expect(balance.body.data).toMatchObject({ cash: { available: 10_000 - 406, locked: 0 }, positions: { ACME: { available: 4, locked: 0 } } });

    const pg = stack.pg();
    await pg.connect();
    try {
      const rows = await waitFor('the database to catch up', async () => {
        const trades = await pg.query('SELECT * FROM trades');
        const bobBalance = await pg.query("SELECT * FROM balances WHERE user_id = $1 AND asset = 'CASH'", [bob.id]);
        return trades.rowCount === 1 && bobBalance.rowCount === 1 && bobBalance.rows[0].available === '40600' ? { trades, bobBalance } : null;
      });
      expect(rows.trades.rows[0]).toMatchObject({ price: '10150', quantity: '4', buy_order_id: aliceOrderId, sell_order_id: bobOrderId, taker_side: 'BUY' });
      const orders = await pg.query('SELECT id, status, filled_quantity, price FROM orders ORDER BY created_at');
      expect(orders.rows).toEqual([
        { id: bobOrderId, status: 'PARTIALLY_FILLED', filled_quantity: '4', price: '10150' },
        { id: aliceOrderId, status: 'FILLED', filled_quantity: '4', price: '10200' },
      ]);
      const balances = await pg.query('SELECT user_id, asset, available, locked FROM balances WHERE user_id = ANY($1) ORDER BY user_id, asset', [[alice.id, bob.id]]);
      expect(balances.rows).toEqual(
        expect.arrayContaining([
          { user_id: alice.id, asset: 'CASH', available: String(1_000_000 - 40_600), locked: '0' },
          { user_id: alice.id, asset: 'ACME', available: '4', locked: '0' },
          { user_id: bob.id, asset: 'ACME', available: '90', locked: '6' },
          { user_id: bob.id, asset: 'CASH', available: '40600', locked: '0' },
        ]),
      );
    } finally {
      await pg.end();
    }
  });
});

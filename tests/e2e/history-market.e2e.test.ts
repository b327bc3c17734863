import { ErrorCode } from '../../contracts/errors';
import { ROUTES } from '../../api/openapi';
import { placeBody } from '../../api/schemas';
import { z } from 'zod';
import { admin, http, loginAdmin, register, waitFor, type Participant } from '../harness/client';
import { Stack } from '../harness/stack';

/** History, candles and organiser reports from PostgreSQL; the OpenAPI document from the zod schemas. */
describe('history, candles, organiser reports, OpenAPI', () => {
  let stack: Stack;
  let adminToken: string;
  let alice: Participant;
  let bob: Participant;

  beforeAll(async () => {
    stack = await Stack.start();
    adminToken = await loginAdmin(stack);
    await admin(stack, adminToken, 'symbols', { symbol: 'ACME' });
    await admin(stack, adminToken, 'symbols', { symbol: 'BETA' });
    alice = await register(stack, 'alice');
    bob = await register(stack, 'bob');
    const bulk = await http(stack, 'POST', '/admin/credit/bulk', { token: adminToken, body: { asset: 'CASH', amount: 10_000 } });
    expect(bulk.body.data).toEqual({ credited: 2, asset: 'CASH', amount: 10_000 });
    await http(stack, 'POST', '/admin/credit/bulk', { token: adminToken, body: { asset: 'ACME', amount: 100, userIds: [bob.id] } });
    await admin(stack, adminToken, 'session', { state: 'OPEN' });
    // three trades at 10.00, 10.50, 9.80, and one order left resting
    for (const price of [10, 10.5, 9.8]) {
      await http(stack, 'POST', '/order/place', { token: bob.token, body: { symbol: 'ACME', side: 'SELL', price, quantity: 2 } });
      await http(stack, 'POST', '/order/place', { token: alice.token, body: { symbol: 'ACME', side: 'BUY', price, quantity: 2 } });
    }
    await http(stack, 'POST', '/order/place', { token: alice.token, body: { symbol: 'ACME', side: 'BUY', price: 5, quantity: 1, clientOrderId: 'resting' } });
    const pg = stack.pg();
    await pg.connect();
    await waitFor('the database to hold the trades and orders', async () => {
      const t = await pg.query('SELECT count(*)::int AS n FROM trades');
      const o = await pg.query('SELECT count(*)::int AS n FROM orders');
      return t.rows[0].n === 3 && o.rows[0].n === 7;
    });
    await pg.end();
  }, 60_000);
  afterAll(async () => stack?.stop());

  test('when a participant reads order history, then it is theirs only, filtered and paginated without gaps or repeats', async () => {
    const all = await http(stack, 'GET', '/history/orders', { token: alice.token });
    expect(all.body.data.items).toHaveLength(4);
    expect(all.body.data.items[0]).toMatchObject({ clientOrderId: 'resting', status: 'PENDING', price: 5 });
    const filled = await http(stack, 'GET', '/history/orders?status=FILLED', { token: alice.token });
    expect(filled.body.data.items.map((o: { status: string }) => o.status)).toEqual(['FILLED', 'FILLED', 'FILLED']);
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await http(stack, 'GET', `/history/orders?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: alice.token });
      pages.push(...page.body.data.items.map((o: { orderId: string }) => o.orderId));
      cursor = page.body.data.nextCursor;
    } while (cursor !== null);
    expect(pages).toEqual(all.body.data.items.map((o: { orderId: string }) => o.orderId));
    expect((await http(stack, 'GET', '/history/orders?symbol=BETA', { token: alice.token })).body.data.items).toEqual([]);
    expect((await http(stack, 'GET', '/history/orders?status=LOST', { token: alice.token })).status).toBe(400);
  });

  test('when a participant reads trade history, then each trade shows their side and whether they made or took liquidity', async () => {
    const trades = await http(stack, 'GET', '/history/trades?symbol=ACME', { token: bob.token });
    expect(trades.body.data.items.map((t: any) => [t.side, t.price, t.quantity, t.liquidity])).toEqual([
      ['SELL', 9.8, 2, 'MAKER'],
      ['SELL', 10.5, 2, 'MAKER'],
      ['SELL', 10, 2, 'MAKER'],
    ]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await http(stack, 'GET', `/history/trades?from=${future}`, { token: bob.token })).body.data.items).toEqual([]);
  });

  test('when candles are asked for, then they are built from the real trades', async () => {
    const res = await http(stack, 'GET', '/market/candles/ACME?interval=1d');
    expect(res.body.data.candles).toEqual([expect.objectContaining({ open: 10, high: 10.5, low: 9.8, close: 9.8, volume: 6, trades: 3 })]);
    expect((await http(stack, 'GET', '/market/candles/BETA?interval=1m')).body.data.candles).toEqual([]);
    expect((await http(stack, 'GET', '/market/candles/ACME?interval=2m')).body.code).toBe(ErrorCode.VALIDATION_ERROR);
    expect((await http(stack, 'GET', '/market/candles/NOPE')).body.code).toBe(ErrorCode.INVALID_SYMBOL);
  });

  test('when an organiser asks, then participants and volume per symbol come back; a participant is refused', async () => {
    const people = await http(stack, 'GET', '/admin/participants', { token: adminToken });
    const byName = Object.fromEntries(people.body.data.map((p: any) => [p.username, p]));
    expect(byName.alice.cash).toEqual({ available: 10_000 - 2 * (10 + 10.5 + 9.8) - 5, locked: 5 });
    expect(byName.bob.role).toBe('PARTICIPANT');
    const volume = await http(stack, 'GET', '/admin/volume?period=1d', { token: adminToken });
    expect(volume.body.data).toEqual([expect.objectContaining({ symbol: 'ACME', volume: 6, notional: 60.6, trades: 3 })]);
    expect((await http(stack, 'GET', '/admin/volume', { token: alice.token })).status).toBe(403);
    expect((await http(stack, 'POST', '/admin/credit/bulk', { token: adminToken, body: { asset: 'CASH', amount: 1, userIds: ['nobody'] } })).status).toBe(404);
  });

  test('when the OpenAPI document is fetched, then it comes from the validating schemas and every route it lists exists', async () => {
    const doc = (await http(stack, 'GET', '/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const { $schema, ...place } = z.toJSONSchema(placeBody, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    void $schema;
    expect(doc.paths['/order/place'].post.requestBody.content['application/json'].schema).toEqual(place);
    // every operation named once, and tagged
    const operations = Object.values(doc.paths as Record<string, Record<string, { operationId: string; tags: string[] }>>).flatMap((p) => Object.values(p));
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(ROUTES.length);
    expect(operations.every((o) => o.tags.length === 1)).toBe(true);
    expect(doc.paths['/order/cancel-all'].post.operationId).toBe('postOrderCancelAll');
    for (const r of ROUTES) {
      const path = r.path.replace('{orderId}', 'x').replace('{userId}', alice.id).replace('{symbol}', 'ACME');
      const res = await http(stack, r.method.toUpperCase(), path, { token: adminToken, body: r.method === 'post' ? {} : undefined });
      expect([r.path, res.body?.error === 'No such endpoint']).toEqual([r.path, false]);
    }
  });
});

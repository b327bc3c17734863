import Redis from 'ioredis';
import { ENTRY_FIELD } from '../../contracts/commands';
import { names } from '../../contracts/names';
import { admin, http, loginAdmin, register, waitFor, type Participant } from '../harness/client';
import { REDIS_URL, Stack } from '../harness/stack';

/**
 * Entries written straight onto the input stream (not through the api, which would refuse them),
 * in one batch with legitimate ones: each poison entry is refused alone, everything the engine
 * publishes is valid JSON, no read of hot state answers 500, and every legitimate row of the
 * same batch reaches PostgreSQL.
 */
describe('poison stream entries', () => {
  let stack: Stack;
  let redis: Redis;
  let sub: Redis;
  let alice: Participant;
  const published: { channel: string; message: string }[] = [];

  beforeAll(async () => {
    stack = await Stack.start({ ENGINE_BATCH_SIZE: '500' }, ['engine', 'db-writer', 'api']);
    redis = new Redis(REDIS_URL);
    sub = new Redis(REDIS_URL);
    await sub.psubscribe(`${stack.prefix}*`);
    sub.on('pmessage', (_p, channel, message) => published.push({ channel, message }));
    const token = await loginAdmin(stack);
    await admin(stack, token, 'symbols', { symbol: 'ACME' });
    await admin(stack, token, 'session', { state: 'OPEN' });
    alice = await register(stack, 'alice');
  }, 60_000);

  afterAll(async () => {
    sub?.disconnect();
    redis?.disconnect();
    await stack?.stop();
  });

  const place = (orderId: string, extra: Record<string, unknown>) => ({ action: 'place', orderId, userId: alice.id, symbol: 'ACME', side: 'BUY', type: 'LIMIT', timeInForce: 'GFD', price: 10_000, quantity: 1, ...extra });
  /** [name, the entry's `c` field, whether its order id is still one the engine echoes] */
  const poison = (): [string, string, boolean][] => [
    ['a fractional price', JSON.stringify(place('p-float', { price: 150.25 })), true],
    ['no quantity', JSON.stringify(place('p-noqty', { quantity: undefined })), true],
    ['a quote inside the side', JSON.stringify(place('p-side', { side: 'B"UY' })), true],
    ['a NUL in the client order id', JSON.stringify(place('p-nul', { clientOrderId: 'a\u0000b' })), true],
    ['a price over the cap', JSON.stringify(place('p-cap', { price: 1e15 })), true],
    ['a symbol of a thousand characters', JSON.stringify(place('p-sym', { symbol: 'X'.repeat(1000) })), true],
    ['a quantity of NaN written as a string', JSON.stringify(place('p-nan', { quantity: 'NaN' })), true],
    ['an order id with a NUL', JSON.stringify(place('p\u0000id', {})), false],
    ['not JSON', '{"action":"place",', false],
    ['a JSON array', '[1,2,3]', false],
    ['an unknown action', JSON.stringify({ action: 'steal"all', userId: alice.id }), false],
    ['a credit of a fractional amount', JSON.stringify({ action: 'credit', userId: 'someone', asset: 'CASH', amount: 0.5 }), false],
  ];

  test('when poison entries share a batch with legitimate ones, then each is refused alone and the legitimate rows all land', async () => {
    const n = names(stack.prefix);
    const good = [
      JSON.stringify({ action: 'credit', userId: alice.id, asset: 'CASH', amount: 1_000_000 }),
      JSON.stringify(place('good-1', { clientOrderId: 'g1' })),
    ];
    // one pipeline: the engine reads them as one batch
    const pipe = redis.pipeline();
    pipe.xadd(n.inputStream, '*', ENTRY_FIELD, good[0]);
    const entries = poison();
    for (const [, c] of entries) pipe.xadd(n.inputStream, '*', ENTRY_FIELD, c);
    pipe.xadd(n.inputStream, '*', ENTRY_FIELD, good[1]);
    await pipe.exec();

    const pg = stack.pg();
    await pg.connect();
    try {
      await waitFor('the legitimate order to reach PostgreSQL', async () => (await pg.query("SELECT status FROM orders WHERE id = 'good-1'")).rows[0]?.status === 'PENDING', 20_000);
      expect((await pg.query('SELECT amount FROM credits WHERE user_id = $1', [alice.id])).rows.map((r) => Number(r.amount))).toEqual([1_000_000]);
      // every refused place with a valid id is a REJECTED row holding only checked values
      const rejected = (await pg.query("SELECT id, symbol, side, price, quantity, client_order_id FROM orders WHERE status = 'REJECTED' ORDER BY id")).rows;
      expect(rejected.map((r) => r.id).sort()).toEqual(entries.filter(([, , echoed]) => echoed).map(([, c]) => (JSON.parse(c) as { orderId: string }).orderId).sort());
      for (const r of rejected) {
        expect(['BUY', 'SELL', 'INVALID']).toContain(r.side);
        expect(r.price === null || Number.isSafeInteger(Number(r.price))).toBe(true);
        expect(r.client_order_id === null || /^[\x21-\x7e]{1,64}$/.test(r.client_order_id)).toBe(true);
        expect(r.symbol === '' || r.symbol === 'ACME').toBe(true);
      }
      expect(rejected.find((r) => r.id === 'p-float')).toMatchObject({ price: null, side: 'BUY' });
      expect(rejected.find((r) => r.id === 'p-side')).toMatchObject({ side: 'INVALID' });
      expect((await pg.query('SELECT count(*)::int AS n FROM unstorable_rows')).rows[0].n).toBe(0);
    } finally {
      await pg.end();
    }
    // everything published is valid JSON
    for (const { channel, message } of published) expect(() => JSON.parse(message)).not.toThrow(`${channel}: ${message}`);
    expect(published.some((p) => p.message.includes('"orderId":"p-side"'))).toBe(true);

    // no read of hot state answers 500
    const reads = [`/order/user/${alice.id}`, '/order/status/p-float', '/order/status/p-side', '/order/status/good-1', '/market/trades/ACME', '/market/orderbook/ACME', '/market/quote/ACME', '/account/balance'];
    for (const path of reads) expect([path, (await http(stack, 'GET', path, { token: alice.token })).status]).toEqual([path, 200]);
    // a hot value that cannot be parsed at all (written by hand) reads as absent, not as a 500
    await redis.set(n.keys.order('broken'), '{"userId":');
    expect((await http(stack, 'GET', '/order/status/broken', { token: alice.token })).status).toBe(404);
    await redis.zadd(n.keys.userOrders(alice.id), 0, 'broken');
    const list = await http(stack, 'GET', `/order/user/${alice.id}`, { token: alice.token });
    expect(list.status).toBe(200);
    expect((list.body.data as { orderId: string }[]).map((o) => o.orderId)).toContain('good-1');
  }, 60_000);
});

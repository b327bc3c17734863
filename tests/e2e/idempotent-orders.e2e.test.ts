import { ErrorCode } from '../../contracts/errors';
import Redis from 'ioredis';
import { names } from '../../contracts/names';
import { admin, http, loginAdmin, register, waitFor, type Participant } from '../harness/client';
import { REDIS_URL, Stack } from '../harness/stack';

/**
 * The retry protocol: a place whose clientOrderId the participant already used creates nothing.
 * The same request is answered with the first order's current state, a different one with 409,
 * whatever became of the first order, and across api and engine restarts.
 */
describe('idempotent client order ids', () => {
  let stack: Stack;
  let adminToken: string;
  let alice: Participant;
  let bob: Participant;

  beforeAll(async () => {
    stack = await Stack.start({ ENGINE_LEASE_MS: '1000' });
    adminToken = await loginAdmin(stack);
    await admin(stack, adminToken, 'symbols', { symbol: 'ACME' });
    alice = await register(stack, 'alice');
    bob = await register(stack, 'bob');
    await admin(stack, adminToken, 'credit', { userId: alice.id, asset: 'CASH', amount: 10_000 });
    await admin(stack, adminToken, 'credit', { userId: bob.id, asset: 'ACME', amount: 100 });
    await admin(stack, adminToken, 'session', { state: 'OPEN' });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const place = (p: Participant, body: Record<string, unknown>) => http(stack, 'POST', '/order/place', { token: p.token, body });
  const trades = async () => (await http(stack, 'GET', '/market/trades/ACME')).body.data as unknown[];

  test('when a filled order is retried with the same body, then it is not executed again and the answer is the first order', async () => {
    await place(bob, { symbol: 'ACME', side: 'SELL', price: 10, quantity: 10, clientOrderId: 'bob-ask' });
    const body = { symbol: 'ACME', side: 'BUY', price: 10, quantity: 5, clientOrderId: 'bob-order-1' };
    const first = await place(alice, body);
    expect(first.status).toBe(200);
    expect(first.body.data.retried).toBe(false);
    expect(first.body.data).toMatchObject({ status: 'FILLED', clientOrderId: 'bob-order-1' });
    const retry = await place(alice, body);
    expect(retry.status).toBe(200);
    expect(retry.body.data).toMatchObject({ orderId: first.body.data.orderId, status: 'FILLED', filledQuantity: 5, trades: [] });
    expect(await trades()).toHaveLength(1);
    const cash = (await http(stack, 'GET', '/account/balance', { token: alice.token })).body.data.cash;
    expect(cash).toEqual({ available: 10_000 - 50, locked: 0 });
  });

  test('when the same clientOrderId comes with a different body, then 409 names the first order and nothing is created', async () => {
    const first = await place(alice, { symbol: 'ACME', side: 'BUY', price: 1, quantity: 1, clientOrderId: 'resting-1' });
    const other = await place(alice, { symbol: 'ACME', side: 'BUY', price: 2, quantity: 1, clientOrderId: 'resting-1' });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ success: false, code: ErrorCode.DUPLICATE_ORDER, data: { orderId: first.body.data.orderId } });
    const open = (await http(stack, 'GET', `/order/user/${alice.id}`, { token: alice.token })).body.data as { clientOrderId: string }[];
    expect(open.filter((o) => o.clientOrderId === 'resting-1')).toHaveLength(1);
  });

  test('when a cancelled or refused order is retried, then the answer is its state, not a second try', async () => {
    await http(stack, 'POST', '/order/cancel', { token: alice.token, body: { clientOrderId: 'resting-1' } });
    const again = await place(alice, { symbol: 'ACME', side: 'BUY', price: 1, quantity: 1, clientOrderId: 'resting-1' });
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ status: 'CANCELLED' });
    const dear = { symbol: 'ACME', side: 'BUY', price: 1_000, quantity: 1_000, clientOrderId: 'too-dear' };
    const refused = await place(alice, dear);
    expect(refused.status).toBe(422);
    const refusedAgain = await place(alice, dear);
    expect(refusedAgain.status).toBe(422);
    expect(refusedAgain.body).toMatchObject({ code: ErrorCode.INSUFFICIENT_BALANCE, data: { order: { orderId: refused.body.data.order.orderId, status: 'REJECTED' } } });
  });

  test('when the api and then the engine restart, then a retry is still recognised', async () => {
    const body = { symbol: 'ACME', side: 'BUY', price: 10, quantity: 2, clientOrderId: 'across-restarts' };
    const first = await place(alice, body);
    expect(first.body.data.status).toBe('FILLED');
    await stack.stopService('api', 'SIGKILL');
    await stack.startService('api');
    expect((await place(alice, body)).body.data).toMatchObject({ orderId: first.body.data.orderId, status: 'FILLED' });
    // the engine's snapshot leaves the ids out (they are in Redis as they come): it does not grow with every order
    const redis = new Redis(REDIS_URL);
    try {
      await waitFor('a snapshot', async () => (await redis.get(names(stack.prefix).keys.engineSnapshot)) !== null);
      expect((JSON.parse((await redis.get(names(stack.prefix).keys.engineSnapshot))!) as { state: { clientIds?: unknown } }).state.clientIds).toBeUndefined();
      expect(await redis.hget(names(stack.prefix).keys.clientIds(0), `${alice.id}\u0000across-restarts`)).toMatch(new RegExp(`^${first.body.data.orderId}\n`));
    } finally {
      redis.disconnect();
    }
    await stack.stopService('engine', 'SIGKILL');
    await stack.startService('engine');
    const retry = await place(alice, body);
    expect(retry.status).toBe(200);
    expect(retry.body.data).toMatchObject({ orderId: first.body.data.orderId, status: 'FILLED' });
    expect(await trades()).toHaveLength(2);
  }, 60_000);

  test('when the organiser resets the event, then client order ids may be used again', async () => {
    await admin(stack, adminToken, 'session', { state: 'CLOSED' });
    await admin(stack, adminToken, 'reset', {});
    await admin(stack, adminToken, 'credit', { userId: alice.id, asset: 'CASH', amount: 100 });
    await admin(stack, adminToken, 'session', { state: 'OPEN' });
    const fresh = await place(alice, { symbol: 'ACME', side: 'BUY', price: 1, quantity: 1, clientOrderId: 'resting-1' });
    expect(fresh.status).toBe(200);
    expect(fresh.body.data.status).toBe('PENDING');
  });
});

import jwt from 'jsonwebtoken';
import Redis from 'ioredis';
import { ErrorCode } from '../../contracts/errors';
import { names } from '../../contracts/names';
import { admin, http, loginAdmin, register, type Participant } from '../harness/client';
import { REDIS_URL, Stack } from '../harness/stack';

/** Every malformed or unauthorised request gets the right 4xx and code, and leaves no trace. */
describe('bad input over HTTP', () => {
  let stack: Stack;
  let alice: Participant;
  let bob: Participant;
  let bobOrderId: string;
  let redis: Redis;

  beforeAll(async () => {
    stack = await Stack.start();
    redis = new Redis(REDIS_URL);
    const adminToken = await loginAdmin(stack);
    await admin(stack, adminToken, 'symbols', { symbol: 'ACME', tickSize: 0.01 });
    await admin(stack, adminToken, 'symbols', { symbol: 'NICKEL', tickSize: 0.05, lotSize: 10 });
    alice = await register(stack, 'alice');
    bob = await register(stack, 'bob');
    await admin(stack, adminToken, 'credit', { userId: alice.id, asset: 'CASH', amount: 1_000 });
    await admin(stack, adminToken, 'credit', { userId: bob.id, asset: 'CASH', amount: 1_000 });
    await admin(stack, adminToken, 'session', { state: 'OPEN' });
    const placed = await http(stack, 'POST', '/order/place', { token: bob.token, body: { symbol: 'ACME', side: 'BUY', price: 1, quantity: 1 } });
    bobOrderId = placed.body.data.orderId;
  }, 60_000);

  afterAll(async () => {
    redis.disconnect();
    await stack?.stop();
  });

  /** entries ever appended to the input stream (its length would shrink when the engine trims) */
  const entriesAdded = async (): Promise<number> => {
    const info = (await redis.xinfo('STREAM', names(stack.prefix).inputStream)) as unknown[];
    return Number(info[info.indexOf('entries-added') + 1]);
  };
  const place = { symbol: 'ACME', side: 'BUY', type: 'LIMIT', price: 10, quantity: 1 };
  const secret = () => stack.env.JWT_SECRET;
  const claims = () => ({ sub: alice.id, username: 'alice', role: 'PARTICIPANT', typ: 'access' });
  const unsigned = (payload: object) =>
    `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ ...payload, iss: 'mock-exchange', exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url')}.`;

  /** the last element is how many stream entries the request may add: only the engine itself can tell whose order an id is */
  type Case = [name: string, request: () => Promise<{ status: number; body: any }>, status: number, code: number, entries?: number];
  const cases: Case[] = [
    ['malformed JSON', () => http(stack, 'POST', '/order/place', { token: alice.token, rawBody: '{"symbol": "ACME", ' }), 400, ErrorCode.VALIDATION_ERROR],
    ['a JSON array body', () => http(stack, 'POST', '/order/place', { token: alice.token, rawBody: '[1,2]' }), 400, ErrorCode.VALIDATION_ERROR],
    ['quantity as a string', () => http(stack, 'POST', '/order/place', { token: alice.token, body: { ...place, quantity: 'ten' } }), 400, ErrorCode.VALIDATION_ERROR],
    ['side as a number', () => http(stack, 'POST', '/order/place', { token: alice.token, body: { ...place, side: 5 } }), 400, ErrorCode.VALIDATION_ERROR],
    ['an unknown field', () => http(stack, 'POST', '/order/place', { token: alice.token, body: { ...place, leverage: 100 } }), 400, ErrorCode.VALIDATION_ERROR],
    ['zero quantity', () => http(stack, 'POST', '/order/place', { token: alice.token, body: { ...place, quantity: 0 } }), 400, ErrorCode.INVALID_QUANTITY],
    ['negative quantity', () => http(stack, 'POST', '/order/place', { token: alice.token, body: { ...place, quantity: -3 } }), 400, ErrorCode.INVALID_QUANTITY],
    ['fractional quantity', () => http(stack, 'POST', '/order/place', { token: alice.token, body: { ...place, quantity: 1.5 } }), 400, ErrorCode.INVALID_QUANTITY],
    ['quantity off the lot size', () => http(stack, 'POST', '/order/place', { token: alice.token, body: { ...place, symbol: 'NICKEL', price: 1.05, quantity: 15 } }), 400, ErrorCode.INVALID_QUANTITY],
    ['a sub-cent price', () => http(stack, 'POST', '/order/place', { token: alice.token, body: { ...place, price: 10.005 } }), 400, ErrorCode.INVALID_PRICE],
    ['an off-tick price', () => http(stack, 'POST', '/order/place', { token: alice.token, body: { ...place, symbol: 'NICKEL', price: 1.03, quantity: 10 } }), 400, ErrorCode.INVALID_PRICE],
    ['a negative price', () => http(stack, 'POST', '/order/place', { token: alice.token, body: { ...place, price: -1 } }), 400, ErrorCode.INVALID_PRICE],
    ['a limit order without price', () => http(stack, 'POST', '/order/place', { token: alice.token, body: { ...place, price: undefined } }), 400, ErrorCode.INVALID_PRICE],
    ['a price on a market order', () => http(stack, 'POST', '/order/place', { token: alice.token, body: { ...place, type: 'MARKET', price: 10 } }), 400, ErrorCode.INVALID_PRICE],
    ['an unknown symbol', () => http(stack, 'POST', '/order/place', { token: alice.token, body: { ...place, symbol: 'NOPE' } }), 400, ErrorCode.INVALID_SYMBOL],
    ['a huge body', () => http(stack, 'POST', '/order/place', { token: alice.token, body: { ...place, clientOrderId: 'x'.repeat(100_000) } }), 413, ErrorCode.PAYLOAD_TOO_LARGE],
    ['a body userId of someone else', () => http(stack, 'POST', '/order/place', { token: alice.token, body: { ...place, userId: bob.id } }), 403, ErrorCode.FORBIDDEN],
    ['a missing token', () => http(stack, 'POST', '/order/place', { body: place }), 401, ErrorCode.UNAUTHORIZED],
    ['a forged token', () => http(stack, 'POST', '/order/place', { token: jwt.sign(claims(), 'not-the-secret-at-all', { issuer: 'mock-exchange' }), body: place }), 401, ErrorCode.UNAUTHORIZED],
    ['an expired token', () => http(stack, 'POST', '/order/place', { token: jwt.sign({ ...claims(), exp: Math.floor(Date.now() / 1000) - 60 }, secret(), { issuer: 'mock-exchange' }), body: place }), 401, ErrorCode.UNAUTHORIZED],
    ['an alg:none token', () => http(stack, 'POST', '/order/place', { token: unsigned(claims()), body: place }), 401, ErrorCode.UNAUTHORIZED],
    ['a refresh token used as access token', () => http(stack, 'POST', '/order/place', { token: alice.refreshToken, body: place }), 401, ErrorCode.UNAUTHORIZED],
    ["another participant's order status", () => http(stack, 'GET', `/order/status/${bobOrderId}`, { token: alice.token }), 404, ErrorCode.ORDER_NOT_FOUND],
    ["cancelling another participant's order", () => http(stack, 'POST', '/order/cancel', { token: alice.token, body: { orderId: bobOrderId } }), 404, ErrorCode.ORDER_NOT_FOUND, 1],
    ["listing another participant's orders", () => http(stack, 'GET', `/order/user/${bob.id}`, { token: alice.token }), 403, ErrorCode.FORBIDDEN],
    ['an admin command from a participant', () => http(stack, 'POST', '/admin/session', { token: alice.token, body: { state: 'HALTED' } }), 403, ErrorCode.FORBIDDEN],
    ['a cancel with neither id', () => http(stack, 'POST', '/order/cancel', { token: alice.token, body: {} }), 400, ErrorCode.VALIDATION_ERROR],
    ['an unknown endpoint', () => http(stack, 'GET', '/nope', { token: alice.token }), 404, ErrorCode.NOT_FOUND],
    ['a register with a short password', () => http(stack, 'POST', '/auth/register', { body: { username: 'mallory', password: 'short' } }), 400, ErrorCode.VALIDATION_ERROR],
    ['a register of a taken username', () => http(stack, 'POST', '/auth/register', { body: { username: 'alice', password: 'long-enough-password' } }), 409, ErrorCode.USER_EXISTS],
    ['a login with a wrong password', () => http(stack, 'POST', '/auth/login', { body: { username: 'alice', password: 'wrong-password!' } }), 401, ErrorCode.INVALID_CREDENTIALS],
  ];

  test.each(cases)('when a request has %s, then it gets the right status and code, and nothing is stored', async (_name, request, status, code, entries = 0) => {
    const before = await entriesAdded();
    const res = await request();
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ success: false, code });
    expect(typeof res.body.error).toBe('string');
    expect(await entriesAdded()).toBe(before + entries);
  });

  test('when all the bad requests are done, then the services are healthy and only the one real order exists', async () => {
    expect((await http(stack, 'GET', '/health')).status).toBe(200);
    expect((await http(stack, 'GET', '/live')).status).toBe(200);
    expect((await fetch(stack.healthUrl('engine'))).status).toBe(200);
    expect((await fetch(stack.healthUrl('ws-server'))).status).toBe(200);
    const pg = stack.pg();
    await pg.connect();
    try {
      const orders = await pg.query('SELECT id, user_id FROM orders');
      expect(orders.rows).toEqual([{ id: bobOrderId, user_id: bob.id }]);
      const users = await pg.query('SELECT username FROM users ORDER BY username');
      expect(users.rows.map((r) => r.username)).toEqual(['alice', 'bob', 'organiser']);
    } finally {
      await pg.end();
    }
    const balance = await http(stack, 'GET', '/account/balance', { token: alice.token });
    expect(balance.body.data.cash).toEqual({ available: 1_000, locked: 0 });
  });
});

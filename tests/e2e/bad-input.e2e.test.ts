import net from 'net';
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

  /**
   * Every case is sent twice: as plain JSON, which POST /order/place and /order/cancel answer on
   * the api's fast path, and with a media-type parameter that path leaves to Express; both must
   * give the same answer. The last element is how many stream entries one request may add: only
   * the engine itself can tell whose order an id is.
   */
  type Case = [name: string, request: (contentType: string) => Promise<{ status: number; headers: Headers; body: any }>, status: number, code: number, entries?: number];
  const FAST = 'application/json';
  const EXPRESS = 'application/json; profile=express';
  const cases: Case[] = [
    ['malformed JSON', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, rawBody: '{"symbol": "ACME", ' }), 400, ErrorCode.VALIDATION_ERROR],
    ['a whitespace-only body', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, rawBody: ' \n ' }), 400, ErrorCode.VALIDATION_ERROR],
    ['an empty body', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, rawBody: '' }), 400, ErrorCode.VALIDATION_ERROR],
    ['a bare JSON string body', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, rawBody: '"order"' }), 400, ErrorCode.VALIDATION_ERROR],
    ['a JSON array body', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, rawBody: '[1,2]' }), 400, ErrorCode.VALIDATION_ERROR],
    ['quantity as a string', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, body: { ...place, quantity: 'ten' } }), 400, ErrorCode.VALIDATION_ERROR],
    ['side as a number', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, body: { ...place, side: 5 } }), 400, ErrorCode.VALIDATION_ERROR],
    ['an unknown field', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, body: { ...place, leverage: 100 } }), 400, ErrorCode.VALIDATION_ERROR],
    ['zero quantity', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, body: { ...place, quantity: 0 } }), 400, ErrorCode.INVALID_QUANTITY],
    ['negative quantity', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, body: { ...place, quantity: -3 } }), 400, ErrorCode.INVALID_QUANTITY],
    ['fractional quantity', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, body: { ...place, quantity: 1.5 } }), 400, ErrorCode.INVALID_QUANTITY],
    ['quantity off the lot size', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, body: { ...place, symbol: 'NICKEL', price: 1.05, quantity: 15 } }), 400, ErrorCode.INVALID_QUANTITY],
    ['a sub-cent price', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, body: { ...place, price: 10.005 } }), 400, ErrorCode.INVALID_PRICE],
    ['an off-tick price', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, body: { ...place, symbol: 'NICKEL', price: 1.03, quantity: 10 } }), 400, ErrorCode.INVALID_PRICE],
    ['a negative price', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, body: { ...place, price: -1 } }), 400, ErrorCode.INVALID_PRICE],
    ['a limit order without price', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, body: { ...place, price: undefined } }), 400, ErrorCode.INVALID_PRICE],
    ['a price on a market order', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, body: { ...place, type: 'MARKET', price: 10 } }), 400, ErrorCode.INVALID_PRICE],
    ['an unknown symbol', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, body: { ...place, symbol: 'NOPE' } }), 400, ErrorCode.INVALID_SYMBOL],
    ['a huge body', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, body: { ...place, clientOrderId: 'x'.repeat(100_000) } }), 413, ErrorCode.PAYLOAD_TOO_LARGE],
    ['a body userId of someone else', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.token, body: { ...place, userId: bob.id } }), 403, ErrorCode.FORBIDDEN],
    ['a missing token', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, body: place }), 401, ErrorCode.UNAUTHORIZED],
    ['a forged token', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: jwt.sign(claims(), 'not-the-secret-at-all', { issuer: 'mock-exchange' }), body: place }), 401, ErrorCode.UNAUTHORIZED],
    ['an expired token', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: jwt.sign({ ...claims(), exp: Math.floor(Date.now() / 1000) - 60 }, secret(), { issuer: 'mock-exchange' }), body: place }), 401, ErrorCode.UNAUTHORIZED],
    ['an alg:none token', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: unsigned(claims()), body: place }), 401, ErrorCode.UNAUTHORIZED],
    ['a refresh token used as access token', (ct) => http(stack, 'POST', '/order/place', { headers: { 'content-type': ct }, token: alice.refreshToken, body: place }), 401, ErrorCode.UNAUTHORIZED],
    ["another participant's order status", (ct) => http(stack, 'GET', `/order/status/${bobOrderId}`, { headers: { 'content-type': ct }, token: alice.token }), 404, ErrorCode.ORDER_NOT_FOUND],
    ["cancelling another participant's order", (ct) => http(stack, 'POST', '/order/cancel', { headers: { 'content-type': ct }, token: alice.token, body: { orderId: bobOrderId } }), 404, ErrorCode.ORDER_NOT_FOUND, 1],
    ["listing another participant's orders", (ct) => http(stack, 'GET', `/order/user/${bob.id}`, { headers: { 'content-type': ct }, token: alice.token }), 403, ErrorCode.FORBIDDEN],
    ['an admin command from a participant', (ct) => http(stack, 'POST', '/admin/session', { headers: { 'content-type': ct }, token: alice.token, body: { state: 'HALTED' } }), 403, ErrorCode.FORBIDDEN],
    ['a cancel naming a clientOrderId no order can have (a space in it)', (ct) => http(stack, 'POST', '/order/cancel', { headers: { 'content-type': ct }, token: alice.token, body: { clientOrderId: 'my order' } }), 400, ErrorCode.VALIDATION_ERROR],
    ['a cancel with neither id', (ct) => http(stack, 'POST', '/order/cancel', { headers: { 'content-type': ct }, token: alice.token, body: {} }), 400, ErrorCode.VALIDATION_ERROR],
    ['an unknown endpoint', (ct) => http(stack, 'GET', '/nope', { headers: { 'content-type': ct }, token: alice.token }), 404, ErrorCode.NOT_FOUND],
    ['a register with a short password', (ct) => http(stack, 'POST', '/auth/register', { headers: { 'content-type': ct }, body: { username: 'mallory', password: 'short' } }), 400, ErrorCode.VALIDATION_ERROR],
    ['a register of a taken username', (ct) => http(stack, 'POST', '/auth/register', { headers: { 'content-type': ct }, body: { username: 'alice', password: 'long-enough-password' } }), 409, ErrorCode.USER_EXISTS],
    ['a login with a wrong password', (ct) => http(stack, 'POST', '/auth/login', { headers: { 'content-type': ct }, body: { username: 'alice', password: 'wrong-password!' } }), 401, ErrorCode.INVALID_CREDENTIALS],
  ];

  test.each(cases)('when a request has %s, then it gets the right status and code, and nothing is stored', async (_name, request, status, code, entries = 0) => {
    const before = await entriesAdded();
    const fast = await request(FAST);
    const viaExpress = await request(EXPRESS);
    for (const res of [fast, viaExpress]) {
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ success: false, code });
      expect(typeof res.body.error).toBe('string');
    }
    expect(viaExpress.body).toEqual(fast.body);
    for (const header of ['content-type', 'ratelimit-limit', 'retry-after']) expect([header, fast.headers.get(header)]).toEqual([header, viaExpress.headers.get(header)]);
    expect(await entriesAdded()).toBe(before + 2 * entries);
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

  test('when a good order is placed as plain JSON and through Express, then both answers have the same shape and both orders rest', async () => {
    const order = { symbol: 'ACME', side: 'BUY', price: 1, quantity: 1 };
    const fast = await http(stack, 'POST', '/order/place', { token: bob.token, body: { ...order, clientOrderId: 'fast' }, headers: { 'content-type': FAST } });
    const viaExpress = await http(stack, 'POST', '/order/place', { token: bob.token, body: { ...order, clientOrderId: 'express' }, headers: { 'content-type': EXPRESS } });
    for (const [res, clientOrderId] of [[fast, 'fast'], [viaExpress, 'express']] as const) {
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ clientOrderId, status: 'PENDING', filledQuantity: 0, order: { symbol: 'ACME', side: 'BUY', price: 1, quantity: 1, userId: bob.id } });
    }
    // ids, times and the participant's order-update numbers differ from one order to the next
    const shape = (b: any) => JSON.stringify(b, (k, v) => (['orderId', 'clientOrderId', 'timestamp', 'seq', 'requestId', 'pu', 'u'].includes(k) ? '*' : v));
    expect(shape(viaExpress.body)).toBe(shape(fast.body));
    for (const res of [fast, viaExpress]) {
      const { orderId } = res.body.data;
      const cancelled = await http(stack, 'POST', '/order/cancel', { token: bob.token, body: { orderId }, headers: { 'content-type': res === fast ? FAST : EXPRESS } });
      expect(cancelled.body.data).toMatchObject({ orderId, status: 'CANCELLED' });
    }
  });

  test('when a client goes away in the middle of an order body, then nothing is appended and the api carries on', async () => {
    const before = await entriesAdded();
    const socket = net.connect(Number(new URL(stack.apiUrl).port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const body = JSON.stringify(place);
    socket.write(`POST /order/place HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${alice.token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect(await entriesAdded()).toBe(before);
    const ok = await http(stack, 'POST', '/order/place', { token: bob.token, body: { ...place, clientOrderId: 'after-abort' } });
    expect(ok.status).toBe(200);
    const cancelled = await http(stack, 'POST', '/order/cancel', { token: bob.token, body: { clientOrderId: 'after-abort' } });
    expect(cancelled.status).toBe(200);
  });
});

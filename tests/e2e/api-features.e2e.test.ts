import { ErrorCode } from '../../contracts/errors';
import { admin, connectSocket, http, loginAdmin, record, register, waitFor } from '../harness/client';
import Redis from 'ioredis';
import { names } from '../../contracts/names';
import { REDIS_URL, Stack } from '../harness/stack';

describe('api features: tokens, rate limits, metrics, subscriptions', () => {
  let stack: Stack;
  let adminToken: string;

  beforeAll(async () => {
    stack = await Stack.start({ RATE_LIMIT_PER_SECOND: '5' });
    adminToken = await loginAdmin(stack);
    await admin(stack, adminToken, 'symbols', { symbol: 'ACME' });
    await admin(stack, adminToken, 'session', { state: 'OPEN' });
  }, 60_000);
  afterAll(async () => stack?.stop());

  test('when a refresh token is used, then it is rotated, and using the spent one again revokes every session', async () => {
    const p = await register(stack, 'rotator');
    const first = await http(stack, 'POST', '/auth/refresh', { body: { refreshToken: p.refreshToken } });
    expect(first.status).toBe(200);
    const next = first.body.data.refreshToken as string;
    expect(next).not.toBe(p.refreshToken);
    expect((await http(stack, 'GET', '/account/me', { token: first.body.data.accessToken })).body.data).toMatchObject({ id: p.id, role: 'PARTICIPANT' });

    const replay = await http(stack, 'POST', '/auth/refresh', { body: { refreshToken: p.refreshToken } });
    expect(replay).toMatchObject({ status: 401, body: { code: ErrorCode.UNAUTHORIZED } });
    const afterTheft = await http(stack, 'POST', '/auth/refresh', { body: { refreshToken: next } });
    expect(afterTheft.status).toBe(401);
  });

  test('when a participant exceeds the rate limit, then 429 comes with Retry-After and rate-limit headers', async () => {
    const p = await register(stack, 'hasty');
    const results = await Promise.all(Array.from({ length: 12 }, () => http(stack, 'GET', '/account/balance', { token: p.token })));
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(10);
    expect(limited[0].body).toMatchObject({ success: false, code: ErrorCode.RATE_LIMITED });
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited[0].headers.get('ratelimit-limit')).toBe('5');
    expect(limited[0].headers.get('ratelimit-remaining')).toBe('0');
    // another participant is not affected
    const other = await register(stack, 'patient');
    expect((await http(stack, 'GET', '/account/balance', { token: other.token })).status).toBe(200);
  });

  test('when a participant places orders faster than the limit, then the surplus gets 429 and never reaches the stream, and refused orders count too', async () => {
    const p = await register(stack, 'eager');
    await admin(stack, adminToken, 'credit', { userId: p.id, asset: 'CASH', amount: 1_000 });
    await admin(stack, adminToken, 'symbols', { symbol: 'EAGER' });
    const redis = new Redis(REDIS_URL);
    // every order that reached the engine is in hot state (the stream itself is trimmed after snapshots)
    const mine = async () => redis.zcard(names(stack.prefix).keys.userOrders(p.id));
    try {
      // a fresh second, so the whole burst falls in one window
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000)));
      const order = { symbol: 'EAGER', side: 'BUY', price: 1, quantity: 1 };
      const results = await Promise.all(Array.from({ length: 12 }, () => http(stack, 'POST', '/order/place', { token: p.token, body: order })));
      const accepted = results.filter((r) => r.status === 200);
      const limited = results.filter((r) => r.status === 429);
      expect(accepted.length + limited.length).toBe(12);
      expect(accepted.length).toBeLessThanOrEqual(5);
      expect(limited[0].body).toMatchObject({ success: false, code: ErrorCode.RATE_LIMITED });
      expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(limited[0].headers.get('ratelimit-remaining')).toBe('0');
      expect(accepted[0].headers.get('ratelimit-limit')).toBe('5');
      expect(await mine()).toBe(accepted.length);

      // five refused orders and one more must share one second's window: on a loaded machine they
      // may not, and then the attempt says nothing, so it is made again in a fresh window
      let acceptedLater = 0; // an attempt spread over two windows may have its last order accepted
      for (let attempt = 1; ; attempt++) {
        await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000)));
        const window = Math.floor(Date.now() / 1000);
        const invalid = await Promise.all(Array.from({ length: 5 }, () => http(stack, 'POST', '/order/place', { token: p.token, body: { ...order, quantity: 0 } })));
        const next = await http(stack, 'POST', '/order/place', { token: p.token, body: order });
        if (next.status === 200) acceptedLater++;
        if (Math.floor(Date.now() / 1000) !== window && attempt < 5) continue;
        expect(Math.floor(Date.now() / 1000)).toBe(window); // all six in one window
        expect(invalid.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
        expect(next.status).toBe(429);
        break;
      }
      expect(await mine()).toBe(accepted.length + acceptedLater);
    } finally {
      redis.disconnect();
    }
  });

  test('when a participant sends orders both as plain JSON and through Express, then both count against one limit', async () => {
    const order = { symbol: 'EAGER', side: 'BUY', price: 1, quantity: 0 };
    // six requests one after another must fall in one second's window: on a loaded machine they
    // may not, and then the attempt says nothing, so it is made again (a fresh participant each time)
    for (let attempt = 1; ; attempt++) {
      const p = await register(stack, `mixed-${attempt}`);
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000)));
      const window = Math.floor(Date.now() / 1000);
      const statuses: number[] = [];
      for (const contentType of ['application/json', 'application/json; profile=express', 'application/json', 'application/json; profile=express', 'application/json', 'application/json; profile=express']) {
        statuses.push((await http(stack, 'POST', '/order/place', { token: p.token, body: order, headers: { 'content-type': contentType } })).status);
      }
      if (Math.floor(Date.now() / 1000) !== window && attempt < 5) continue;
      expect(Math.floor(Date.now() / 1000)).toBe(window);
      expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
      break;
    }
  });

  test('when /metrics is scraped on the metrics port, then it answers in Prometheus format with request counts; the public port does not serve it', async () => {
    expect((await fetch(`${stack.apiUrl}/metrics`)).status).toBe(404);
    const res = await fetch(`http://127.0.0.1:${stack.env.API_METRICS_PORT}/metrics`);
    const text = await res.text();
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/account[^"]*",status="429"\} \d+/m);
    expect(text).toMatch(/^http_requests_total\{method="POST",route="\/order\/place",status="200"\} \d+/m);
    expect(text).toMatch(/^http_requests_total\{method="POST",route="\/order\/place",status="429"\} \d+/m);
    // the orders accepted by the tests above, counted by outcome
    expect(text).toMatch(/^api_orders_submitted_total\{outcome="accepted"\} [1-9]\d*$/m);
    expect(await (await fetch(`http://127.0.0.1:${stack.env.ENGINE_HEALTH_PORT}/metrics`)).text()).toMatch(/^engine_commands_total \d+/m);
  });

  test('when a client subscribes to a book, then it gets a snapshot with its seq first and later updates carry higher seqs', async () => {
    const p = await register(stack, 'watcher');
    await admin(stack, adminToken, 'credit', { userId: p.id, asset: 'CASH', amount: 1_000 });
    await http(stack, 'POST', '/order/place', { token: p.token, body: { symbol: 'ACME', side: 'BUY', price: 5, quantity: 2 } });
    const socket = await connectSocket(stack, p.token);
    try {
      const ack = await socket.emitWithAck('subscribe', { channel: 'market', symbol: 'ACME' });
      if (!ack.ok) throw new Error(ack.message);
      expect(ack.snapshot).toMatchObject({ symbol: 'ACME', bids: [{ price: 5, quantity: 2 }] });
      const snapshotSeq = ack.snapshot!.seq;
      const seen = record(socket, ['depth']);
      await http(stack, 'POST', '/order/place', { token: p.token, body: { symbol: 'ACME', side: 'BUY', price: 5, quantity: 3 } });
      const depth = await waitFor('a depth update', () => seen.find((e) => e.name === 'depth'));
      expect(depth.data).toMatchObject({ symbol: 'ACME', changes: [{ side: 'BUY', price: 5, quantity: 5 }] });
      expect(depth.data.seq).toBeGreaterThan(snapshotSeq);

      const bad = await socket.emitWithAck('subscribe', { channel: 'market', symbol: 'NOPE' });
      expect(bad).toMatchObject({ ok: false, code: ErrorCode.INVALID_SYMBOL });
      await socket.emitWithAck('unsubscribe', { channel: 'market', symbol: 'ACME' });
      const before = seen.length;
      await http(stack, 'POST', '/order/place', { token: p.token, body: { symbol: 'ACME', side: 'BUY', price: 4, quantity: 1 } });
      await new Promise((r) => setTimeout(r, 300));
      expect(seen.length).toBe(before);
    } finally {
      socket.disconnect();
    }
  });

  test('when a socket connects without a valid token, then the handshake is refused', async () => {
    await expect(connectSocket(stack, 'not-a-token')).rejects.toThrow(/unauthorized/);
  });
});

describe('shutdown', () => {
  test('when each service gets SIGTERM, then it stops cleanly with exit code 0 and says so in its JSON log', async () => {
    const stack = await Stack.start();
    try {
      for (const name of ['api', 'ws-server', 'db-writer', 'engine'] as const) {
        expect(await stack.stopService(name, 'SIGTERM')).toBe(0);
        const last = JSON.parse(stack.logs.get(name)!.filter((l) => l.startsWith('{')).pop()!) as { msg: string; service: string };
        expect(last).toMatchObject({ service: name, msg: 'stopped cleanly' });
      }
    } finally {
      await stack.stop();
    }
  }, 60_000);
});

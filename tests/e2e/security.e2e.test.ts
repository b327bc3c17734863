import jwt from 'jsonwebtoken';
import Redis from 'ioredis';
import { ErrorCode } from '../../contracts/errors';
import { names } from '../../contracts/names';
import { admin, connectSocket, http, loginAdmin, register, waitFor, type ClientSocket, type Participant } from '../harness/client';
import { ADMIN, freePort, REDIS_URL, Stack } from '../harness/stack';
import { io } from 'socket.io-client';
import { usernameSkeleton } from '../../api/usernames';
import { seeded } from '../../data-server/reference-price';

/**
 * Participants are competitors: each attack a participant could make, now refused. Then a seeded
 * fuzz of every route (FUZZ_REQUESTS, default 20,000; FUZZ_SEED) with no 5xx, no crash, and
 * nothing appended to the stream or stored from a request that was refused.
 */
const FUZZ_REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 20_000);
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 14);

describe('security: what a competitor might try', () => {
  let stack: Stack;
  let redis: Redis;
  let adminToken: string;
  let alice: Participant;
  let bob: Participant;

  beforeAll(async () => {
    stack = await Stack.start({ ACCESS_TOKEN_TTL_SECONDS: '3', WS_MAX_SUBSCRIPTIONS: '1' });
    redis = new Redis(REDIS_URL);
    adminToken = await loginAdmin(stack);
    await admin(stack, adminToken, 'symbols', { symbol: 'ACME' });
    alice = await register(stack, 'alice');
    bob = await register(stack, 'bob');
    await admin(stack, adminToken, 'credit', { userId: alice.id, asset: 'CASH', amount: 100_000 });
    await admin(stack, adminToken, 'credit', { userId: bob.id, asset: 'ACME', amount: 100 });
    await admin(stack, adminToken, 'session', { state: 'OPEN' });
  }, 60_000);
  afterAll(async () => {
    redis?.disconnect();
    await stack?.stop();
  });

  /** a participant's fresh tokens (the stack's access tokens live 3 s) */
  const login = async (username: string, password = 'correct-horse-battery') => (await http(stack, 'POST', '/auth/login', { body: { username, password } })).body.data as { accessToken: string; refreshToken: string; user: { id: string } };
  /** an organiser token that has not expired */
  const organiser = async () => (await http(stack, 'POST', '/auth/login', { body: ADMIN })).body.data.accessToken as string;
  const entriesAdded = async () => {
    const info = (await redis.xinfo('STREAM', names(stack.prefix).inputStream)) as unknown[];
    return Number(info[info.indexOf('entries-added') + 1]);
  };

  test('the public tape, REST and live, names no participant and no order; each party sees only its own side', async () => {
    const a = await login('alice');
    const b = await login('bob');
    const watcher = await connectSocket(stack, (await login('alice')).accessToken);
    const tape: Record<string, unknown>[] = [];
    watcher.on('trade', (t) => tape.push(t as never));
    await watcher.emitWithAck('subscribe', { channel: 'trades', symbol: 'ACME' });
    await http(stack, 'POST', '/order/place', { token: b.accessToken, body: { symbol: 'ACME', side: 'SELL', price: 10, quantity: 2 } });
    const cross = await http(stack, 'POST', '/order/place', { token: a.accessToken, body: { symbol: 'ACME', side: 'BUY', price: 10, quantity: 2 } });
    const leaks = (x: unknown) => [bob.id, alice.id].some((id) => JSON.stringify(x).includes(id)) || /buyOrderId|sellOrderId|buyUserId|sellUserId/.test(JSON.stringify(x));
    expect(JSON.stringify(cross.body.data.trades)).not.toContain(bob.id);
    await waitFor('the tape to show the trade', () => tape.length > 0);
    expect(tape.some(leaks)).toBe(false);
    const rest = await http(stack, 'GET', '/market/trades/ACME');
    expect(rest.body.data.length).toBeGreaterThan(0);
    expect(leaks(rest.body.data)).toBe(false);
    watcher.disconnect();
  });

  test('requests that answered 500 now answer 4xx with a code', async () => {
    const a = await login('alice');
    const org = await organiser();
    const unsigned = (payload: object) => `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;
    const cursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const cases: [string, string, string, unknown?, string?][] = [
      ['a cursor of garbage', 'GET', `/history/orders?cursor=${cursor(['garbage', 'x'])}`],
      ['a cursor that is a JSON string', 'GET', `/history/trades?cursor=${cursor('just a string')}`],
      ['a NUL symbol on the history', 'GET', '/history/orders?symbol=%00'],
      ['a NUL symbol on the trades history', 'GET', '/history/trades?symbol=%00'],
      ['a time before 1970', 'GET', '/market/candles/ACME?to=-100000'],
      ['a year far outside PostgreSQL', 'GET', '/market/candles/ACME?from=-200000-01-01T00:00:00Z'],
      ['a fractional leaderboard limit', 'GET', '/leaderboard?limit=1.5'],
      ['a fractional order list limit', 'GET', `/order/user/${alice.id}?limit=1.5`],
      ['a logout with an unsigned token whose jti is 5', 'POST', '/auth/logout', { refreshToken: unsigned({ typ: 'refresh', jti: 5 }) }],
      ['a logout with an unsigned token whose jti is an object', 'POST', '/auth/logout', { refreshToken: unsigned({ typ: 'refresh', jti: {} }) }],
      ['a logout with an unsigned token whose jti holds a NUL', 'POST', '/auth/logout', { refreshToken: unsigned({ typ: 'refresh', jti: 'a\u0000b' }) }],
      ['a credit to a user id with a NUL', 'POST', '/admin/credit', { userId: 'a\u0000b', asset: 'CASH', amount: 1 }, 'admin'],
      ['a bulk credit naming a user id with a NUL', 'POST', '/admin/credit/bulk', { asset: 'CASH', amount: 1, userIds: ['a\u0000b'] }, 'admin'],
      ['an order status of an id with a NUL', 'GET', '/order/status/a%00b'],
    ];
    for (const [name, method, path, body, who] of cases) {
      const res = await http(stack, method, path, { token: who === 'admin' ? org : a.accessToken, body });
      expect([name, res.status >= 400 && res.status < 500, typeof res.body?.code]).toEqual([name, true, 'number']);
    }
  });

  test('prices over the cap and notionals over 2^53 are refused by the api and never reach the stream', async () => {
    const a = await login('alice');
    const before = await entriesAdded();
    const over = await http(stack, 'POST', '/order/place', { token: a.accessToken, body: { symbol: 'ACME', side: 'BUY', price: 10_000_001, quantity: 1 } });
    expect([over.status, over.body.code]).toEqual([400, ErrorCode.INVALID_PRICE]);
    const notional = await http(stack, 'POST', '/order/place', { token: a.accessToken, body: { symbol: 'ACME', side: 'BUY', price: 9_999_999, quantity: 999_999_999 } });
    expect([notional.status, notional.body.code]).toEqual([400, ErrorCode.INVALID_QUANTITY]);
    expect(await entriesAdded()).toBe(before);
  });

  test('names that pass for another participant are refused; weak passwords too', async () => {
    for (const lookAlike of ['Alice', 'ALICE', 'a1ice', 'Ａｌｉｃｅ', 'Organiser', 'ORGANISER', '0rganiser', ADMIN.username]) {
      const res = await http(stack, 'POST', '/auth/register', { body: { username: lookAlike, password: 'a-good-long-password' } });
      expect([lookAlike, res.status, res.body.code]).toEqual([lookAlike, 409, ErrorCode.USER_EXISTS]);
    }
    for (const password of ['password123', 'mallory-is-me', 'aaaaaaaaaaaa']) {
      const res = await http(stack, 'POST', '/auth/register', { body: { username: 'mallory', password } });
      expect([password, res.status]).toEqual([password, 400]);
    }
    const users = await stack.pg();
    await users.connect();
    try {
      expect((await users.query('SELECT count(*)::int AS n FROM users WHERE username_skeleton IN ($1, $2)', [usernameSkeleton('alice'), usernameSkeleton('mallory')])).rows[0].n).toBe(1);
    } finally {
      await users.end();
    }
  });

  test('a login for a name nobody has costs a key derivation too', async () => {
    const time = async (username: string) => {
      const t = process.hrtime.bigint();
      await http(stack, 'POST', '/auth/login', { body: { username, password: 'not-the-password-1' } });
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 8; i++) {
      known.push(await time('alice'));
      unknown.push(await time(`nobody${i}`));
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
    // before, an unknown name answered in a tenth of the time; within half now, interleaved
    expect(median(unknown)).toBeGreaterThan(0.5 * median(known));
  });

  test('every answer carries the security headers; token answers are not cached; metrics are not public', async () => {
    const page = await fetch(`${stack.apiUrl}/app/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain("'unsafe-inline' 'self'");
    for (const res of [page, await fetch(`${stack.apiUrl}/market/symbols`), await fetch(`${stack.apiUrl}/order/place`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })]) {
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    const tokens = await http(stack, 'POST', '/auth/login', { body: { username: 'alice', password: 'correct-horse-battery' } });
    expect(tokens.headers.get('cache-control')).toBe('no-store');
    expect((await fetch(`${stack.apiUrl}/metrics`)).status).toBe(404);
    expect((await fetch(`${stack.wsUrl}/metrics`)).status).toBe(404);
    expect(await (await fetch(`http://127.0.0.1:${stack.env.WS_METRICS_PORT}/metrics`)).text()).toMatch(/^ws_connected_clients /m);
  });

  test('logout verifies the token it is given: an unsigned one naming a session ends nothing', async () => {
    const s = await login('bob');
    const { jti } = jwt.decode(s.refreshToken) as { jti: string };
    const forged = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ typ: 'refresh', jti, sub: bob.id, iss: 'mock-exchange' })).toString('base64url')}.`;
    expect((await http(stack, 'POST', '/auth/logout', { body: { refreshToken: forged } })).status).toBe(401);
    expect((await http(stack, 'POST', '/auth/refresh', { body: { refreshToken: s.refreshToken } })).status).toBe(200);
  });

  test('a socket ends with its token unless given a fresh one, and at logout or revocation, on every ws-server', async () => {
    const port = await freePort();
    await stack.startService('ws-server', 'ws-server-2', { WS_PORT: String(port), WS_METRICS_PORT: String(await freePort()) });
    // expiry: closed once its 3 s token runs out
    const first = await login('alice');
    const expiring = await connectSocket(stack, first.accessToken);
    const expired = new Promise<unknown>((resolve) => expiring.once('session', resolve));
    const expiringClosed = new Promise<string>((resolve) => expiring.once('disconnect', resolve));
    expect(await expired).toEqual({ type: 'expired' });
    expect(await expiringClosed).toBe('io server disconnect');

    // a fresh token over the socket keeps it open past the first one's end
    const kept = await login('alice');
    const keeper = await connectSocket(stack, kept.accessToken);
    let keeperClosedAt = 0;
    keeper.on('disconnect', () => (keeperClosedAt = Date.now()));
    await new Promise((r) => setTimeout(r, 1200));
    const renewed = (await http(stack, 'POST', '/auth/refresh', { body: { refreshToken: kept.refreshToken } })).body.data as { accessToken: string; refreshToken: string };
    expect(await keeper.emitWithAck('auth', { token: renewed.accessToken })).toMatchObject({ ok: true });
    expect(await keeper.emitWithAck('auth', { token: first.accessToken })).toMatchObject({ ok: false, code: ErrorCode.UNAUTHORIZED });
    const keptUntil = (jwt.decode(kept.accessToken) as { exp: number }).exp * 1000;
    await waitFor('the first token to have expired', () => Date.now() > keptUntil + 200);
    expect(keeperClosedAt).toBe(0);
    keeper.disconnect();

    // logout: the session's sockets on both ws-servers close, and its tokens open no new one
    const session = await login('alice');
    const onFirst = await connectSocket(stack, session.accessToken);
    const onSecond = await connectSocket(stack, session.accessToken, `http://127.0.0.1:${port}`);
    const ended = Promise.all([onFirst, onSecond].map((s) => new Promise((resolve) => s.once('session', resolve))));
    expect((await http(stack, 'POST', '/auth/logout', { body: { refreshToken: session.refreshToken } })).status).toBe(200);
    expect(await ended).toEqual([{ type: 'ended' }, { type: 'ended' }]);
    // the access token has not expired yet: refused because its session ended
    expect(Date.now()).toBeLessThan((jwt.decode(session.accessToken) as { exp: number }).exp * 1000);
    await expect(connectSocket(stack, session.accessToken)).rejects.toThrow(/unauthorized/);

    // a refresh token presented twice ends every session of the participant
    const one = await login('bob');
    const two = await login('bob');
    const sockets: ClientSocket[] = [await connectSocket(stack, one.accessToken), await connectSocket(stack, two.accessToken, `http://127.0.0.1:${port}`)];
    const allEnded = Promise.all(sockets.map((s) => new Promise((resolve) => s.once('disconnect', resolve))));
    await http(stack, 'POST', '/auth/refresh', { body: { refreshToken: one.refreshToken } });
    expect((await http(stack, 'POST', '/auth/refresh', { body: { refreshToken: one.refreshToken } })).status).toBe(401);
    await allEnded;
    await stack.stopService('ws-server-2' as never);
  }, 30_000);

  test('sockets from other sites are refused; a flood of messages is refused and then closed; subscriptions are capped', async () => {
    const a = await login('alice');
    const foreign = io(stack.wsUrl, { auth: { token: a.accessToken }, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { origin: 'http://evil.example' } });
    await expect(new Promise((resolve, reject) => foreign.once('connect', () => resolve('connected')).once('connect_error', reject))).rejects.toBeDefined();
    foreign.close();
    const same = io(stack.wsUrl, { auth: { token: a.accessToken }, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { origin: 'http://127.0.0.1:3000' } });
    await new Promise((resolve, reject) => same.once('connect', () => resolve(undefined)).once('connect_error', reject));
    same.close();

    // one subscription at a time in this stack (WS_MAX_SUBSCRIPTIONS=1)
    const subscriber = await connectSocket(stack, (await login('alice')).accessToken);
    expect(await subscriber.emitWithAck('subscribe', { channel: 'market', symbol: 'ACME' })).toMatchObject({ ok: true });
    expect(await subscriber.emitWithAck('subscribe', { channel: 'trades', symbol: 'ACME' })).toMatchObject({ ok: false, code: ErrorCode.RATE_LIMITED });
    await subscriber.emitWithAck('unsubscribe', { channel: 'market', symbol: 'ACME' });
    expect(await subscriber.emitWithAck('subscribe', { channel: 'trades', symbol: 'ACME' })).toMatchObject({ ok: true });
    subscriber.disconnect();

    const flooder = await connectSocket(stack, (await login('alice')).accessToken);
    const closed = new Promise((resolve) => flooder.once('disconnect', resolve));
    const answers = await Promise.all(Array.from({ length: 60 }, () => flooder.timeout(2000).emitWithAck('subscribe', { channel: 'market', symbol: 'ACME' }).catch(() => null)));
    expect(answers.some((x) => x !== null && (x as { ok: boolean; code?: number }).code === ErrorCode.RATE_LIMITED)).toBe(true);
    for (let i = 0; i < 200; i++) flooder.emit('unsubscribe', { channel: 'market', symbol: 'ACME' }, () => undefined);
    await closed;
  });

  test(`a seeded fuzz of ${FUZZ_REQUESTS} malformed requests over every route: no 5xx, no crash, nothing appended or stored from a refused one`, async () => {
    const rnd = seeded(FUZZ_SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    /** percent-encoded as UTF-8; a lone surrogate (which has no UTF-8) as the bytes of U+FFFD would be */
    const enc = (v: string) => encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '\ufffd'));
    const nasty = ['', ' ', '\u0000', 'a\u0000b', '%00', '-1', '0', '1.5', '1e308', 'NaN', 'Infinity', '9'.repeat(40), '"', "'", '\\', '<script>alert(1)</script>', '../../etc/passwd', 'ACME', 'acme', 'Ａ', '\ud800', '{}', '[]', 'null', 'true', '2026-13-45', '-200000-01-01', 'x'.repeat(300), alice.id, bob.id];
    const anyValue = (depth = 0): unknown => {
      const r = rnd();
      if (r < 0.25) return pick(nasty);
      if (r < 0.45) return pick([0, -1, 1.5, 1e21, -0, 2 ** 53, Number.MAX_VALUE, 100, 10_000_001]);
      if (r < 0.55) return pick([null, true, false]);
      if (r < 0.7 && depth < 2) return Array.from({ length: Math.floor(rnd() * 3) }, () => anyValue(depth + 1));
      if (depth < 2) return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, () => [pick(['symbol', 'side', 'price', 'quantity', 'type', 'timeInForce', 'clientOrderId', 'orderId', 'userId', 'username', 'password', 'refreshToken', 'asset', 'amount', 'state', 'enabled', 'entries', pick(nasty)]), anyValue(depth + 1)]));
      return pick(nasty);
    };
    const routes: [string, string][] = [
      ['POST', '/auth/register'], ['POST', '/auth/login'], ['POST', '/auth/refresh'], ['POST', '/auth/logout'],
      ['POST', '/order/place'], ['POST', '/order/cancel'], ['GET', '/order/status/:x'], ['GET', '/order/user/:x'],
      ['GET', '/market/symbols'], ['GET', '/market/quote/:x'], ['GET', '/market/reference/:x'], ['GET', '/market/orderbook/:x'], ['GET', '/market/trades/:x'], ['GET', '/market/candles/:x'], ['GET', '/market/session'],
      ['GET', '/leaderboard'], ['GET', '/account/me'], ['GET', '/account/balance'], ['GET', '/account/portfolio'], ['GET', '/portfolio'],
      ['GET', '/history/orders'], ['GET', '/history/trades'],
      ['GET', '/admin/audit'], ['POST', '/admin/symbols'], ['POST', '/admin/credit'], ['POST', '/admin/credit/bulk'], ['GET', '/admin/participants'], ['GET', '/admin/volume'], ['POST', '/admin/session'], ['GET', '/admin/snapshots'], ['GET', '/admin/schedule'], ['POST', '/admin/schedule'], ['GET', '/admin/bots'], ['POST', '/admin/bots'],
      // the social layer
      ['GET', '/profiles/:x'], ['GET', '/account/profile'], ['POST', '/account/profile'], ['GET', '/follows'], ['POST', '/follows/:x'], ['DELETE', '/follows/:x'], ['GET', '/leaderboard/following'],
      ['GET', '/feed'], ['GET', '/feed/following'], ['POST', '/feed/posts'], ['GET', '/feed/posts/:x'], ['GET', '/feed/posts/:x/comments'], ['POST', '/feed/posts/:x/comments'], ['POST', '/feed/posts/:x/like'], ['DELETE', '/feed/posts/:x/like'],
      ['GET', '/notifications'], ['POST', '/notifications/read'], ['GET', '/notifications/preferences'], ['POST', '/notifications/preferences'],
      ['POST', '/admin/announcements'], ['POST', '/admin/posts/:x/moderate'], ['POST', '/admin/comments/:x/moderate'], ['POST', '/admin/mutes'], ['GET', '/admin/mutes'],
      ['GET', '/openapi.json'], ['GET', '/app/'], ['DELETE', '/order/place'], ['PUT', '/admin/session'], ['GET', '/nowhere/:x'],
    ];
    const queryKeys = ['symbol', 'status', 'from', 'to', 'limit', 'cursor', 'interval', 'period', pick(nasty)];
    // tokens of a participant and an organiser, renewed as they expire (the stack's live 3 s)
    let participant = await login('alice');
    let org = await organiser();
    let renewedAt = Date.now();
    const tokens = () => pick([undefined, undefined, participant.accessToken, participant.accessToken, org, 'garbage', `${participant.accessToken}x`, 'Bearer', pick(nasty)]);
    const pg = stack.pg();
    await pg.connect();
    const users = async () => Number((await pg.query('SELECT count(*)::int AS n FROM users')).rows[0].n);
    const fiveHundreds: string[] = [];
    const statuses = new Map<number, number>();
    // answers that the engine gave (it appended the command and refused it): whose order an id is,
    // a clientOrderId used before, a place the engine rejected
    const engineAnswers = new Set([404, 409, 422]);
    const deadline = Date.now() + 8 * 60_000;
    let sent = 0;
    try {
      for (; sent < FUZZ_REQUESTS && Date.now() < deadline; sent++) {
        if (Date.now() - renewedAt > 1500) {
          [participant, org, renewedAt] = [await login('alice'), await organiser(), Date.now()];
        }
        const [method, template] = pick(routes);
        const path = template.replace(':x', enc(String(pick(nasty))));
        const query = rnd() < 0.5 ? '' : `?${Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => `${enc(pick(queryKeys))}=${enc(String(pick(nasty)))}`).join('&')}`;
        // a place or cancel that is right but for one field goes deeper than a body of noise
        const nearlyRight = (): Record<string, unknown> => {
          const base: Record<string, unknown> = path === '/order/cancel' ? { clientOrderId: `f${sent}` } : { symbol: 'ACME', side: 'BUY', type: 'LIMIT', timeInForce: 'GFD', price: 1, quantity: 1, clientOrderId: `f${sent}` };
          base[pick(Object.keys(base))] = anyValue(1);
          return base;
        };
        const body =
          method === 'POST' || method === 'PUT'
            ? rnd() < 0.1
              ? pick(['{', '[', 'null', '"x"', '{"a":1,}', '\u0000'])
              : JSON.stringify(path.startsWith('/order/') && rnd() < 0.5 ? nearlyRight() : anyValue())
            : undefined;
        // what HTTP can carry in a header at all (a client cannot send a NUL or non-Latin-1 there)
        const raw = tokens();
        const token = raw !== undefined && /^[\x20-\x7e\x80-\xff]*$/.test(raw) ? raw : undefined;
        const appends = method === 'POST' && (path.startsWith('/order/') || path.startsWith('/admin/'));
        const registers = path === '/auth/register';
        const [entriesBefore, usersBefore] = [appends ? await entriesAdded() : 0, registers ? await users() : 0];
        const res = await fetch(`${stack.apiUrl}${path}${query}`, {
          method,
          headers: { ...(body !== undefined ? { 'content-type': pick(['application/json', 'application/json', 'text/plain', 'application/json; charset=utf-8']) } : {}), ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}) },
          body,
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) fiveHundreds.push(`${res.status} ${method} ${path}${query} ${body ?? ''}`);
        const refused = res.status >= 400 && !engineAnswers.has(res.status);
        if (refused && appends) expect([method, path, body, await entriesAdded()]).toEqual([method, path, body, entriesBefore]);
        if (res.status >= 400 && registers) expect([path, body, await users()]).toEqual([path, body, usersBefore]);
      }
    } finally {
      await pg.end();
    }
    process.stderr.write(`[fuzz] ${sent} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`);
    expect(fiveHundreds).toEqual([]);
    expect(sent).toBe(FUZZ_REQUESTS);
    for (const service of ['engine', 'db-writer', 'api', 'ws-server'] as const) expect([service, (await fetch(stack.healthUrl(service))).status]).toEqual([service, 200]);
  }, 10 * 60_000);
});

describe('security: limits per address that X-Forwarded-For cannot dodge', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start({ AUTH_RATE_LIMIT_PER_MINUTE: '12', PUBLIC_READ_LIMIT_PER_MINUTE: '20' }, ['api']);
  }, 60_000);
  afterAll(async () => stack?.stop());

  test('password guesses and public reads from one address are limited whatever address they claim', async () => {
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => http(stack, 'POST', '/auth/login', { body: { username: 'organiser', password: `guess-${i}-guess` }, headers: { 'x-forwarded-for': `10.0.0.${i}` } })));
    // at most two windows' worth got through, however the minute fell
    expect(guesses.filter((g) => g.status === 429).length).toBeGreaterThanOrEqual(30 - 24);
    const reads = await Promise.all(Array.from({ length: 60 }, (_, i) => http(stack, 'GET', '/market/symbols', { headers: { 'x-forwarded-for': `10.0.1.${i}` } })));
    expect(reads.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(60 - 40);
  });
});

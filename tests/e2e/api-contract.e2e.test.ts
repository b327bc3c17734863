import Ajv2020 from 'ajv/dist/2020';
import { execFileSync } from 'child_process';
import { join } from 'path';
import { ROUTES } from '../../api/openapi';
import { http, loginAdmin, register, waitFor, type Participant } from '../harness/client';
import { Stack } from '../harness/stack';

/**
 * The REST contract: /openapi.json is a valid OpenAPI 3.1 document (checked by a validator of the
 * official schema), and a real answer of every route it lists, from the running stack, has one of
 * the statuses documented for it and validates against that status's schema (JSON Schema 2020-12,
 * checked by Ajv). A route answered by none of the samples below fails the test.
 */
describe('the REST contract', () => {
  let stack: Stack;
  let doc: any;
  let admin: string;
  let alice: Participant;
  let bob: Participant;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  /** route key → the statuses seen, each validated */
  const seen = new Map<string, Set<number>>();
  let checked = 0;

  /** Calls a route and checks the answer against the document; returns the body. */
  async function call(method: 'get' | 'post' | 'delete', template: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<any> {
    const res = await http(stack, method.toUpperCase(), path, opts);
    const operation = doc.paths[template]?.[method];
    if (operation === undefined) throw new Error(`${method} ${template} is not in the document`);
    const documented = operation.responses[String(res.status)] ?? (res.status >= 500 ? operation.responses.default : undefined);
    if (documented === undefined) throw new Error(`${method} ${path} answered ${res.status}, not documented (${Object.keys(operation.responses).join(', ')}): ${JSON.stringify(res.body)}`);
    const schema = documented.content['application/json'].schema;
    // the document's components beside the schema, so that a $ref to the Failure envelope resolves
    const validate = ajv.compile({ ...schema, components: doc.components, $id: `https://contract.test/${checked++}` });
    if (!validate(res.body)) throw new Error(`${method} ${path} ${res.status} does not match its schema: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body).slice(0, 600)}`);
    const key = `${method} ${template}`;
    if (!seen.has(key)) seen.set(key, new Set());
    seen.get(key)!.add(res.status);
    return res.body;
  }

  beforeAll(async () => {
    stack = await Stack.start({ REFERENCE_INTERVAL_MS: '200', LEADERBOARD_INTERVAL_MS: '300' }, ['engine', 'db-writer', 'api', 'ws-server', 'data-server']);
    admin = await loginAdmin(stack);
    doc = (await http(stack, 'GET', '/openapi.json')).body;
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  test('when /openapi.json is checked by an OpenAPI 3.1 validator, then it is valid, and every operation documents its statuses', async () => {
    // @seriousme/openapi-schema-validator checks it against the official 3.1 schema, in a process of its own (it is an ES module)
    const result = JSON.parse(execFileSync(process.execPath, [join(__dirname, '..', 'harness', 'validate-openapi.mjs')], { input: JSON.stringify(doc) }).toString());
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({ valid: true, version: '3.1' });
    for (const r of ROUTES) {
      const responses = doc.paths[r.path][r.method].responses;
      expect(Object.keys(responses).some((s) => s.startsWith('2'))).toBe(true);
      if (r.auth !== 'none') expect(responses['401']).toBeDefined();
    }
    // place answers 200 with the verdict and 202 when it is late; register creates (201)
    expect(Object.keys(doc.paths['/order/place'].post.responses)).toEqual(expect.arrayContaining(['200', '202', '400', '401', '422', '429']));
    expect(doc.paths['/auth/register'].post.responses['201']).toBeDefined();
    expect(doc.paths['/order/place'].post.requestBody.content['application/json'].schema.properties.quantity).toEqual({ type: 'integer', minimum: 1, maximum: 1_000_000_000 });
  });

  test('when every route is called for real, then each answer has a documented status and matches its schema', async () => {
    // auth
    const reg = await call('post', '/auth/register', '/auth/register', { body: { username: 'alice', password: 'correct-horse-battery' } });
    alice = { id: reg.data.user.id, username: 'alice', token: reg.data.accessToken, refreshToken: reg.data.refreshToken };
    bob = await register(stack, 'bob');
    await call('post', '/auth/register', '/auth/register', { body: { username: 'alice', password: 'correct-horse-battery' } });
    const login = await call('post', '/auth/login', '/auth/login', { body: { username: 'bob', password: 'correct-horse-battery' } });
    await call('post', '/auth/login', '/auth/login', { body: { username: 'bob', password: 'wrong-password-here' } });
    const refreshed = await call('post', '/auth/refresh', '/auth/refresh', { body: { refreshToken: login.data.refreshToken } });
    await call('post', '/auth/logout', '/auth/logout', { body: { refreshToken: refreshed.data.refreshToken } });

    // the organiser lists a symbol, funds, opens, schedules, switches the bots
    await call('post', '/admin/symbols', '/admin/symbols', { token: admin, body: { symbol: 'ACME', tickSize: 0.01, referencePrice: 100 } });
    await call('post', '/admin/symbols', '/admin/symbols', { token: alice.token, body: { symbol: 'NOPE', tickSize: 0.01 } });
    await call('post', '/admin/credit', '/admin/credit', { token: admin, body: { userId: alice.id, asset: 'CASH', amount: 10_000 } });
    await call('post', '/admin/credit', '/admin/credit', { token: admin, body: { userId: bob.id, asset: 'ACME', amount: 100 } });
    await call('post', '/admin/credit/bulk', '/admin/credit/bulk', { token: admin, body: { asset: 'CASH', amount: 5 } });
    await call('post', '/admin/session', '/admin/session', { token: admin, body: { state: 'OPEN' } });
    await call('post', '/admin/schedule', '/admin/schedule', { token: admin, body: { entries: [{ state: 'CLOSED', at: new Date(Date.now() + 3_600_000).toISOString() }] } });
    await call('get', '/admin/schedule', '/admin/schedule', { token: admin });
    await call('post', '/admin/bots', '/admin/bots', { token: admin, body: { enabled: false, intensity: 1 } });
    await call('get', '/admin/bots', '/admin/bots', { token: admin });

    // trading: a resting order, a cross, a refusal, a stop, an amend, a cancel, cancel-all
    const resting = await call('post', '/order/place', '/order/place', { token: bob.token, body: { symbol: 'ACME', side: 'SELL', price: 101, quantity: 10, clientOrderId: 'b-1' } });
    await call('post', '/order/place', '/order/place', { token: alice.token, body: { symbol: 'ACME', side: 'BUY', type: 'MARKET', timeInForce: 'IOC', quantity: 4 } });
    await call('post', '/order/place', '/order/place', { token: alice.token, body: { symbol: 'ACME', side: 'BUY', price: 1_000, quantity: 1_000 } });
    await call('post', '/order/place', '/order/place', { token: alice.token, body: { symbol: 'ACME', side: 'BUY', price: 1, quantity: 1.5 } });
    await call('post', '/order/place', '/order/place', { token: alice.token, body: { symbol: 'ACME', side: 'BUY', type: 'STOP_LIMIT', stopPrice: 110, price: 110, quantity: 1 } });
    await call('post', '/order/place', '/order/place', { token: bob.token, body: { symbol: 'ACME', side: 'SELL', price: 101, quantity: 10, clientOrderId: 'b-1' } });
    await call('post', '/order/amend', '/order/amend', { token: bob.token, body: { orderId: resting.data.orderId, quantity: 5 } });
    await call('post', '/order/amend', '/order/amend', { token: bob.token, body: { orderId: 'no-such-order', quantity: 5 } });
    await call('get', '/order/status/{orderId}', `/order/status/${resting.data.orderId}`, { token: bob.token });
    await call('get', '/order/status/{orderId}', `/order/status/${resting.data.orderId}`, { token: alice.token });
    await call('get', '/order/user/{userId}', `/order/user/${bob.id}`, { token: bob.token });
    await call('get', '/order/user/{userId}', `/order/user/${bob.id}`, { token: alice.token });
    await call('post', '/order/cancel', '/order/cancel', { token: bob.token, body: { clientOrderId: 'b-1' } });
    await call('post', '/order/cancel', '/order/cancel', { token: bob.token, body: { clientOrderId: 'b-1' } });
    await call('post', '/order/cancel-all', '/order/cancel-all', { token: alice.token, body: {} });

    // the participant's reads, once the fills are persisted
    await waitFor('the fills in history', async () => (await http(stack, 'GET', '/history/trades', { token: alice.token })).body.data.items.length > 0);
    for (const path of ['/account/me', '/account/balance', '/portfolio', '/account/portfolio', '/history/orders', '/history/trades']) await call('get', path, path, { token: alice.token });
    await call('get', '/account/balance', '/account/balance', {});
    await call('get', '/history/orders', '/history/orders?limit=0', { token: alice.token });

    // the market, for anyone
    await waitFor('a reference price', async () => (await http(stack, 'GET', '/market/reference/ACME')).status === 200);
    for (const [template, path] of [
      ['/market/symbols', '/market/symbols'],
      ['/market/quote/{symbol}', '/market/quote/ACME'],
      ['/market/quote/{symbol}', '/market/quote/NOPE'],
      ['/market/reference/{symbol}', '/market/reference/ACME'],
      ['/market/orderbook/{symbol}', '/market/orderbook/ACME'],
      ['/market/trades/{symbol}', '/market/trades/ACME'],
      ['/market/candles/{symbol}', '/market/candles/ACME?interval=1m'],
      ['/market/session', '/market/session'],
      ['/market/rules', '/market/rules'],
      ['/news', '/news'],
      ['/ready', '/ready'],
      ['/health', '/health'],
      ['/live', '/live'],
      ['/openapi.json', '/openapi.json'],
      ['/asyncapi.json', '/asyncapi.json'],
    ]) await call('get', template, path);
    await waitFor('a leaderboard', async () => (await http(stack, 'GET', '/leaderboard')).body.data.entries.length > 0);
    await call('get', '/leaderboard', '/leaderboard');

    // profiles and follows
    await call('post', '/account/profile', '/account/profile', { token: alice.token, body: { displayName: 'Alice', bio: 'hello', showPositions: true } });
    await call('post', '/account/profile', '/account/profile', { token: alice.token, body: { colour: 'red' } });
    await call('get', '/account/profile', '/account/profile', { token: alice.token });
    await call('get', '/profiles/{userId}', `/profiles/${alice.id}`);
    await call('get', '/profiles/{userId}', '/profiles/nobody');
    await call('post', '/follows/{userId}', `/follows/${alice.id}`, { token: bob.token });
    await call('post', '/follows/{userId}', `/follows/${bob.id}`, { token: bob.token });
    await call('post', '/follows/{userId}', '/follows/nobody', { token: bob.token });
    await call('get', '/follows', '/follows', { token: bob.token });
    await call('get', '/leaderboard/following', '/leaderboard/following', { token: bob.token });
    await call('delete', '/follows/{userId}', `/follows/${alice.id}`, { token: bob.token });

    // the feed and its moderation
    const trade = (await http(stack, 'GET', '/history/trades', { token: alice.token })).body.data.items[0];
    const post = await call('post', '/feed/posts', '/feed/posts', { token: alice.token, body: { text: 'my fill', tradeId: trade.tradeId } });
    await call('post', '/feed/posts', '/feed/posts', { token: bob.token, body: { text: 'not mine', tradeId: trade.tradeId + 1_000_000 } });
    await call('post', '/feed/posts', '/feed/posts', { token: bob.token, body: { text: '' } });
    await call('post', '/admin/announcements', '/admin/announcements', { token: admin, body: { text: 'Welcome' } });
    await call('get', '/feed', '/feed', { token: bob.token });
    await call('get', '/feed', '/feed?limit=0', { token: bob.token });
    await call('get', '/feed/following', '/feed/following', { token: bob.token });
    await call('get', '/feed/posts/{postId}', `/feed/posts/${post.data.postId}`, { token: bob.token });
    await call('get', '/feed/posts/{postId}', '/feed/posts/999999', { token: bob.token });
    const comment = await call('post', '/feed/posts/{postId}/comments', `/feed/posts/${post.data.postId}/comments`, { token: bob.token, body: { text: 'nice' } });
    await call('get', '/feed/posts/{postId}/comments', `/feed/posts/${post.data.postId}/comments`, { token: bob.token });
    await call('post', '/feed/posts/{postId}/like', `/feed/posts/${post.data.postId}/like`, { token: bob.token });
    await call('delete', '/feed/posts/{postId}/like', `/feed/posts/${post.data.postId}/like`, { token: bob.token });
    await call('post', '/admin/comments/{commentId}/moderate', `/admin/comments/${comment.data.commentId}/moderate`, { token: admin, body: { action: 'hide' } });
    await call('post', '/admin/posts/{postId}/moderate', `/admin/posts/${post.data.postId}/moderate`, { token: admin, body: { action: 'hide' } });
    await call('post', '/admin/posts/{postId}/moderate', '/admin/posts/999999/moderate', { token: admin, body: { action: 'hide' } });
    await call('post', '/admin/mutes', '/admin/mutes', { token: admin, body: { userId: bob.id, minutes: 5 } });
    await call('post', '/feed/posts/{postId}/comments', `/feed/posts/${post.data.postId}/comments`, { token: bob.token, body: { text: 'muted?' } });
    await call('get', '/admin/mutes', '/admin/mutes', { token: admin });
    await call('post', '/admin/mutes', '/admin/mutes', { token: admin, body: { userId: bob.id, minutes: 0 } });

    // the notification centre (alice has fills, a follower, a comment by now)
    const notes = await call('get', '/notifications', '/notifications', { token: alice.token });
    await call('get', '/notifications', '/notifications?unread=maybe', { token: alice.token });
    await call('post', '/notifications/read', '/notifications/read', { token: alice.token, body: { ids: [notes.data.items[0].notificationId] } });
    await call('post', '/notifications/read', '/notifications/read', { token: alice.token, body: { all: false } });
    await call('get', '/notifications/preferences', '/notifications/preferences', { token: alice.token });
    await call('post', '/notifications/preferences', '/notifications/preferences', { token: alice.token, body: { kinds: { LIKE: false } } });
    await call('post', '/notifications/preferences', '/notifications/preferences', { token: alice.token, body: { kinds: { SPAM: false } } });

    // the organiser's reads, news, an event, results, a close and a reset
    for (const path of ['/admin/participants', '/admin/volume', '/admin/audit', '/admin/event', '/admin/results']) await call('get', path, path, { token: admin });
    await call('get', '/admin/participants', '/admin/participants', { token: alice.token });
    await call('post', '/admin/news', '/admin/news', { token: admin, body: { headline: 'ACME wins a contract', symbol: 'ACME', movePercent: 2 } });
    await call('post', '/admin/event', '/admin/event', { token: admin, body: { name: 'Too early', symbols: [{ symbol: 'ACME', referencePrice: 100 }] } });
    await call('post', '/admin/session', '/admin/session', { token: admin, body: { state: 'CLOSED' } });
    await call('get', '/admin/snapshots', '/admin/snapshots', { token: admin });
    await call('post', '/admin/event', '/admin/event', { token: admin, body: { name: 'Contract day', symbols: [{ symbol: 'ACME', referencePrice: 100 }], starting: { cash: 1000 }, news: [{ afterMinutes: 5, headline: 'Later' }] } });
    await call('get', '/admin/event', '/admin/event', { token: admin });
    await call('get', '/admin/results', '/admin/results', { token: admin });
    await call('post', '/admin/reset', '/admin/reset', { token: admin });
    await call('post', '/admin/reset', '/admin/reset', { token: alice.token });

    const missing = ROUTES.map((r) => `${r.method} ${r.path}`).filter((k) => ![...(seen.get(k) ?? [])].some((s) => s < 300));
    expect(missing).toEqual([]);
    // refusals were checked too, against the Failure schema
    expect([...seen.values()].flatMap((s) => [...s]).filter((s) => s >= 400).length).toBeGreaterThan(10);
  }, 120_000);
});

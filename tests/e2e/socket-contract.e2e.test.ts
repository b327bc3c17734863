import { Parser } from '@asyncapi/parser';
import Ajv from 'ajv';
import { readFileSync } from 'fs';
import { join } from 'path';
import { asyncApiDocument } from '../../contracts/asyncapi';
import { CLIENT_EVENTS, SERVER_EVENTS } from '../../contracts/socket';
import { admin, connectSocket, http, loginAdmin, record, register, waitFor, type ClientSocket } from '../harness/client';
import { Stack } from '../harness/stack';

/**
 * The Socket.IO contract: the AsyncAPI 3 document generated from contracts/socket.ts is valid for
 * the AsyncAPI parser, the copy in docs/ is the current one, and every event a real ws-server sends
 * (and every acknowledgement it gives), caught by a real socket.io-client, matches the payload
 * schema the document gives it.
 */
describe('the Socket.IO contract', () => {
  const doc = asyncApiDocument() as any;
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validators = new Map(Object.entries(doc.components.messages as Record<string, { payload: object }>).map(([name, m]) => [name, ajv.compile(m.payload)]));
  const check = (name: string, payload: unknown) => {
    const validate = validators.get(name);
    if (validate === undefined) throw new Error(`${name} is not in the document`);
    if (!validate(payload)) throw new Error(`${name} does not match its schema: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(payload).slice(0, 500)}`);
  };

  test('when the document is parsed by the AsyncAPI parser, then it has no errors, and docs/asyncapi.json is the current one', async () => {
    const { document, diagnostics } = await new Parser().parse(doc);
    // severity 0 is an error; warnings (1) and hints are style
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.version()).toBe('3.0.0');
    expect(document!.operations().all().map((o) => o.id()).sort()).toEqual(
      [...Object.keys(SERVER_EVENTS).map((n) => `receive${n[0].toUpperCase()}${n.slice(1)}`), ...Object.keys(CLIENT_EVENTS)].sort(),
    );
    const committed = JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'asyncapi.json'), 'utf8'));
    expect(committed).toEqual(doc);
  });

  describe('against a running exchange', () => {
    let stack: Stack;
    let socket: ClientSocket;

    beforeAll(async () => {
      stack = await Stack.start({ REFERENCE_INTERVAL_MS: '200', LEADERBOARD_INTERVAL_MS: '300' }, ['engine', 'db-writer', 'api', 'ws-server', 'data-server']);
    }, 60_000);

    afterAll(async () => {
      socket?.close();
      await stack?.stop();
    });

    test('when a participant trades, subscribes and is logged out, then every event and acknowledgement matches the document', async () => {
      const token = await loginAdmin(stack);
      const alice = await register(stack, 'alice');
      const bob = await register(stack, 'bob');
      socket = await connectSocket(stack, alice.token);
      const seen = record(socket, Object.keys(SERVER_EVENTS) as (keyof typeof SERVER_EVENTS)[]);
      const ack = async (name: keyof typeof CLIENT_EVENTS, payload: unknown) => {
        check(name, payload);
        const reply = await (socket as any).emitWithAck(name, payload);
        check(`${name}Ack`, reply);
        return reply;
      };
      expect((await ack('subscribe', { channel: 'market', symbol: 'NOPE' })).ok).toBe(false);
      await admin(stack, token, 'symbols', { symbol: 'ACME', tickSize: 0.01, referencePrice: 100 });
      await admin(stack, token, 'credit', { userId: alice.id, asset: 'CASH', amount: 10_000 });
      await admin(stack, token, 'credit', { userId: bob.id, asset: 'ACME', amount: 50 });
      await admin(stack, token, 'session', { state: 'OPEN' });
      expect((await ack('subscribe', { channel: 'market', symbol: 'ACME' })).ok).toBe(true);
      expect((await ack('subscribe', { channel: 'trades', symbol: 'ACME' })).ok).toBe(true);
      expect((await ack('subscribe', { channel: 'leaderboard' })).ok).toBe(true);
      await http(stack, 'POST', '/order/place', { token: bob.token, body: { symbol: 'ACME', side: 'SELL', price: 101, quantity: 5 } });
      await http(stack, 'POST', '/order/place', { token: alice.token, body: { symbol: 'ACME', side: 'BUY', price: 101, quantity: 2 } });
      await http(stack, 'POST', '/order/place', { token: alice.token, body: { symbol: 'ACME', side: 'BUY', type: 'STOP_LIMIT', stopPrice: 120, price: 120, quantity: 1 } });
      await http(stack, 'POST', '/order/cancel', { token: alice.token, body: { orderId: 'not-an-order' } });
      await http(stack, 'POST', '/admin/news', { token, body: { headline: 'ACME wins a contract', symbol: 'ACME', movePercent: 1 } });
      await http(stack, 'POST', '/admin/announcements', { token, body: { text: 'Welcome to the event' } });
      const renewed = await http(stack, 'POST', '/auth/login', { body: { username: 'alice', password: 'correct-horse-battery' } });
      expect((await ack('auth', { token: renewed.body.data.accessToken })).ok).toBe(true);
      expect((await ack('unsubscribe', { channel: 'trades', symbol: 'ACME' })).ok).toBe(true);
      // `conflated` (and the `orderbook` after it) only reach a socket that fell behind: tests/e2e/slow-consumer.e2e.test.ts
      const want = Object.keys(SERVER_EVENTS).filter((n) => n !== 'session' && n !== 'conflated' && n !== 'orderbook');
      await waitFor('every kind of event', () => want.every((n) => seen.some((e) => e.name === n)), 15_000);
      // the end of the session ends the socket, with a `session` event first
      await http(stack, 'POST', '/auth/logout', { body: { refreshToken: renewed.body.data.refreshToken } });
      await http(stack, 'POST', '/auth/logout', { body: { refreshToken: alice.refreshToken } });
      await waitFor('the session event', () => seen.some((e) => e.name === 'session'));
      for (const e of seen) check(e.name, e.data);
      expect(new Set(seen.map((e) => e.name))).toEqual(new Set(Object.keys(SERVER_EVENTS).filter((n) => n !== 'conflated' && n !== 'orderbook')));
      // the stop order's events carry its stop fields, and every order event its update ids
      expect(seen.some((e) => e.name === 'order' && e.data.stopPrice === 120 && e.data.triggered === false)).toBe(true);
    }, 60_000);
  });
});

import Redis from 'ioredis';
import { names } from '../../contracts/names';
import { admin, http, loginAdmin, waitFor } from '../harness/client';
import { REDIS_URL, Stack } from '../harness/stack';

/**
 * data-server: reference prices on a channel of their own, and liquidity bots that trade through
 * the api as registered participants, switched on and off by the organiser.
 */
describe('data-server', () => {
  let stack: Stack;
  let sub: Redis;
  const seen = new Map<string, { type: string; symbol?: string; price?: number }[]>();

  beforeAll(async () => {
    stack = await Stack.start(
      { REFERENCE_INTERVAL_MS: '150', RANDOM_SEED: '42', BOT_MARKET_MAKERS: '1', BOT_NOISE_TRADERS: '2', BOT_SHARES: '1000', REFERENCE_VOLATILITY: '0.001' },
      ['engine', 'db-writer', 'api', 'ws-server', 'data-server'],
    );
    const ch = names(stack.prefix).channels;
    sub = new Redis(REDIS_URL);
    const channels = [ch.referencePrices, ch.marketData, ch.orderUpdates, ch.trades, ch.errors, ch.exchangeEvents, ch.balances];
    for (const c of channels) seen.set(c, []);
    sub.on('message', (channel: string, message: string) => seen.get(channel)?.push(JSON.parse(message)));
    await sub.subscribe(...channels);
    const token = await loginAdmin(stack);
    await admin(stack, token, 'symbols', { symbol: 'ACME', tickSize: 0.05, referencePrice: 42.5 });
    await admin(stack, token, 'session', { state: 'OPEN' });
  }, 60_000);

  afterAll(async () => {
    sub?.disconnect();
    await stack?.stop();
  });

  test('when it runs, then each symbol gets reference prices on their own channel, on the tick, and no trades appear while bots are off', async () => {
    const ch = names(stack.prefix).channels;
    const refs = await waitFor('reference prices', () => {
      const r = seen.get(ch.referencePrices)!.filter((m) => m.symbol === 'ACME');
      return r.length >= 5 ? r : null;
    });
    expect(refs[0].price).toBe(42.5); // where the organiser listed it
    for (const r of refs) {
      expect(r.type).toBe('reference');
      expect(Math.round(r.price! * 100) % 5).toBe(0);
    }
    expect(new Set(refs.map((r) => r.price)).size).toBeGreaterThan(1);
    const stored = await http(stack, 'GET', '/market/quote/ACME');
    expect(stored.body.data.totalVolume).toBe(0);
  });

  test('when an organiser switches the bots on, then makers quote both sides and noise traders trade, all as bot participants through the api', async () => {
    const token = await loginAdmin(stack);
    const on = await http(stack, 'POST', '/admin/bots', { token, body: { enabled: true, intensity: 4 } });
    expect(on.body.data).toEqual({ enabled: true, intensity: 4 });
    const book = await waitFor('bot quotes on both sides', async () => {
      const b = (await http(stack, 'GET', '/market/orderbook/ACME')).body.data;
      return b.bids.length > 0 && b.asks.length > 0 ? b : null;
    });
    expect(book.bids[0].price).toBeLessThan(book.asks[0].price);
    await waitFor('bot trades', async () => (await http(stack, 'GET', '/market/quote/ACME')).body.data.totalVolume > 0);
    const pg = stack.pg();
    await pg.connect();
    try {
      const traders = await waitFor('persisted trades', async () => {
        const r = await pg.query('SELECT DISTINCT u.username FROM trades t JOIN users u ON u.id IN (t.buy_user_id, t.sell_user_id)');
        return r.rowCount && r.rowCount > 0 ? r.rows.map((x) => x.username as string) : null;
      });
      expect(traders.every((u) => u.startsWith('bot-'))).toBe(true);
    } finally {
      await pg.end();
    }
  });

  test('when the bots are switched off, then their quotes are withdrawn and they stop sending orders', async () => {
    const token = await loginAdmin(stack);
    await http(stack, 'POST', '/admin/bots', { token, body: { enabled: false } });
    const redis = new Redis(REDIS_URL);
    try {
      const added = async () => {
        const info = (await redis.xinfo('STREAM', names(stack.prefix).inputStream)) as unknown[];
        return Number(info[info.indexOf('entries-added') + 1]);
      };
      // a step already under way when the switch flipped may still finish; then everything stops
      await waitFor('the bots to fall silent with an empty book', async () => {
        const before = await added();
        await new Promise((r) => setTimeout(r, 400));
        const b = (await http(stack, 'GET', '/market/orderbook/ACME')).body.data;
        return (await added()) === before && b.bids.length === 0 && b.asks.length === 0;
      });
      const before = await added();
      await new Promise((r) => setTimeout(r, 800));
      expect(await added()).toBe(before);
    } finally {
      redis.disconnect();
    }
  });

  test('when all that has run, then the reference channel and the engine channels never carried each other messages', () => {
    const ch = names(stack.prefix).channels;
    expect(seen.get(ch.referencePrices)!.every((m) => m.type === 'reference')).toBe(true);
    const engineMessages = [ch.marketData, ch.orderUpdates, ch.trades, ch.errors, ch.exchangeEvents, ch.balances].flatMap((c) => seen.get(c)!);
    expect(engineMessages.length).toBeGreaterThan(10);
    expect(engineMessages.some((m) => m.type === 'reference')).toBe(false);
    expect(seen.get(ch.trades)!.length).toBeGreaterThan(0);
  });
});

import Redis from 'ioredis';
import { names } from '../../contracts/names';
import { connectSocket, http, loginAdmin, record, register, waitFor, type ClientSocket, type Participant } from '../harness/client';
import { REDIS_URL, Stack } from '../harness/stack';

/**
 * An event run from one definition: loaded through the api (as YAML), applied through the
 * engine's stream; starting money credited once per participant; limits and fees enforced by the
 * engine; scripted news to everyone, into PostgreSQL and into the reference price; results.
 */
const EVENT_YAML = `
name: Test event
symbols:
  - { symbol: EVT, tickSize: 0.01, referencePrice: 100.00, volatility: 0 }
starting:
  cash: 10000.00
  shares: { EVT: 5 }
schedule: { openOnLoad: true }
rules:
  maxOrderQuantity: 40
  positionLimits:
    EVT: { net: 30, gross: 60 }
  fees: { unit: bps, maker: -1, taker: 10 }
news:
  - { afterMinutes: 0, headline: EVT wins a contract, body: Revenue up., symbol: EVT, movePercent: 10 }
bots: { enabled: true, intensity: 0, levels: 2, quantity: 5 }
`;

describe('an event from one definition', () => {
  let stack: Stack;
  let adminToken: string;
  let early: Participant;
  let earlySocket: ClientSocket;
  let seen: { name: string; data: any }[];
  let redis: Redis;

  beforeAll(async () => {
    stack = await Stack.start(
      { REFERENCE_INTERVAL_MS: '150', LEADERBOARD_INTERVAL_MS: '200', RANDOM_SEED: '7', BOT_MARKET_MAKERS: '1', BOT_NOISE_TRADERS: '0', BOT_SHARES: '1000' },
      ['engine', 'db-writer', 'api', 'ws-server', 'data-server'],
    );
    redis = new Redis(REDIS_URL);
    adminToken = await loginAdmin(stack);
    // registered before any event exists: receives the package when the event is loaded
    early = await register(stack, 'early-bird');
    earlySocket = await connectSocket(stack, early.token);
    seen = record(earlySocket, ['news', 'exchange']);
  }, 60_000);

  afterAll(async () => {
    earlySocket?.close();
    redis?.disconnect();
    await stack?.stop();
  });

  test('when a definition has bad fields, then loading it is refused with 400 naming each one, and nothing is applied', async () => {
    const bad = await http(stack, 'POST', '/admin/event', {
      token: adminToken,
      body: { name: 'Bad', symbols: [{ symbol: 'BAD', referencePrice: 10 }], rules: { fees: { unit: 'bps', maker: -5, taker: 1 }, shortSelling: 'yes' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe(17);
    expect(bad.body.data.problems).toEqual(expect.arrayContaining([expect.stringContaining('rules.fees.maker'), expect.stringContaining('rules.shortSelling')]));
    const yaml = await http(stack, 'POST', '/admin/event', { token: adminToken, rawBody: 'name: X\nsymbols: [{ symbol: x1, referencePrice: 1 }]', headers: { 'content-type': 'application/yaml' } });
    expect(yaml.status).toBe(400);
    expect(yaml.body.data.problems.join()).toContain('symbols.0.symbol');
    expect((await http(stack, 'GET', '/admin/event', { token: adminToken })).body.data).toBeNull();
    expect((await http(stack, 'GET', '/market/symbols')).body.data).toEqual([]);
  });

  test('when the organiser loads the event, then it opens, those already registered get the starting package, and the news arrives live, in GET /news, in PostgreSQL and in the reference price', async () => {
    const res = await http(stack, 'POST', '/admin/event', { token: adminToken, rawBody: EVENT_YAML, headers: { 'content-type': 'application/yaml' } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: 'Test event', symbols: ['EVT'], news: 1, opened: true });
    const balance = await waitFor('the early participant funded', async () => {
      const b = (await http(stack, 'GET', '/account/balance', { token: early.token })).body.data;
      return b?.positions?.EVT ? b : null;
    });
    expect(balance).toMatchObject({ cash: { available: 10_000, locked: 0 }, positions: { EVT: { available: 5, locked: 0 } } });

    const news = await waitFor('the news over Socket.IO', () => seen.find((e) => e.name === 'news'), 15_000);
    expect(news.data).toMatchObject({ type: 'news', headline: 'EVT wins a contract', body: 'Revenue up.', symbol: 'EVT', movePercent: 10 });
    const listed = await waitFor('the news in GET /news', async () => (await http(stack, 'GET', '/news')).body.data.items[0]);
    expect(listed).toMatchObject({ seq: news.data.seq, headline: 'EVT wins a contract', symbol: 'EVT', movePercent: 10 });
    const pg = stack.pg();
    await pg.connect();
    const rows = await pg.query('SELECT headline, symbol, move_percent FROM news');
    await pg.end();
    expect(rows.rows).toEqual([{ headline: 'EVT wins a contract', symbol: 'EVT', move_percent: 10 }]);
    // volatility 0: the reference is exactly the start moved by the news
    const ref = await waitFor('the reference moved by the news', async () => {
      const raw = await redis.get(names(stack.prefix).keys.reference('EVT'));
      const price = raw === null ? null : (JSON.parse(raw) as { price: number }).price;
      return price === 110 ? price : null;
    });
    expect(ref).toBe(110);
    const ev = (await http(stack, 'GET', '/admin/event', { token: adminToken })).body.data;
    expect(ev).toMatchObject({ name: 'Test event', news: [{ index: 0, headline: 'EVT wins a contract', published: true }] });
    expect(ev.openedAt).not.toBeNull();
  });

  test('when the session is open, then loading another event is refused with 409', async () => {
    const res = await http(stack, 'POST', '/admin/event', { token: adminToken, rawBody: EVENT_YAML, headers: { 'content-type': 'application/yaml' } });
    expect(res.status).toBe(409);
    expect(res.body.error).toContain('Close the session');
  });

  test('when a participant signs up, logs in again and the engine is killed and restarted, then the starting package was credited exactly once', async () => {
    const late = await register(stack, 'late-comer');
    const first = (await http(stack, 'GET', '/account/balance', { token: late.token })).body.data;
    expect(first).toMatchObject({ cash: { available: 10_000, locked: 0 }, positions: { EVT: { available: 5, locked: 0 } } });
    await http(stack, 'POST', '/auth/login', { body: { username: 'late-comer', password: 'correct-horse-battery' } });
    await stack.stopService('engine', 'SIGKILL');
    await stack.startService('engine');
    const again = await http(stack, 'POST', '/auth/login', { body: { username: 'late-comer', password: 'correct-horse-battery' } });
    expect(again.status).toBe(200);
    const after = (await http(stack, 'GET', '/account/balance', { token: again.body.data.accessToken })).body.data;
    expect(after).toMatchObject({ cash: { available: 10_000, locked: 0 }, positions: { EVT: { available: 5, locked: 0 } } });
    const pg = stack.pg();
    await pg.connect();
    const credits = await waitFor('the credits persisted', async () => {
      const r = await pg.query('SELECT asset, amount FROM credits WHERE user_id = $1 ORDER BY asset', [late.id]);
      return r.rows.length >= 2 ? r.rows : null;
    });
    await pg.end();
    expect(credits).toEqual([{ asset: 'CASH', amount: '1000000' }, { asset: 'EVT', amount: '5' }]);
  }, 60_000);

  test('when orders pass the event limits, then they are refused with their own codes naming the limit; fills pay the fee schedule', async () => {
    const big = await http(stack, 'POST', '/order/place', { token: early.token, body: { symbol: 'EVT', side: 'BUY', type: 'LIMIT', price: 1, quantity: 41 } });
    expect(big.status).toBe(422);
    expect(big.body).toMatchObject({ code: 27 });
    expect(big.body.error).toContain('maximum order size of 40 shares');
    // holds 5: a buy of 26 could reach 31 shares
    const over = await http(stack, 'POST', '/order/place', { token: early.token, body: { symbol: 'EVT', side: 'BUY', type: 'LIMIT', price: 1, quantity: 26 } });
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({ code: 26 });
    expect(over.body.error).toContain('net position limit of 30');

    // the bots quote around 110: a market buy of 5 takes from the maker and pays 10 bp
    await waitFor('an ask to buy from', async () => (await http(stack, 'GET', '/market/orderbook/EVT')).body.data.asks.length > 0);
    const buy = await http(stack, 'POST', '/order/place', { token: early.token, body: { symbol: 'EVT', side: 'BUY', type: 'MARKET', timeInForce: 'IOC', quantity: 5 } });
    expect(buy.status).toBe(200);
    expect(buy.body.data.status).toBe('FILLED');
    const fills = buy.body.data.trades as { price: number; quantity: number; fee: number; liquidity: string }[];
    for (const f of fills) expect(f).toMatchObject({ liquidity: 'TAKER', fee: Math.floor(f.price * f.quantity * 100 * 0.001) / 100 });
    const fee = Math.round(fills.reduce((sum, f) => sum + f.fee, 0) * 100) / 100;
    expect(fee).toBeGreaterThan(0);
    expect(buy.body.data.order.fee).toBe(fee);
    const history = await waitFor('the trades in history', async () => {
      const h = (await http(stack, 'GET', '/history/trades', { token: early.token })).body.data.items;
      return h.length === fills.length ? h : null;
    });
    expect(Math.round(history.reduce((sum: number, t: { fee: number }) => sum + t.fee, 0) * 100) / 100).toBe(fee);
    const portfolio = await waitFor('the portfolio with the fee', async () => {
      const p = (await http(stack, 'GET', '/portfolio', { token: early.token })).body.data;
      return p.feesPaid === fee ? p : null;
    });
    expect(portfolio.positions[0]).toMatchObject({ symbol: 'EVT', quantity: 10, feesPaid: fee });
  }, 30_000);

  test('when the results are exported, then they list participants only, in dollars, ranked as the leaderboard, as JSON and as CSV', async () => {
    const [bots] = [await redis.smembers(names(stack.prefix).keys.botIds)];
    expect(bots.length).toBe(1);
    const results = await waitFor('results whose equities match the leaderboard', async () => {
      const r = (await http(stack, 'GET', '/admin/results', { token: adminToken })).body.data;
      const board = (await http(stack, 'GET', '/leaderboard')).body.data.entries as { username: string; equity: number }[];
      const same = r.rows.length === board.length && r.rows.every((row: { username: string; finalEquity: number }, i: number) => board[i].username === row.username && board[i].equity === row.finalEquity);
      return same ? r : null;
    }, 15_000);
    expect(results.event).toBe('Test event');
    expect(results.rows.map((r: { username: string }) => r.username).sort()).toEqual(['early-bird', 'late-comer']);
    const early = results.rows.find((r: { username: string }) => r.username === 'early-bird');
    expect(early).toMatchObject({ startingValue: 10_500, trades: expect.any(Number), limitBreachesRefused: 2 });
    expect(early.feesPaid).toBeGreaterThan(0);
    expect(results.rows.map((r: { rank: number }) => r.rank)).toEqual([1, 2]);
    const csv = await http(stack, 'GET', '/admin/results?format=csv', { token: adminToken });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (csv.body as string).trim().split('\r\n');
    expect(lines[0]).toBe('rank,username,userId,startingValue,finalEquity,returnPct,maxDrawdownPct,sharpe,trades,feesPaid,limitBreachesRefused');
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.includes('bot-'))).toBe(false);
  }, 30_000);
});

import { ErrorCode } from '../../contracts/errors';
import { names } from '../../contracts/names';
import Redis from 'ioredis';
import { admin, http, loginAdmin, register, waitFor, type Participant } from '../harness/client';
import { REDIS_URL, Stack } from '../harness/stack';

/**
 * A whole event day: the organiser lists symbols, funds participants and opens; bots and
 * participants trade; the organiser halts (orders refused), resumes and closes. Then nothing
 * rests, the leaderboard's equity matches an independent computation from PostgreSQL's trades,
 * and cash and shares summed over everyone equal what was credited.
 */
const SYMBOLS = ['ACME', 'BETA'];
const CASH = 10_000;
const SHARES = 200;

describe('event day', () => {
  let stack: Stack;
  let token: string;
  const people: Participant[] = [];

  beforeAll(async () => {
    stack = await Stack.start(
      { REFERENCE_INTERVAL_MS: '100', LEADERBOARD_INTERVAL_MS: '300', RANDOM_SEED: '9', BOT_MARKET_MAKERS: '1', BOT_NOISE_TRADERS: '2', BOT_SHARES: '500', BOT_CASH: '50000' },
      ['engine', 'db-writer', 'api', 'ws-server', 'data-server'],
    );
  }, 60_000);
  afterAll(async () => stack?.stop());

  test('when an event day runs from opening to close, then the books are empty, the leaderboard is right and nothing was created or lost', async () => {
    token = await loginAdmin(stack);
    for (const s of SYMBOLS) await admin(stack, token, 'symbols', { symbol: s });
    for (let i = 1; i <= 4; i++) people.push(await register(stack, `trader${i}`));
    expect((await http(stack, 'POST', '/admin/credit/bulk', { token, body: { asset: 'CASH', amount: CASH } })).body.data.credited).toBe(4);
    for (const s of SYMBOLS) await http(stack, 'POST', '/admin/credit/bulk', { token, body: { asset: s, amount: SHARES, userIds: [people[0].id, people[1].id] } });
    await admin(stack, token, 'session', { state: 'OPEN' });
    await http(stack, 'POST', '/admin/bots', { token, body: { enabled: true, intensity: 3 } });
    await waitFor('bot quotes', async () => (await http(stack, 'GET', '/market/orderbook/BETA')).body.data.asks.length > 0, 15_000);

    // participants trade against the bots and each other
    const trade = async (rounds: number) => {
      for (let r = 0; r < rounds; r++) {
        for (const [i, p] of people.entries()) {
          const symbol = SYMBOLS[(r + i) % 2];
          const quote = (await http(stack, 'GET', `/market/quote/${symbol}`)).body.data;
          const mid = quote.bidPrice && quote.askPrice ? (quote.bidPrice + quote.askPrice) / 2 : 100;
          const side = (r + i) % 2 === 0 ? 'BUY' : 'SELL';
          const price = Math.round((side === 'BUY' ? mid + 0.05 - (r % 3) * 0.05 : mid - 0.05 + (r % 3) * 0.05) * 100) / 100;
          await http(stack, 'POST', '/order/place', { token: p.token, body: { symbol, side, type: r % 5 === 4 ? 'MARKET' : 'LIMIT', ...(r % 5 === 4 ? {} : { price }), quantity: 1 + (r % 4) } });
        }
      }
    };
    await trade(12);

    await admin(stack, token, 'session', { state: 'HALTED' });
    const refused = await http(stack, 'POST', '/order/place', { token: people[2].token, body: { symbol: 'ACME', side: 'BUY', price: 100, quantity: 1 } });
    expect(refused).toMatchObject({ status: 409, body: { code: ErrorCode.MARKET_HALTED } });
    await admin(stack, token, 'session', { state: 'OPEN' });
    await trade(6);
    await http(stack, 'POST', '/admin/bots', { token, body: { enabled: false } });
    const close = await http(stack, 'POST', '/admin/session', { token, body: { state: 'CLOSED' } });
    // every portfolio: the four traders and the three bots
    expect(close.body.data).toEqual({ state: 'CLOSED', snapshot: { participants: 7, complete: true } });
    const closedAt = Date.now();

    // every GFD order expired: nothing rests, in hot state or in PostgreSQL
    for (const s of SYMBOLS) expect((await http(stack, 'GET', `/market/orderbook/${s}`)).body.data).toMatchObject({ bids: [], asks: [] });
    const pg = stack.pg();
    await pg.connect();
    try {
      await waitFor('PostgreSQL to see every order finished', async () => {
        const open = await pg.query("SELECT count(*)::int AS n FROM orders WHERE status IN ('PENDING', 'PARTIALLY_FILLED')");
        const expired = await pg.query("SELECT count(*)::int AS n FROM orders WHERE reason = 'SESSION_CLOSED'");
        return open.rows[0].n === 0 && expired.rows[0].n > 0;
      }, 15_000);
      const trades = (await pg.query('SELECT * FROM trades ORDER BY id')).rows;
      expect(trades.length).toBeGreaterThan(10);
      const participantsTraded = new Set(trades.flatMap((t) => [t.buy_user_id, t.sell_user_id]).filter((u) => people.some((p) => p.id === u)));
      expect(participantsTraded.size).toBeGreaterThanOrEqual(3);

      // independent equity from the trades: credits, plus what each trade moved, marked at the last trade
      const redis = new Redis(REDIS_URL);
      const marks: Record<string, number> = {};
      for (const s of SYMBOLS) {
        const last = trades.filter((t) => t.symbol === s).pop();
        const reference = JSON.parse((await redis.get(names(stack.prefix).keys.reference(s))) ?? '{"price":0}') as { price: number };
        marks[s] = last ? Number(last.price) : Math.round(reference.price * 100);
      }
      redis.disconnect();
      const expected = new Map<string, number>();
      for (const [i, p] of people.entries()) {
        let cash = CASH * 100;
        const shares: Record<string, number> = Object.fromEntries(SYMBOLS.map((s) => [s, i < 2 ? SHARES : 0]));
        for (const t of trades) {
          const notional = Number(t.price) * Number(t.quantity);
          if (t.buy_user_id === p.id) {
            cash -= notional;
            shares[t.symbol] += Number(t.quantity);
          }
          if (t.sell_user_id === p.id) {
            cash += notional;
            shares[t.symbol] -= Number(t.quantity);
          }
        }
        expected.set(p.id, cash + SYMBOLS.reduce((sum, s) => sum + shares[s] * marks[s], 0));
      }
      const board = await waitFor('a leaderboard computed after the close', async () => {
        const b = (await http(stack, 'GET', '/leaderboard')).body.data;
        return b.updatedAt > closedAt + 100 ? b : null;
      });
      expect(board.entries.map((e: { username: string }) => e.username).sort()).toEqual(['trader1', 'trader2', 'trader3', 'trader4']);
      for (const e of board.entries) expect([e.username, Math.round(e.equity * 100)]).toEqual([e.username, expected.get(e.userId)]);
      // the end-of-session snapshot holds the same equity, computed from the database at the close
      const snapshot = (await http(stack, 'GET', '/admin/snapshots', { token })).body.data as { userId: string; equity: number }[];
      expect(snapshot).toHaveLength(7);
      const traders = snapshot.filter((s) => expected.has(s.userId));
      expect(traders).toHaveLength(4);
      for (const s of traders) expect(Math.round(s.equity * 100)).toBe(expected.get(s.userId));
      const equities = board.entries.map((e: { equity: number }) => e.equity);
      expect(equities).toEqual([...equities].sort((a, b) => b - a));
      for (const e of board.entries) {
        expect(typeof e.returnPct).toBe('number');
        expect(e.maxDrawdownPct).toBeGreaterThanOrEqual(0);
      }

      // conservation: everything everyone holds is exactly what was credited
      const audit = (await http(stack, 'GET', '/admin/audit?limit=1000', { token })).body.data as { action: string; details: any }[];
      const credited: Record<string, number> = { CASH: 4 * CASH * 100, ACME: 2 * SHARES, BETA: 2 * SHARES };
      for (const a of audit.filter((x) => x.action === '/credit')) credited[a.details.asset] += a.details.asset === 'CASH' ? Math.round(a.details.amount * 100) : a.details.amount;
      await waitFor('balances in PostgreSQL to add up to the credits', async () => {
        const sums = await pg.query('SELECT asset, sum(available + locked)::text AS total, sum(locked)::text AS locked FROM balances GROUP BY asset');
        const got = Object.fromEntries(sums.rows.map((r) => [r.asset, Number(r.total)]));
        const assets = [...new Set([...Object.keys(got), ...Object.keys(credited)])];
        return assets.every((a) => got[a] === credited[a]) && sums.rows.every((r) => r.locked === '0');
      }, 15_000);
    } finally {
      await pg.end();
    }
  }, 120_000);
});

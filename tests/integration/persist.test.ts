import { randomBytes } from 'crypto';
import { Client } from 'pg';
import { decodePersistJob, emptyBatch, type PersistJob } from '../../contracts/persist-job';
import { persistBatch } from '../../db-writer/persist';
import { migrate } from '../../runtime/migrate';
import { createPrisma, type PrismaClient } from '../../runtime/prisma';
import { PG_URL } from '../harness/stack';

/** db-writer's batch write against a real PostgreSQL: every value lands as it was, and replays change nothing */
describe('persisting an engine batch', () => {
  const dbUrl = `${PG_URL}/exchange_persist_${randomBytes(4).toString('hex')}`;
  let prisma: PrismaClient;
  let pg: Client;

  beforeAll(async () => {
    await migrate(dbUrl);
    prisma = createPrisma(dbUrl);
    pg = new Client({ connectionString: dbUrl });
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
    await prisma.$disconnect();
    const admin = new Client({ connectionString: `${PG_URL}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${new URL(dbUrl).pathname.slice(1)}" WITH (FORCE)`);
    await admin.end();
  });

  const t0 = Date.UTC(2026, 10, 22, 9, 30, 0, 123);
  const odd = 'quote " backslash \\ newline \n unicode é € 🚀';
  const job = (): PersistJob => ({
    v: 1,
    orders: [
      ['o1', odd, 'alice', 'ACME', 'BUY', 'LIMIT', 'GFD', 10_001, 5],
      ['o2', null, 'bob', 'ACME', 'SELL', 'MARKET', 'IOC', null, 9_007_199_254_740],
    ],
    events: [
      [1, 'o1', 'PENDING', 0, 0, null, t0],
      [2, 'o2', 'PARTIALLY_FILLED', 3, 0, null, t0 + 1],
      [3, 'o1', 'PARTIALLY_FILLED', 3, 0, null, t0 + 1],
      [4, 'o2', 'CANCELLED', 3, 0, odd, t0 + 2],
    ],
    trades: [[77, 2, 'ACME', 10_001, 3, 'o1', 'o2', 'alice', 'bob', 'SELL', t0 + 1]],
    symbols: [['ACME', 1, 1, t0 - 1000]],
    credits: [[0, 'alice', 'CASH', 1_000_000_000_000, null, t0 - 500], [5, 'bob', 'ACME', 10, 9_950, t0 - 400]],
    balances: [['alice', 'CASH', 999_999_969_997, 20_002], ['alice', 'ACME', 3, 0], ['bob', 'ACME', 7, 0]],
    seq: 4,
  });

  const rows = async () => ({
    symbols: (await pg.query('SELECT symbol, tick_size, lot_size, created_at FROM symbols ORDER BY symbol')).rows,
    orders: (await pg.query('SELECT id, client_order_id, user_id, symbol, side, order_type, time_in_force, price, quantity, filled_quantity, status, code, reason, created_at, updated_at, last_seq FROM orders ORDER BY id')).rows,
    events: (await pg.query('SELECT seq, order_id, user_id, status, filled_quantity, code, reason, created_at FROM order_events ORDER BY seq')).rows,
    trades: (await pg.query('SELECT id, seq, symbol, price, quantity, buy_order_id, sell_order_id, buy_user_id, sell_user_id, taker_side, executed_at FROM trades ORDER BY id')).rows,
    credits: (await pg.query('SELECT seq, user_id, asset, amount, price, created_at FROM credits ORDER BY seq')).rows,
    balances: (await pg.query('SELECT user_id, asset, available, locked, seq FROM balances ORDER BY user_id, asset')).rows,
  });

  it('stores every value exactly: text with quotes and emoji, nulls, big integers, millisecond times', async () => {
    expect(await persistBatch(prisma, decodePersistJob(job()))).toEqual({ orders: 2, trades: 1, balances: 3 });
    const r = await rows();
    expect(r.symbols).toEqual([{ symbol: 'ACME', tick_size: 1, lot_size: 1, created_at: new Date(t0 - 1000) }]);
    expect(r.orders).toEqual([
      { id: 'o1', client_order_id: odd, user_id: 'alice', symbol: 'ACME', side: 'BUY', order_type: 'LIMIT', time_in_force: 'GFD', price: '10001', quantity: '5', filled_quantity: '3', status: 'PARTIALLY_FILLED', code: 0, reason: null, created_at: new Date(t0 + 1), updated_at: new Date(t0 + 1), last_seq: '3' },
      { id: 'o2', client_order_id: null, user_id: 'bob', symbol: 'ACME', side: 'SELL', order_type: 'MARKET', time_in_force: 'IOC', price: null, quantity: '9007199254740', filled_quantity: '3', status: 'CANCELLED', code: 0, reason: odd, created_at: new Date(t0 + 2), updated_at: new Date(t0 + 2), last_seq: '4' },
    ]);
    expect(r.events.map((e) => [e.seq, e.order_id, e.user_id, e.status, e.filled_quantity, e.reason, (e.created_at as Date).getTime()])).toEqual([
      ['1', 'o1', 'alice', 'PENDING', '0', null, t0],
      ['2', 'o2', 'bob', 'PARTIALLY_FILLED', '3', null, t0 + 1],
      ['3', 'o1', 'alice', 'PARTIALLY_FILLED', '3', null, t0 + 1],
      ['4', 'o2', 'bob', 'CANCELLED', '3', odd, t0 + 2],
    ]);
    expect(r.trades).toEqual([{ id: '77', seq: '2', symbol: 'ACME', price: '10001', quantity: '3', buy_order_id: 'o1', sell_order_id: 'o2', buy_user_id: 'alice', sell_user_id: 'bob', taker_side: 'SELL', executed_at: new Date(t0 + 1) }]);
    expect(r.credits).toEqual([
      { seq: '0', user_id: 'alice', asset: 'CASH', amount: '1000000000000', price: null, created_at: new Date(t0 - 500) },
      { seq: '5', user_id: 'bob', asset: 'ACME', amount: '10', price: '9950', created_at: new Date(t0 - 400) },
    ]);
    expect(r.balances).toEqual([
      { user_id: 'alice', asset: 'ACME', available: '3', locked: '0', seq: '4' },
      { user_id: 'alice', asset: 'CASH', available: '999999969997', locked: '20002', seq: '4' },
      { user_id: 'bob', asset: 'ACME', available: '7', locked: '0', seq: '4' },
    ]);
  });

  it('changes nothing when the same batch, or an older state of its rows, comes again', async () => {
    const before = await rows();
    await persistBatch(prisma, decodePersistJob(job()));
    const older = job();
    older.events = [[2, 'o2', 'PARTIALLY_FILLED', 3, 0, null, t0 + 1]];
    older.balances = [['alice', 'CASH', 1, 1]];
    older.seq = 2;
    await persistBatch(prisma, decodePersistJob(older));
    expect(await rows()).toEqual(before);
  });

  it('takes an empty batch', async () => {
    const before = await rows();
    await expect(persistBatch(prisma, emptyBatch(9))).resolves.toEqual({ orders: 0, trades: 0, balances: 0 });
    expect(await rows()).toEqual(before);
  });
});

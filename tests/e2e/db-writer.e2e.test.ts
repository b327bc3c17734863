import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Client as PgClient, type Client } from 'pg';
import { names } from '../../contracts/names';
import type { PersistJob } from '../../contracts/persist-job';
import { waitFor } from '../harness/client';
import { REDIS_URL, Stack } from '../harness/stack';

/**
 * db-writer against a real PostgreSQL and BullMQ: jobs land in seq order and exactly once, a
 * missing job is waited for and raised, a transient failure is outlasted, a job survives its
 * db-writer being killed inside it twice, and rows PostgreSQL refuses are set aside alone.
 */
describe('db-writer: nothing lost, nothing parked', () => {
  let stack: Stack;
  let queue: Queue;
  let connection: Redis;
  let pg: Client;
  const t0 = Date.UTC(2026, 10, 29, 9, 30);

  /** a job covering the seqs after `from` up to `seq`: one order of `user`, resting, and its cash */
  const job = (from: number, seq: number, user: string, extra: Partial<PersistJob> = {}): PersistJob => ({
    v: 1,
    from,
    seq,
    orders: [[`o-${seq}`, null, user, 'ACME', 'BUY', 'LIMIT', 'GFD', 10_000, 1]],
    events: [[seq, `o-${seq}`, 'PENDING', 0, 0, null, t0 + seq]],
    trades: [],
    symbols: [],
    credits: [],
    balances: [[user, 'CASH', 1_000_000 - seq, seq]],
    ...extra,
  });
  const count = async (sql: string) => Number((await pg.query(sql)).rows[0].n);
  const progress = async () => Number((await pg.query('SELECT seq FROM persist_progress WHERE id = 1')).rows[0]?.seq ?? -1);
  const ready = async () => (await fetch(stack.healthUrl('db-writer'))).status === 200;

  beforeAll(async () => {
    stack = await Stack.start({ DB_WRITER_GAP_ALARM_MS: '1000' }, ['db-writer']);
    const n = names(stack.prefix);
    connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(n.dbWriteQueue, { connection, prefix: n.bullPrefix });
    pg = stack.pg();
    await pg.connect();
    await pg.query("INSERT INTO symbols (symbol, tick_size, lot_size, created_at) VALUES ('ACME', 1, 1, now())");
  }, 60_000);
  afterAll(async () => {
    await pg?.end();
    await queue?.close();
    connection?.disconnect();
    await stack?.stop();
  });

  test('when a job is malformed, then it is set aside with its reason, never parked or retried', async () => {
    const bad = await queue.add('batch', { v: 1, orders: 'not a list' });
    await waitFor('the job to complete', async () => (await bad.getState()) === 'completed');
    expect((await pg.query("SELECT kind, reason FROM unstorable_rows WHERE kind = 'job'")).rows).toEqual([{ kind: 'job', reason: expect.stringMatching(/^malformed job/) }]);
    expect(await queue.getFailedCount()).toBe(0);
  });

  test('when a job holds rows PostgreSQL refuses (a fractional price, an event of no order), then only those are set aside and the rest lands', async () => {
    const poison = job(0, 10, 'alice', {
      orders: [
        ['o-good', null, 'alice', 'ACME', 'BUY', 'LIMIT', 'GFD', 10_000, 5],
        ['o-float', null, 'alice', 'ACME', 'BUY', 'LIMIT', 'GFD', 150.25, 5],
      ],
      events: [[8, 'o-good', 'PENDING', 0, 0, null, t0], [9, 'o-float', 'REJECTED', 0, 3, 'bad price', t0], [10, 'o-ghost', 'PENDING', 0, 0, null, t0]],
      credits: [[7, 'alice', 'CASH', 1_000_000, null, t0]],
    });
    const added = await queue.add('batch', poison);
    await waitFor('the job to complete', async () => (await added.getState()) === 'completed', 20_000);
    expect((await pg.query("SELECT id FROM orders ORDER BY id")).rows.map((r) => r.id)).toEqual(['o-good']);
    expect(await count('SELECT count(*) AS n FROM credits')).toBe(1);
    expect(await count("SELECT count(*) AS n FROM balances WHERE user_id = 'alice'")).toBe(1);
    const aside = (await pg.query("SELECT kind, reason FROM unstorable_rows WHERE kind <> 'job' ORDER BY id")).rows;
    expect(aside).toEqual([
      { kind: 'order', reason: expect.stringMatching(/^22P02: invalid input syntax for type bigint/) },
      { kind: 'event', reason: expect.stringMatching(/o-ghost/) },
    ]);
    expect(await progress()).toBe(10);
    expect(await queue.getFailedCount()).toBe(0);
  });

  test('when a job arrives before the one it follows, then it waits; missing too long, db-writer says so and is not ready, and heals when the job comes', async () => {
    const ahead = await queue.add('batch', job(20, 30, 'bob'));
    await waitFor('the gap to be raised', async () => !(await ready()), 15_000);
    expect(stack.logs.get('db-writer')!.some((l) => l.includes('persistence gap') && l.includes('"nextFrom":20'))).toBe(true);
    const metrics = await (await fetch(stack.healthUrl('db-writer').replace('/ready', '/metrics'))).text();
    expect(Number(/^db_writer_gap_seconds (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(await count("SELECT count(*) AS n FROM orders WHERE id = 'o-30'")).toBe(0);
    // the missing job: both land, in order, and the writer is ready again
    await queue.add('batch', job(10, 20, 'bob'));
    await waitFor('the job that waited to land', async () => (await ahead.getState()) === 'completed', 15_000);
    expect(await progress()).toBe(30);
    expect((await pg.query("SELECT seq FROM balances WHERE user_id = 'bob'")).rows.map((r) => Number(r.seq))).toEqual([30]);
    await waitFor('db-writer to be ready again', ready);
    expect(stack.logs.get('db-writer')!.some((l) => l.includes('persistence gap healed'))).toBe(true);
  }, 30_000);

  test('when the engine replays a range already stored, then nothing changes', async () => {
    const replay = await queue.add('batch', job(10, 30, 'bob', { balances: [['bob', 'CASH', 1, 1]] }));
    await waitFor('the replayed job to complete', async () => (await replay.getState()) === 'completed');
    expect((await pg.query("SELECT available FROM balances WHERE user_id = 'bob'")).rows.map((r) => Number(r.available))).toEqual([1_000_000 - 30]);
    expect(await progress()).toBe(30);
  });

  test('when PostgreSQL refuses db-writer for a while, then the job is retried for as long as it lasts and nothing overtakes it', async () => {
    const db = new URL(stack.databaseUrl).pathname.slice(1);
    const adminUrl = new URL(stack.databaseUrl);
    adminUrl.pathname = '/postgres';
    const admin = new PgClient({ connectionString: adminUrl.toString() });
    await admin.connect();
    await pg.end();
    try {
      // connections refused, and the ones it had cut
      await admin.query(`ALTER DATABASE "${db}" ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db]);
      const first = await queue.add('batch', job(30, 40, 'carol'));
      const second = await queue.add('batch', job(40, 50, 'carol'));
      await waitFor('the write to be retried', () => stack.logs.get('db-writer')!.some((l) => l.includes('retrying until it goes through')), 15_000);
      await new Promise((r) => setTimeout(r, 3000)); // the outage goes on: still retrying, nothing given up on
      expect(await first.getState()).toBe('active');
      expect(await second.getState()).toBe('waiting');
      await admin.query(`ALTER DATABASE "${db}" ALLOW_CONNECTIONS true`);
      await waitFor('both jobs to land', async () => (await second.getState()) === 'completed', 30_000);
    } finally {
      await admin.query(`ALTER DATABASE "${db}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    pg = stack.pg();
    await pg.connect();
    expect(await progress()).toBe(50);
    expect((await pg.query("SELECT available FROM balances WHERE user_id = 'carol'")).rows.map((r) => Number(r.available))).toEqual([1_000_000 - 50]);
    expect(await queue.getFailedCount()).toBe(0);
  }, 60_000);

  test('when db-writer is killed twice inside one job, then the job is taken over each time and lands once', async () => {
    const lock = stack.pg();
    await lock.connect();
    try {
      // the write blocks on the lock, so the job stays active while db-writer is killed
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
      const held = await queue.add('batch', job(50, 60, 'dave'));
      await waitFor('the job to be taken', async () => (await held.getState()) === 'active', 20_000);
      for (let kill = 1; kill <= 2; kill++) {
        await stack.stopService('db-writer', 'SIGKILL');
        await stack.startService('db-writer');
        // taken over once its lock has run out: found stalled, and active again with the new db-writer
        await waitFor(`takeover ${kill}`, async () => {
          const j = await queue.getJob(held.id!);
          return j !== undefined && j.stalledCounter >= kill && (await j.getState()) === 'active';
        }, 30_000);
      }
      // BullMQ's default would have failed it at the second stall
      expect((await queue.getJob(held.id!))!.stalledCounter).toBe(2);
      await lock.query('COMMIT');
      await waitFor('the job to land', async () => (await held.getState()) === 'completed', 30_000);
    } finally {
      await lock.end().catch(() => undefined);
    }
    expect(await count("SELECT count(*) AS n FROM order_events WHERE order_id = 'o-60'")).toBe(1);
    expect(await progress()).toBe(60);
    expect(await queue.getFailedCount()).toBe(0);
  }, 90_000);

  const parkedSoFar = async () => {
    const metrics = await (await fetch(stack.healthUrl('db-writer').replace('/ready', '/metrics'))).text();
    const value = /^db_writer_jobs_parked_ahead_total (\S+)$/m.exec(metrics)?.[1];
    if (value === undefined) throw new Error('db-writer does not report db_writer_jobs_parked_ahead_total');
    return Number(value);
  };

  test('when jobs arrive newest first, then each is parked once and woken by the one before it landing', async () => {
    const base = await progress();
    const parkedBefore = await parkedSoFar();
    const jobs = 40;
    // each is taken before the one it follows: the one whose turn it is comes last
    for (let k = jobs; k >= 1; k--) await queue.add('batch', job(base + (k - 1) * 10, base + k * 10, 'fay'));
    // parked ones come back by themselves only after a minute: landing sooner, they were woken
    await waitFor('every job to land', async () => (await progress()) === base + jobs * 10, 30_000);
    expect(await count("SELECT count(*) AS n FROM orders WHERE user_id = 'fay'")).toBe(jobs);
    // looked at again and again, as they used to be, they were parked hundreds of times
    expect((await parkedSoFar()) - parkedBefore).toBeLessThanOrEqual(jobs - 1);
    expect(await queue.getDelayedCount()).toBe(0);
  }, 60_000);

  test('when db-writer is killed while jobs are parked, then the next one wakes them when the job they wait for lands', async () => {
    const base = await progress();
    await queue.add('batch', job(base + 10, base + 20, 'gus'));
    await queue.add('batch', job(base + 20, base + 30, 'gus'));
    await waitFor('both to be parked', async () => (await queue.getDelayedCount()) === 2, 15_000);
    await stack.stopService('db-writer', 'SIGKILL');
    await stack.startService('db-writer');
    await queue.add('batch', job(base, base + 10, 'gus'));
    await waitFor('all three to land', async () => (await progress()) === base + 30, 30_000);
    expect(await count("SELECT count(*) AS n FROM orders WHERE user_id = 'gus'")).toBe(3);
  }, 60_000);
});

describe('db-writer: a new database', () => {
  test('when its first job is held by a killed db-writer and a newer one is taken first, then the first still lands and nothing is passed over', async () => {
    const stack = await Stack.start({}, ['db-writer']);
    const n = names(stack.prefix);
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(n.dbWriteQueue, { connection, prefix: n.bullPrefix });
    const pg = stack.pg();
    const lock = stack.pg();
    await pg.connect();
    await lock.connect();
    const t0 = Date.UTC(2026, 10, 29, 9, 30);
    const order = (seq: number): PersistJob['orders'][number] => [`o-${seq}`, null, 'erin', 'ACME', 'BUY', 'LIMIT', 'GFD', 10_000, 1];
    const job = (from: number, seq: number): PersistJob => ({
      v: 1, from, seq, orders: [order(seq)], events: [[seq, `o-${seq}`, 'PENDING', 0, 0, null, t0 + seq]],
      trades: [], symbols: [], credits: [], balances: [['erin', 'CASH', 1_000_000 - seq, seq]],
    });
    try {
      await pg.query("INSERT INTO symbols (symbol, tick_size, lot_size, created_at) VALUES ('ACME', 1, 1, now())");
      // nothing stored yet; the first job's write blocks, so it is still active when db-writer dies
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
      const first = await queue.add('batch', job(0, 10));
      await waitFor('the first job to be taken', async () => (await first.getState()) === 'active', 20_000);
      const second = await queue.add('batch', job(10, 20));
      await stack.stopService('db-writer', 'SIGKILL');
      await lock.query('COMMIT');
      // the new db-writer takes the second job at once; the first comes back only once found stalled
      await stack.startService('db-writer');
      await waitFor('both jobs to land', async () => (await first.getState()) === 'completed' && (await second.getState()) === 'completed', 40_000);
      expect((await pg.query('SELECT id FROM orders ORDER BY id')).rows.map((r) => r.id)).toEqual(['o-10', 'o-20']);
      expect(Number((await pg.query('SELECT seq FROM persist_progress WHERE id = 1')).rows[0].seq)).toBe(20);
      expect((await pg.query("SELECT seq FROM balances WHERE user_id = 'erin'")).rows.map((r) => Number(r.seq))).toEqual([20]);
    } finally {
      await lock.end().catch(() => undefined);
      await pg.end();
      await queue.close();
      connection.disconnect();
      await stack.stop();
    }
  }, 90_000);
});

import Redis from 'ioredis';
import { ENTRY_FIELD } from '../../contracts/commands';
import { names } from '../../contracts/names';
import { MatchingEngine } from '../../engine/core/engine';
import type { Command, EngineEvent } from '../../engine/core/types';
import { generateEngineStream } from '../../bench/lib/engine-stream';
import { waitFor } from '../harness/client';
import { freePort, REDIS_URL, Stack } from '../harness/stack';

/**
 * Kill the engine (SIGKILL) or stop db-writer in the middle of thousands of orders, start it
 * again, and compare everything with an engine that ran the same stream without stopping.
 */
const stream = generateEngineStream({ commands: 6000, users: 40, symbols: 3, restingTarget: 300, seed: 7 });

type Entry = Omit<Command, 'ts'>;
const strip = (c: Command): Entry => {
  const { ts, ...rest } = c as Command & { ts: number };
  void ts;
  return rest as Entry;
};

async function feed(redis: Redis, stack: Stack, cmds: Command[]): Promise<{ id: string; cmd: Command }[]> {
  const n = names(stack.prefix);
  const out: { id: string; cmd: Command }[] = [];
  for (let i = 0; i < cmds.length; i += 500) {
    const pipe = redis.pipeline();
    for (const c of cmds.slice(i, i + 500)) pipe.xadd(n.inputStream, '*', ENTRY_FIELD, JSON.stringify(strip(c)));
    const res = (await pipe.exec()) as [Error | null, string][];
    res.forEach(([, id], k) => out.push({ id, cmd: cmds[i + k] }));
  }
  return out;
}

/** What an engine that never stopped produces for these stream entries. */
function uninterrupted(entries: { id: string; cmd: Command }[]) {
  const engine = new MatchingEngine();
  const events: EngineEvent[] = [];
  for (const { id, cmd } of entries) engine.apply({ ...cmd, ts: Number(id.split('-')[0]) } as Command, events);
  return { engine, trades: events.filter((e) => e.type === 'trade') };
}

async function engineStatus(url: string): Promise<{ ready: boolean; lastId: string; seq: number; leaseToken: string | null }> {
  const res = await fetch(url.replace(/\/ready$/, '/live'));
  return (await res.json()) as { ready: boolean; lastId: string; seq: number; leaseToken: string | null };
}

async function engineLastId(stack: Stack, url = stack.healthUrl('engine')): Promise<string> {
  return (await engineStatus(url)).lastId;
}

async function compare(stack: Stack, redis: Redis, entries: { id: string; cmd: Command }[], engineUrl = stack.healthUrl('engine')): Promise<void> {
  const expected = uninterrupted(entries);
  const n = names(stack.prefix);
  const last = entries[entries.length - 1].id;
  await waitFor('the engine to apply every entry', async () => (await engineLastId(stack, engineUrl)) === last, 30_000);
  // balances and books in hot state
  for (let u = 0; u < 40; u++) {
    const raw = await redis.get(n.keys.balance(`user${u}`));
    const hot = JSON.parse(raw ?? 'null') as { cash: { available: number; locked: number }; positions: Record<string, unknown> };
    const want = expected.engine.balance(`user${u}`)!;
    expect({ cash: { available: Math.round(hot.cash.available * 100), locked: Math.round(hot.cash.locked * 100) }, positions: hot.positions }).toEqual({ cash: want.cash, positions: want.positions });
  }
  for (const symbol of expected.engine.symbols()) {
    const book = JSON.parse((await redis.get(n.keys.orderbook(symbol))) ?? 'null') as { seq: number; bids: { price: number; quantity: number }[]; asks: unknown[] };
    const want = expected.engine.book(symbol, 20)!;
    expect(book.bids.map((l) => [Math.round(l.price * 100), l.quantity])).toEqual(want.bids.map((l) => [l.price, l.quantity]));
    expect(book.asks.length).toBe(want.asks.length);
    // the last trades, each once, newest first, however often replay published them
    const recent = (await redis.zrevrange(n.keys.recentTrades(symbol), 0, -1)).map((t) => (JSON.parse(t) as { tradeId: number }).tradeId);
    const wantRecent = expected.trades.filter((t) => t.type === 'trade' && t.symbol === symbol).map((t) => (t.type === 'trade' ? t.tradeId : 0)).reverse().slice(0, 100);
    expect(recent).toEqual(wantRecent);
  }
  // PostgreSQL: every trade once, and the balances
  const pg = stack.pg();
  await pg.connect();
  try {
    // a job its killed db-writer held comes back only once its lock and the stalled check have run
    // out (up to 10 s), and the jobs after it wait for it: time for that under a busy machine
    await waitFor('db-writer to persist every trade', async () => (await pg.query('SELECT count(*)::int AS n FROM trades')).rows[0].n === expected.trades.length, 90_000);
    const dup = await pg.query('SELECT count(*)::int AS n FROM (SELECT buy_order_id, sell_order_id, seq FROM trades GROUP BY 1, 2, 3 HAVING count(*) > 1) d');
    expect(dup.rows[0].n).toBe(0);
    const trades = await pg.query('SELECT id, price, quantity, buy_order_id, sell_order_id FROM trades ORDER BY id');
    expect(trades.rows.map((r) => [Number(r.id), Number(r.price), Number(r.quantity), r.buy_order_id, r.sell_order_id])).toEqual(
      expected.trades.map((t) => t.type === 'trade' && [t.tradeId, t.price, t.quantity, t.buyOrderId, t.sellOrderId]),
    );
    await waitFor('balances in PostgreSQL to match', async () => {
      const rows = await pg.query("SELECT user_id, available, locked FROM balances WHERE asset = 'CASH'");
      return rows.rows.length === 40 && rows.rows.every((r) => {
        const want = expected.engine.balance(r.user_id)!;
        return Number(r.available) === want.cash.available && Number(r.locked) === want.cash.locked;
      });
    }, 30_000);
  } finally {
    await pg.end();
  }
}

describe('crash recovery', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(() => redis.disconnect());

  test('when the engine is SIGKILLed mid-stream and started again, then balances, trades and book equal an uninterrupted run and no trade is stored twice', async () => {
    const stack = await Stack.start({ SNAPSHOT_INTERVAL_MS: '300', ENGINE_BATCH_SIZE: '200' }, ['engine', 'db-writer']);
    try {
      const all = [...stream.setup, ...stream.commands];
      const half = Math.floor(all.length / 2);
      const entries = await feed(redis, stack, all.slice(0, half));
      // let it get part of the way, with at least one snapshot, then kill it without warning
      await waitFor('the engine to be mid-stream', async () => (await engineLastId(stack)) >= entries[Math.floor(half / 2)].id, 30_000);
      await stack.stopService('engine', 'SIGKILL');
      entries.push(...(await feed(redis, stack, all.slice(half))));
      await stack.startService('engine');
      await compare(stack, redis, entries);
      expect(stack.logs.get('engine')!.some((l) => l.includes('restored snapshot'))).toBe(true);
    } finally {
      await stack.stop();
    }
  }, 120_000);

  test('when a second engine starts beside the first, then it waits unready and changes nothing; when the first is killed, it takes over with nothing lost', async () => {
    const stack = await Stack.start({ ENGINE_BATCH_SIZE: '200', ENGINE_LEASE_MS: '1500' }, ['engine', 'db-writer']);
    try {
      const all = [...stream.setup, ...stream.commands];
      const third = Math.floor(all.length / 3);
      const standby = { ENGINE_HEALTH_PORT: String(await freePort()) };
      const standbyUrl = stack.healthUrl('engine', standby);
      const entries = await feed(redis, stack, all.slice(0, third));
      await stack.startService('engine', 'engine-standby', standby, 'live');
      entries.push(...(await feed(redis, stack, all.slice(third, 2 * third))));
      await waitFor('the first engine to apply every entry', async () => (await engineLastId(stack)) === entries[entries.length - 1].id, 30_000);
      // the standby never read a thing: not ready, no state, no lease
      const waiting = await engineStatus(standbyUrl);
      expect(waiting).toMatchObject({ ready: false, lastId: '0-0', seq: 0, leaseToken: null });
      expect((await fetch(standbyUrl)).status).toBe(503);

      await stack.stopService('engine', 'SIGKILL');
      const killedAt = Date.now();
      await waitFor('the standby to take over', async () => (await fetch(standbyUrl)).status === 200, 15_000);
      // within the lease time, give or take the recovery itself
      expect(Date.now() - killedAt).toBeLessThan(1500 + 5000);
      entries.push(...(await feed(redis, stack, all.slice(2 * third))));
      await compare(stack, redis, entries, standbyUrl);
      expect(Number((await engineStatus(standbyUrl)).leaseToken)).toBeGreaterThan(1);
    } finally {
      await stack.stop();
    }
  }, 120_000);

  test('when the engine is paused past its lease and another takes over, then the paused one writes nothing once resumed and exits', async () => {
    const stack = await Stack.start({ ENGINE_BATCH_SIZE: '200', ENGINE_LEASE_MS: '1000' }, ['engine', 'db-writer']);
    try {
      const all = [...stream.setup, ...stream.commands];
      const third = Math.floor(all.length / 3);
      const entries = await feed(redis, stack, all.slice(0, third));
      await waitFor('the engine to apply the first third', async () => (await engineLastId(stack)) === entries[entries.length - 1].id, 30_000);
      const paused = stack.procs.get('engine')!;
      const pausedExit = new Promise<number | null>((resolve) => paused.once('exit', (code) => resolve(code)));
      paused.kill('SIGSTOP');
      // the second third waits in the paused engine's socket; its successor applies it and more
      entries.push(...(await feed(redis, stack, all.slice(third, 2 * third))));
      const successor = { ENGINE_HEALTH_PORT: String(await freePort()) };
      await stack.startService('engine', 'engine-successor', successor);
      entries.push(...(await feed(redis, stack, all.slice(2 * third))));
      await waitFor('the successor to apply every entry', async () => (await engineLastId(stack, stack.healthUrl('engine', successor))) === entries[entries.length - 1].id, 30_000);
      // resumed, the paused engine holds an older state than its successor wrote: had any of its
      // writes landed, books and balances would have gone back
      paused.kill('SIGCONT');
      expect(await pausedExit).toBe(1);
      expect(stack.logs.get('engine')!.some((l) => l.includes('engine lease lost'))).toBe(true);
      await compare(stack, redis, entries, stack.healthUrl('engine', successor));
    } finally {
      await stack.stop();
    }
  }, 120_000);

  test('when db-writer is stopped during trading and started again, then it catches up and the rows match', async () => {
    const stack = await Stack.start({ ENGINE_BATCH_SIZE: '200' }, ['engine', 'db-writer']);
    try {
      const all = [...stream.setup, ...stream.commands];
      const third = Math.floor(all.length / 3);
      const entries = await feed(redis, stack, all.slice(0, third));
      await stack.stopService('db-writer', 'SIGKILL');
      entries.push(...(await feed(redis, stack, all.slice(third))));
      await waitFor('the engine to apply every entry', async () => (await engineLastId(stack)) === entries[entries.length - 1].id, 30_000);
      await stack.startService('db-writer');
      await compare(stack, redis, entries);
    } finally {
      await stack.stop();
    }
  }, 120_000);
});

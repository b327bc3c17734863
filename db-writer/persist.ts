import type { PrismaClient } from '../runtime/prisma';
import type { PersistJob } from '../engine/process/publisher';

/** a JSON number of epoch milliseconds as timestamptz, exactly (the columns keep milliseconds) */
const ms = (expr: string) => `to_timestamp((${expr})::bigint / 1000.0)`;

/**
 * Writes one engine batch in one transaction, idempotently: events and trades are keyed by the
 * engine's seq and trade id (a replay inserts nothing), and order and balance rows only move
 * forward (an update carrying an older seq than the row's changes nothing).
 *
 * Each table's rows travel as one JSON array of tuples, unpacked by PostgreSQL: as arrays per
 * column, every value of a batch of thousands went through Prisma's and pg's parameter
 * handling one by one (a third of db-writer's time). jsonb refuses \u0000 and lone surrogates, as
 * text columns refuse NUL: the text reaching here is ids the services generate and client order
 * ids the api admits only as printable ASCII.
 */
export async function persistBatch(prisma: PrismaClient, job: PersistJob): Promise<{ orders: number; trades: number; balances: number }> {
  const fixed = new Map(job.orders.map((o) => [o[0], o]));
  const latest = new Map<string, PersistJob['events'][number]>();
  for (const e of job.events) latest.set(e[1], e);
  // each order's fixed fields, then its latest state: filled, status, code, reason, at, seq
  const orders = [...latest.values()].map((e) => [...fixed.get(e[1])!, e[3], e[2], e[4], e[5], e[6], e[0]]);
  // seq, orderId, userId, status, filled, code, reason, at
  const events = job.events.map((e) => [e[0], e[1], fixed.get(e[1])![2], e[2], e[3], e[4], e[5], e[6]]);

  await prisma.$transaction([
    prisma.$executeRawUnsafe(
      `INSERT INTO symbols (symbol, tick_size, lot_size, created_at)
       SELECT r->>0, (r->>1)::int, (r->>2)::int, ${ms('r->>3')} FROM jsonb_array_elements($1::jsonb) AS r
       ON CONFLICT (symbol) DO NOTHING`,
      JSON.stringify(job.symbols),
    ),
    prisma.$executeRawUnsafe(
      `INSERT INTO orders (id, client_order_id, user_id, symbol, side, order_type, time_in_force, price, quantity,
                           filled_quantity, status, code, reason, created_at, updated_at, last_seq)
       SELECT r->>0, r->>1, r->>2, r->>3, r->>4, r->>5, r->>6, (r->>7)::bigint, (r->>8)::bigint,
              (r->>9)::bigint, r->>10, (r->>11)::int, r->>12, ${ms('r->>13')}, ${ms('r->>13')}, (r->>14)::bigint
       FROM jsonb_array_elements($1::jsonb) AS r
       ON CONFLICT (id) DO UPDATE SET filled_quantity = EXCLUDED.filled_quantity, status = EXCLUDED.status,
              code = EXCLUDED.code, reason = EXCLUDED.reason, updated_at = EXCLUDED.updated_at, last_seq = EXCLUDED.last_seq
       WHERE orders.last_seq < EXCLUDED.last_seq`,
      JSON.stringify(orders),
    ),
    prisma.$executeRawUnsafe(
      `INSERT INTO order_events (seq, order_id, user_id, status, filled_quantity, code, reason, created_at)
       SELECT (r->>0)::bigint, r->>1, r->>2, r->>3, (r->>4)::bigint, (r->>5)::int, r->>6, ${ms('r->>7')}
       FROM jsonb_array_elements($1::jsonb) AS r
       ON CONFLICT (seq) DO NOTHING`,
      JSON.stringify(events),
    ),
    prisma.$executeRawUnsafe(
      `INSERT INTO trades (id, seq, symbol, price, quantity, buy_order_id, sell_order_id, buy_user_id, sell_user_id, taker_side, executed_at)
       SELECT (r->>0)::bigint, (r->>1)::bigint, r->>2, (r->>3)::bigint, (r->>4)::bigint, r->>5, r->>6, r->>7, r->>8, r->>9, ${ms('r->>10')}
       FROM jsonb_array_elements($1::jsonb) AS r
       ON CONFLICT (id) DO NOTHING`,
      JSON.stringify(job.trades),
    ),
    prisma.$executeRawUnsafe(
      `INSERT INTO credits (seq, user_id, asset, amount, price, created_at)
       SELECT (r->>0)::bigint, r->>1, r->>2, (r->>3)::bigint, (r->>4)::bigint, ${ms('r->>5')}
       FROM jsonb_array_elements($1::jsonb) AS r
       ON CONFLICT (seq) DO NOTHING`,
      JSON.stringify(job.credits),
    ),
    prisma.$executeRawUnsafe(
      `INSERT INTO balances (user_id, asset, available, locked, seq)
       SELECT r->>0, r->>1, (r->>2)::bigint, (r->>3)::bigint, $2::bigint
       FROM jsonb_array_elements($1::jsonb) AS r
       ON CONFLICT (user_id, asset) DO UPDATE SET available = EXCLUDED.available, locked = EXCLUDED.locked, seq = EXCLUDED.seq
       WHERE balances.seq < EXCLUDED.seq`,
      JSON.stringify(job.balances),
      String(job.seq),
    ),
  ]);
  return { orders: orders.length, trades: job.trades.length, balances: job.balances.length };
}

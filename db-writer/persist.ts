import type { PrismaClient } from '../runtime/prisma';
import type { PersistJob } from '../engine/process/publisher';

const at = (ms: number) => new Date(ms).toISOString();
const str = (x: number | null) => (x === null ? null : String(x));

/**
 * Writes one engine batch in one transaction, idempotently: events and trades are keyed by the
 * engine's seq and trade id (a replay inserts nothing), and order and balance rows only move
 * forward (an update carrying an older seq than the row's changes nothing).
 */
export async function persistBatch(prisma: PrismaClient, job: PersistJob): Promise<{ orders: number; trades: number; balances: number }> {
  const fixed = new Map(job.orders.map((o) => [o[0], o]));
  const latest = new Map<string, PersistJob['events'][number]>();
  for (const e of job.events) latest.set(e[1], e);
  const orders = [...latest.values()].map((e) => ({ e, o: fixed.get(e[1])! }));
  const col = <T>(rows: T[], f: (r: T) => unknown) => rows.map(f);

  await prisma.$transaction([
    prisma.$executeRawUnsafe(
      `INSERT INTO symbols (symbol, tick_size, lot_size, created_at)
       SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::timestamptz[]) ON CONFLICT (symbol) DO NOTHING`,
      col(job.symbols, (r) => r[0]), col(job.symbols, (r) => r[1]), col(job.symbols, (r) => r[2]), col(job.symbols, (r) => at(r[3])),
    ),
    prisma.$executeRawUnsafe(
      `INSERT INTO orders (id, client_order_id, user_id, symbol, side, order_type, time_in_force, price, quantity,
                           filled_quantity, status, code, reason, created_at, updated_at, last_seq)
       SELECT u.id, u.client_order_id, u.user_id, u.symbol, u.side, u.order_type, u.time_in_force, u.price, u.quantity,
              u.filled_quantity, u.status, u.code, u.reason, u.at, u.at, u.seq
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[],
                   $9::bigint[], $10::bigint[], $11::text[], $12::int[], $13::text[], $14::timestamptz[], $15::bigint[])
         AS u(id, client_order_id, user_id, symbol, side, order_type, time_in_force, price, quantity,
              filled_quantity, status, code, reason, at, seq)
       ON CONFLICT (id) DO UPDATE SET filled_quantity = EXCLUDED.filled_quantity, status = EXCLUDED.status,
              code = EXCLUDED.code, reason = EXCLUDED.reason, updated_at = EXCLUDED.updated_at, last_seq = EXCLUDED.last_seq
       WHERE orders.last_seq < EXCLUDED.last_seq`,
      col(orders, (r) => r.o[0]), col(orders, (r) => r.o[1]), col(orders, (r) => r.o[2]), col(orders, (r) => r.o[3]),
      col(orders, (r) => r.o[4]), col(orders, (r) => r.o[5]), col(orders, (r) => r.o[6]), col(orders, (r) => str(r.o[7])),
      col(orders, (r) => str(r.o[8])), col(orders, (r) => str(r.e[3])), col(orders, (r) => r.e[2]), col(orders, (r) => r.e[4]),
      col(orders, (r) => r.e[5]), col(orders, (r) => at(r.e[6])), col(orders, (r) => str(r.e[0])),
    ),
    prisma.$executeRawUnsafe(
      `INSERT INTO order_events (seq, order_id, user_id, status, filled_quantity, code, reason, created_at)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::int[], $7::text[], $8::timestamptz[])
       ON CONFLICT (seq) DO NOTHING`,
      col(job.events, (e) => str(e[0])), col(job.events, (e) => e[1]), col(job.events, (e) => fixed.get(e[1])![2]), col(job.events, (e) => e[2]),
      col(job.events, (e) => str(e[3])), col(job.events, (e) => e[4]), col(job.events, (e) => e[5]), col(job.events, (e) => at(e[6])),
    ),
    prisma.$executeRawUnsafe(
      `INSERT INTO trades (id, seq, symbol, price, quantity, buy_order_id, sell_order_id, buy_user_id, sell_user_id, taker_side, executed_at)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[])
       ON CONFLICT (id) DO NOTHING`,
      ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => col(job.trades, (t) => (typeof t[i] === 'number' ? String(t[i]) : t[i]))),
      col(job.trades, (t) => at(t[10])),
    ),
    prisma.$executeRawUnsafe(
      `INSERT INTO credits (seq, user_id, asset, amount, price, created_at)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::timestamptz[])
       ON CONFLICT (seq) DO NOTHING`,
      col(job.credits, (c) => String(c[0])), col(job.credits, (c) => c[1]), col(job.credits, (c) => c[2]),
      col(job.credits, (c) => String(c[3])), col(job.credits, (c) => str(c[4])), col(job.credits, (c) => at(c[5])),
    ),
    prisma.$executeRawUnsafe(
      `INSERT INTO balances (user_id, asset, available, locked, seq)
       SELECT u.user_id, u.asset, u.available, u.locked, $5::bigint
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS u(user_id, asset, available, locked)
       ON CONFLICT (user_id, asset) DO UPDATE SET available = EXCLUDED.available, locked = EXCLUDED.locked, seq = EXCLUDED.seq
       WHERE balances.seq < EXCLUDED.seq`,
      col(job.balances, (b) => b[0]), col(job.balances, (b) => b[1]), col(job.balances, (b) => String(b[2])), col(job.balances, (b) => String(b[3])), String(job.seq),
    ),
  ]);
  return { orders: orders.length, trades: job.trades.length, balances: job.balances.length };
}

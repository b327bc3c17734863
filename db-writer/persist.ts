import type { PrismaClient } from '../runtime/prisma';
import type { PersistJob } from '../engine/process/publisher';
import type { OrderEvent, SymbolAddedEvent, TradeEvent } from '../engine/core/types';

const ts = (ms: number) => new Date(ms);

/**
 * Writes one engine batch in one transaction, idempotently: events and trades are keyed by the
 * engine's seq and trade id (a replay inserts nothing), and order and balance rows only move
 * forward (an update carrying an older seq than the row's changes nothing).
 */
export async function persistBatch(prisma: PrismaClient, job: PersistJob): Promise<{ orders: number; trades: number; balances: number }> {
  const orderEvents = job.events.filter((e): e is OrderEvent => e.type === 'order');
  const trades = job.events.filter((e): e is TradeEvent => e.type === 'trade');
  const symbols = job.events.filter((e): e is SymbolAddedEvent => e.type === 'symbolAdded');

  const latest = new Map<string, OrderEvent>();
  for (const e of orderEvents) latest.set(e.orderId, e);
  const orders = [...latest.values()];

  const balanceRows: { userId: string; asset: string; available: number; locked: number; seq: number }[] = [];
  for (const b of job.balances) {
    balanceRows.push({ userId: b.userId, asset: 'CASH', available: b.cash.available, locked: b.cash.locked, seq: b.seq });
    for (const [asset, p] of Object.entries(b.positions)) balanceRows.push({ userId: b.userId, asset, available: p.available, locked: p.locked, seq: b.seq });
  }

  const s = (xs: (number | null)[]) => xs.map((x) => (x === null ? null : String(x)));
  await prisma.$transaction([
    prisma.symbol.createMany({
      data: symbols.map((e) => ({ symbol: e.symbol, tickSize: e.tickSize, lotSize: e.lotSize, createdAt: ts(e.timestamp) })),
      skipDuplicates: true,
    }),
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
      orders.map((o) => o.orderId),
      orders.map((o) => o.clientOrderId),
      orders.map((o) => o.userId),
      orders.map((o) => o.symbol),
      orders.map((o) => o.side),
      orders.map((o) => o.orderType),
      orders.map((o) => o.timeInForce),
      s(orders.map((o) => o.price)),
      s(orders.map((o) => o.quantity)),
      s(orders.map((o) => o.filledQuantity)),
      orders.map((o) => o.status),
      orders.map((o) => o.code),
      orders.map((o) => o.reason),
      orders.map((o) => ts(o.timestamp).toISOString()),
      s(orders.map((o) => o.seq)),
    ),
    prisma.orderEvent.createMany({
      data: orderEvents.map((e) => ({
        seq: BigInt(e.seq),
        orderId: e.orderId,
        userId: e.userId,
        status: e.status,
        filledQuantity: BigInt(e.filledQuantity),
        code: e.code,
        reason: e.reason,
        createdAt: ts(e.timestamp),
      })),
      skipDuplicates: true,
    }),
    prisma.trade.createMany({
      data: trades.map((t) => ({
        id: BigInt(t.tradeId),
        seq: BigInt(t.seq),
        symbol: t.symbol,
        price: BigInt(t.price),
        quantity: BigInt(t.quantity),
        buyOrderId: t.buyOrderId,
        sellOrderId: t.sellOrderId,
        buyUserId: t.buyUserId,
        sellUserId: t.sellUserId,
        takerSide: t.takerSide,
        executedAt: ts(t.timestamp),
      })),
      skipDuplicates: true,
    }),
    prisma.$executeRawUnsafe(
      `INSERT INTO balances (user_id, asset, available, locked, seq)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[])
       ON CONFLICT (user_id, asset) DO UPDATE SET available = EXCLUDED.available, locked = EXCLUDED.locked, seq = EXCLUDED.seq
       WHERE balances.seq < EXCLUDED.seq`,
      balanceRows.map((r) => r.userId),
      balanceRows.map((r) => r.asset),
      s(balanceRows.map((r) => r.available)),
      s(balanceRows.map((r) => r.locked)),
      s(balanceRows.map((r) => r.seq)),
    ),
  ]);
  return { orders: orders.length, trades: trades.length, balances: balanceRows.length };
}

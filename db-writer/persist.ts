import type { PrismaClient } from '../runtime/prisma';
import { emptyBatch, type JobOrderEvent, type PersistBatch } from '../contracts/persist-job';

/** a JSON number of epoch milliseconds as timestamptz, exactly (the columns keep milliseconds) */
const ms = (expr: string) => `to_timestamp((${expr})::bigint / 1000.0)`;

/**
 * Writes one engine batch in one transaction, idempotently: events and trades are keyed by the
 * engine's seq and trade id (a replay inserts nothing), and order and balance rows only move
 * forward (an update carrying an older seq than the row's changes nothing).
 *
 * Each table's rows travel as one JSON array of the job's labelled rows, unpacked by PostgreSQL
 * (jsonb_to_recordset, each field named and typed once): as arrays per column, every value of a
 * batch of thousands went through Prisma's and pg's parameter handling one by one (a third of
 * db-writer's time). jsonb refuses \u0000 and lone surrogates, as text columns refuse NUL: the text
 * reaching here is ids the services generate and client order ids the api admits only as
 * printable ASCII.
 */
export async function persistBatch(prisma: PrismaClient, job: PersistBatch, progress = true): Promise<{ orders: number; trades: number; balances: number }> {
  const fixed = new Map(job.orders.map((o) => [o.orderId, o]));
  // the engine sends each order's fixed fields in the job of its first event
  for (const e of job.events) if (!fixed.has(e.orderId)) throw new JobContentError(`an event of order ${JSON.stringify(e.orderId)} without the order`);
  const latest = new Map<string, JobOrderEvent>();
  for (const e of job.events) latest.set(e.orderId, e);
  // each order's fields (price and quantity as of the job's end: an amend changes them) with its latest state
  const orders = [...latest.values()].map((e) => ({ ...fixed.get(e.orderId)!, ...e }));
  // each event with its order's owner
  const events = job.events.map((e) => ({ ...e, userId: fixed.get(e.orderId)!.userId }));

  await prisma.$transaction([
    prisma.$executeRawUnsafe(
      `INSERT INTO symbols (symbol, tick_size, lot_size, created_at)
       SELECT r.symbol, r."tickSize", r."lotSize", ${ms('r.timestamp')}
       FROM jsonb_to_recordset($1::jsonb) AS r(symbol text, "tickSize" int, "lotSize" int, timestamp bigint)
       ON CONFLICT (symbol) DO NOTHING`,
      JSON.stringify(job.symbols),
    ),
    prisma.$executeRawUnsafe(
      `INSERT INTO orders (id, client_order_id, user_id, symbol, side, order_type, time_in_force, price, quantity,
                           filled_quantity, status, code, reason, created_at, updated_at, last_seq, fee, stop_price)
       SELECT r."orderId", r."clientOrderId", r."userId", r.symbol, r.side, r."orderType", r."timeInForce", r.price, r.quantity,
              r."filledQuantity", r.status, r.code, r.reason, ${ms('r.timestamp')}, ${ms('r.timestamp')}, r.seq, r.fee, r."stopPrice"
       FROM jsonb_to_recordset($1::jsonb) AS r("orderId" text, "clientOrderId" text, "userId" text, symbol text, side text, "orderType" text,
              "timeInForce" text, price bigint, quantity bigint, "filledQuantity" bigint, status text, code int, reason text, timestamp bigint,
              seq bigint, fee bigint, "stopPrice" bigint)
       ON CONFLICT (id) DO UPDATE SET filled_quantity = EXCLUDED.filled_quantity, status = EXCLUDED.status,
              code = EXCLUDED.code, reason = EXCLUDED.reason, updated_at = EXCLUDED.updated_at, last_seq = EXCLUDED.last_seq, fee = EXCLUDED.fee,
              price = EXCLUDED.price, quantity = EXCLUDED.quantity
       WHERE orders.last_seq < EXCLUDED.last_seq`,
      JSON.stringify(orders),
    ),
    prisma.$executeRawUnsafe(
      `INSERT INTO order_events (seq, order_id, user_id, status, filled_quantity, code, reason, created_at)
       SELECT r.seq, r."orderId", r."userId", r.status, r."filledQuantity", r.code, r.reason, ${ms('r.timestamp')}
       FROM jsonb_to_recordset($1::jsonb) AS r(seq bigint, "orderId" text, "userId" text, status text, "filledQuantity" bigint, code int, reason text, timestamp bigint)
       ON CONFLICT (seq) DO NOTHING`,
      JSON.stringify(events),
    ),
    prisma.$executeRawUnsafe(
      `INSERT INTO trades (id, seq, symbol, price, quantity, buy_order_id, sell_order_id, buy_user_id, sell_user_id, taker_side, executed_at, buy_fee, sell_fee)
       SELECT r."tradeId", r.seq, r.symbol, r.price, r.quantity, r."buyOrderId", r."sellOrderId", r."buyUserId", r."sellUserId", r."takerSide",
              ${ms('r.timestamp')}, r."buyFee", r."sellFee"
       FROM jsonb_to_recordset($1::jsonb) AS r("tradeId" bigint, seq bigint, symbol text, price bigint, quantity bigint, "buyOrderId" text,
              "sellOrderId" text, "buyUserId" text, "sellUserId" text, "takerSide" text, timestamp bigint, "buyFee" bigint, "sellFee" bigint)
       ON CONFLICT (id) DO NOTHING`,
      JSON.stringify(job.trades),
    ),
    prisma.$executeRawUnsafe(
      `INSERT INTO credits (seq, user_id, asset, amount, price, created_at)
       SELECT r.seq, r."userId", r.asset, r.amount, r.price, ${ms('r.timestamp')}
       FROM jsonb_to_recordset($1::jsonb) AS r(seq bigint, "userId" text, asset text, amount bigint, price bigint, timestamp bigint)
       ON CONFLICT (seq) DO NOTHING`,
      JSON.stringify(job.credits),
    ),
    prisma.$executeRawUnsafe(
      `INSERT INTO balances (user_id, asset, available, locked, seq)
       SELECT r."userId", r.asset, r.available, r.locked, $2::bigint
       FROM jsonb_to_recordset($1::jsonb) AS r("userId" text, asset text, available bigint, locked bigint)
       ON CONFLICT (user_id, asset) DO UPDATE SET available = EXCLUDED.available, locked = EXCLUDED.locked, seq = EXCLUDED.seq
       WHERE balances.seq < EXCLUDED.seq`,
      JSON.stringify(job.balances),
      String(job.seq),
    ),
    prisma.$executeRawUnsafe(
      `INSERT INTO news (seq, news_id, headline, body, symbol, move_percent, published_at)
       SELECT r.seq, r."newsId", r.headline, r.body, r.symbol, r."movePercent", ${ms('r.timestamp')}
       FROM jsonb_to_recordset($1::jsonb) AS r(seq bigint, "newsId" text, headline text, body text, symbol text, "movePercent" double precision, timestamp bigint)
       ON CONFLICT (seq) DO NOTHING`,
      JSON.stringify(job.news),
    ),
    // in the same transaction: the progress says exactly what is stored
    ...(progress ? [recordProgress(prisma, job.seq)] : []),
  ]);
  return { orders: orders.length, trades: job.trades.length, balances: job.balances.length };
}

function recordProgress(prisma: PrismaClient, seq: number) {
  return prisma.$executeRawUnsafe(
    `INSERT INTO persist_progress (id, seq, updated_at) VALUES (1, $1::bigint, now())
     ON CONFLICT (id) DO UPDATE SET seq = GREATEST(persist_progress.seq, EXCLUDED.seq), updated_at = now()`,
    String(seq),
  );
}

/** Every seq up to this one is stored; null before the first job was (a new database). */
export async function persistedSeq(prisma: PrismaClient): Promise<number | null> {
  const rows = await prisma.$queryRawUnsafe<{ seq: bigint }[]>('SELECT seq FROM persist_progress WHERE id = 1');
  return rows.length === 0 ? null : Number(rows[0].seq);
}

/** A job whose rows contradict each other: writing it again cannot succeed. */
export class JobContentError extends Error {}

/** One row of a job (an order with its events, a trade, a credit…) as a job of its own. */
export function rowsOf(job: PersistBatch): { kind: string; job: PersistBatch }[] {
  const empty = () => emptyBatch(job.seq);
  const out: { kind: string; job: PersistBatch }[] = [];
  // symbols and orders first: events and trades name them
  for (const s of job.symbols) out.push({ kind: 'symbol', job: { ...empty(), symbols: [s] } });
  const events = new Map<string, JobOrderEvent[]>();
  for (const e of job.events) events.set(e.orderId, [...(events.get(e.orderId) ?? []), e]);
  for (const o of job.orders) {
    out.push({ kind: 'order', job: { ...empty(), orders: [o], events: events.get(o.orderId) ?? [] } });
    events.delete(o.orderId);
  }
  // events of an order the job does not hold: refused alone
  for (const list of events.values()) for (const e of list) out.push({ kind: 'event', job: { ...empty(), events: [e] } });
  for (const t of job.trades) out.push({ kind: 'trade', job: { ...empty(), trades: [t] } });
  for (const c of job.credits) out.push({ kind: 'credit', job: { ...empty(), credits: [c] } });
  for (const x of job.news) out.push({ kind: 'news', job: { ...empty(), news: [x] } });
  for (const b of job.balances) out.push({ kind: 'balance', job: { ...empty(), balances: [b] } });
  return out;
}

/**
 * A job PostgreSQL refused for its content: each row is written alone, and a row refused again is
 * set aside in `unstorable_rows` with its reason, so the rest of the batch still lands. Returns
 * what was set aside. Errors of any other kind (the database gone) are the caller's to retry.
 */
export async function persistRowByRow(
  prisma: PrismaClient,
  job: PersistBatch,
  unstorable: (err: unknown) => boolean,
): Promise<{ kind: string; reason: string }[]> {
  const setAside: { kind: string; reason: string }[] = [];
  for (const row of rowsOf(job)) {
    try {
      await persistBatch(prisma, row.job, false);
    } catch (err) {
      if (!unstorable(err)) throw err;
      const reason = reasonOf(err);
      setAside.push({ kind: row.kind, reason });
      await prisma.$executeRawUnsafe(
        'INSERT INTO unstorable_rows (job_seq, kind, "row", reason) VALUES ($1::bigint, $2, $3, $4)',
        String(job.seq), row.kind, JSON.stringify(row.job), reason,
      );
    }
  }
  await recordProgress(prisma, job.seq);
  return setAside;
}

/** PostgreSQL's code and message, without Prisma's wrapping */
export function reasonOf(err: unknown): string {
  if (err instanceof JobContentError) return err.message;
  const cause = driverCause(err);
  if (cause !== undefined && typeof cause.originalCode === 'string') return `${cause.originalCode}: ${String(cause.originalMessage ?? cause.message ?? '')}`;
  return String((err as Error)?.message ?? err).slice(0, 500);
}

/** The SQLSTATE PostgreSQL answered with, if it answered at all. */
export function sqlState(err: unknown): string | null {
  const cause = driverCause(err);
  if (cause !== undefined && typeof cause.originalCode === 'string') return cause.originalCode;
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * Refused for what the rows hold (class 22, data exception: a value of the wrong type or range;
 * class 23, integrity: a row naming another that is not there): writing them again will fail
 * again. Anything else (connections refused, the server shutting down, a lock timeout, a
 * deadlock) may pass, and is retried for as long as it lasts.
 */
export function isUnstorable(err: unknown): boolean {
  if (err instanceof JobContentError) return true;
  const state = sqlState(err);
  return state !== null && (state.startsWith('22') || state.startsWith('23'));
}

function driverCause(err: unknown): { originalCode?: unknown; originalMessage?: unknown; message?: unknown } | undefined {
  const meta = (err as { meta?: { driverAdapterError?: { cause?: unknown } } })?.meta;
  const cause = meta?.driverAdapterError?.cause;
  return typeof cause === 'object' && cause !== null ? (cause as { originalCode?: unknown }) : undefined;
}

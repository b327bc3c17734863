import type { PrismaClient } from '../runtime/prisma';
import { emptyBatch, type JobBalance, type JobCredit, type JobNews, type JobOrder, type JobOrderEvent, type JobSymbol, type JobTrade, type PersistBatch } from '../contracts/persist-job';

/** a JSON number of epoch milliseconds as timestamptz, exactly (the columns keep milliseconds) */
const ms = (expr: string) => `to_timestamp((${expr})::bigint / 1000.0)`;

/**
 * Each table's fields with their PostgreSQL types, in the order they travel (see `tuplesOf`): every
 * field of the row named once, checked against the row's type by the compiler.
 */
const SYMBOL = { symbol: 'text', tickSize: 'int', lotSize: 'int', timestamp: 'bigint' } satisfies Fields<JobSymbol>;
const ORDER = {
  orderId: 'text', clientOrderId: 'text', userId: 'text', symbol: 'text', side: 'text', orderType: 'text', timeInForce: 'text',
  price: 'bigint', quantity: 'bigint', stopPrice: 'bigint', seq: 'bigint', status: 'text', filledQuantity: 'bigint', code: 'int',
  reason: 'text', timestamp: 'bigint', fee: 'bigint',
} satisfies Fields<OrderRow>;
const EVENT = { seq: 'bigint', orderId: 'text', userId: 'text', status: 'text', filledQuantity: 'bigint', code: 'int', reason: 'text', timestamp: 'bigint' } satisfies Fields<EventRow>;
const TRADE = {
  tradeId: 'bigint', seq: 'bigint', symbol: 'text', price: 'bigint', quantity: 'bigint', buyOrderId: 'text', sellOrderId: 'text',
  buyUserId: 'text', sellUserId: 'text', takerSide: 'text', timestamp: 'bigint', buyFee: 'bigint', sellFee: 'bigint',
} satisfies Fields<JobTrade>;
const CREDIT = { seq: 'bigint', userId: 'text', asset: 'text', amount: 'bigint', price: 'bigint', timestamp: 'bigint' } satisfies Fields<JobCredit>;
const BALANCE = { userId: 'text', asset: 'text', available: 'bigint', locked: 'bigint' } satisfies Fields<JobBalance>;
const NEWS = { seq: 'bigint', newsId: 'text', headline: 'text', body: 'text', symbol: 'text', movePercent: 'double precision', timestamp: 'bigint' } satisfies Fields<JobNews>;

type Fields<R> = { [K in keyof Required<R>]: string };

/**
 * Rows as they travel to PostgreSQL: one JSON array of arrays, the fields in `fields`' order. Not
 * labelled objects: PostgreSQL unpacked those (jsonb_to_recordset) at three times the cost, and
 * they are twice the text. Not arrays per column: every value of a batch of thousands went through
 * Prisma's and pg's parameter handling one by one (a third of db-writer's time).
 */
function tuplesOf<R>(fields: Fields<R>): (rows: readonly R[]) => string {
  const names = Object.keys(fields) as (keyof R)[];
  return (rows) => {
    const out = new Array<unknown[]>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const t = new Array<unknown>(names.length);
      for (let k = 0; k < names.length; k++) t[k] = row[names[k]] ?? null;
      out[i] = t;
    }
    return JSON.stringify(out);
  };
}

/** `$1` (from `tuplesOf`) as a relation whose columns carry the fields' names and types. */
function relation<R>(fields: Fields<R>): string {
  const columns = Object.entries(fields as Record<string, string>).map(([name, type], i) => `(e->>${i})::${type} AS "${name}"`);
  return `(SELECT ${columns.join(', ')} FROM jsonb_array_elements($1::jsonb) AS e)`;
}

/** The statements, made once from the field lists: each reads its rows by name. */
const SQL = {
  symbols: `INSERT INTO symbols (symbol, tick_size, lot_size, created_at)
     SELECT r.symbol, r."tickSize", r."lotSize", ${ms('r.timestamp')} FROM ${relation(SYMBOL)} AS r
     ON CONFLICT (symbol) DO NOTHING`,
  orders: `INSERT INTO orders (id, client_order_id, user_id, symbol, side, order_type, time_in_force, price, quantity,
                         filled_quantity, status, code, reason, created_at, updated_at, last_seq, fee, stop_price)
     SELECT r."orderId", r."clientOrderId", r."userId", r.symbol, r.side, r."orderType", r."timeInForce", r.price, r.quantity,
            r."filledQuantity", r.status, r.code, r.reason, ${ms('r.timestamp')}, ${ms('r.timestamp')}, r.seq, r.fee, r."stopPrice"
     FROM ${relation(ORDER)} AS r
     ON CONFLICT (id) DO UPDATE SET filled_quantity = EXCLUDED.filled_quantity, status = EXCLUDED.status,
            code = EXCLUDED.code, reason = EXCLUDED.reason, updated_at = EXCLUDED.updated_at, last_seq = EXCLUDED.last_seq, fee = EXCLUDED.fee,
            price = EXCLUDED.price, quantity = EXCLUDED.quantity
     WHERE orders.last_seq < EXCLUDED.last_seq`,
  events: `INSERT INTO order_events (seq, order_id, user_id, status, filled_quantity, code, reason, created_at)
     SELECT r.seq, r."orderId", r."userId", r.status, r."filledQuantity", r.code, r.reason, ${ms('r.timestamp')}
     FROM ${relation(EVENT)} AS r
     ON CONFLICT (seq) DO NOTHING`,
  trades: `INSERT INTO trades (id, seq, symbol, price, quantity, buy_order_id, sell_order_id, buy_user_id, sell_user_id, taker_side, executed_at, buy_fee, sell_fee)
     SELECT r."tradeId", r.seq, r.symbol, r.price, r.quantity, r."buyOrderId", r."sellOrderId", r."buyUserId", r."sellUserId", r."takerSide",
            ${ms('r.timestamp')}, r."buyFee", r."sellFee"
     FROM ${relation(TRADE)} AS r
     ON CONFLICT (id) DO NOTHING`,
  credits: `INSERT INTO credits (seq, user_id, asset, amount, price, created_at)
     SELECT r.seq, r."userId", r.asset, r.amount, r.price, ${ms('r.timestamp')} FROM ${relation(CREDIT)} AS r
     ON CONFLICT (seq) DO NOTHING`,
  balances: `INSERT INTO balances (user_id, asset, available, locked, seq)
     SELECT r."userId", r.asset, r.available, r.locked, $2::bigint FROM ${relation(BALANCE)} AS r
     ON CONFLICT (user_id, asset) DO UPDATE SET available = EXCLUDED.available, locked = EXCLUDED.locked, seq = EXCLUDED.seq
     WHERE balances.seq < EXCLUDED.seq`,
  news: `INSERT INTO news (seq, news_id, headline, body, symbol, move_percent, published_at)
     SELECT r.seq, r."newsId", r.headline, r.body, r.symbol, r."movePercent", ${ms('r.timestamp')} FROM ${relation(NEWS)} AS r
     ON CONFLICT (seq) DO NOTHING`,
};
const tuples = {
  symbols: tuplesOf(SYMBOL),
  orders: tuplesOf(ORDER),
  events: tuplesOf(EVENT),
  trades: tuplesOf(TRADE),
  credits: tuplesOf(CREDIT),
  balances: tuplesOf(BALANCE),
  news: tuplesOf(NEWS),
};

/**
 * Writes one engine batch in one transaction, idempotently: events and trades are keyed by the
 * engine's seq and trade id (a replay inserts nothing), and order and balance rows only move
 * forward (an update carrying an older seq than the row's changes nothing). jsonb refuses \u0000
 * and lone surrogates, as text columns refuse NUL: the text reaching here is ids the services
 * generate and client order ids the api admits only as printable ASCII.
 */
export async function persistBatch(prisma: PrismaClient, job: PersistBatch, progress = true): Promise<{ orders: number; trades: number; balances: number }> {
  const fixed = new Map(job.orders.map((o) => [o.orderId, o]));
  // the engine sends each order's fixed fields in the job of its first event
  for (const e of job.events) if (!fixed.has(e.orderId)) throw new JobContentError(`an event of order ${JSON.stringify(e.orderId)} without the order`);
  const latest = new Map<string, JobOrderEvent>();
  for (const e of job.events) latest.set(e.orderId, e);
  // Rows written out field by field, not spread ({ ...order, ...event }): spreading made objects
  // V8 builds and stringifies slowly, ten times the cost of the rest of this function per job.
  // each order's fields (price and quantity as of the job's end: an amend changes them) with its latest state
  const orders = [...latest.values()].map((e) => orderRow(fixed.get(e.orderId)!, e));
  // each event with its order's owner
  const events = job.events.map((e) => eventRow(e, fixed.get(e.orderId)!.userId));

  // a table with no rows in this job costs no statement (most jobs bring no symbol, credit or news)
  const statements = [
    job.symbols.length > 0 && prisma.$executeRawUnsafe(SQL.symbols, tuples.symbols(job.symbols)),
    orders.length > 0 && prisma.$executeRawUnsafe(SQL.orders, tuples.orders(orders)),
    events.length > 0 && prisma.$executeRawUnsafe(SQL.events, tuples.events(events)),
    job.trades.length > 0 && prisma.$executeRawUnsafe(SQL.trades, tuples.trades(job.trades)),
    job.credits.length > 0 && prisma.$executeRawUnsafe(SQL.credits, tuples.credits(job.credits)),
    job.balances.length > 0 && prisma.$executeRawUnsafe(SQL.balances, tuples.balances(job.balances), String(job.seq)),
    job.news.length > 0 && prisma.$executeRawUnsafe(SQL.news, tuples.news(job.news)),
    // in the same transaction: the progress says exactly what is stored
    progress && recordProgress(prisma, job.seq),
  ];
  await prisma.$transaction(statements.filter((x) => x !== false));
  return { orders: orders.length, trades: job.trades.length, balances: job.balances.length };
}

type OrderRow = ReturnType<typeof orderRow>;
type EventRow = ReturnType<typeof eventRow>;

/** an order's row: its fixed fields and its latest state */
function orderRow(o: JobOrder, e: JobOrderEvent) {
  return {
    orderId: o.orderId, clientOrderId: o.clientOrderId, userId: o.userId, symbol: o.symbol, side: o.side, orderType: o.orderType,
    timeInForce: o.timeInForce, price: o.price, quantity: o.quantity, stopPrice: o.stopPrice ?? null,
    seq: e.seq, status: e.status, filledQuantity: e.filledQuantity, code: e.code, reason: e.reason, timestamp: e.timestamp, fee: e.fee,
  };
}

/** an order event's row, with the order's owner */
function eventRow(e: JobOrderEvent, userId: string) {
  return { seq: e.seq, orderId: e.orderId, userId, status: e.status, filledQuantity: e.filledQuantity, code: e.code, reason: e.reason, timestamp: e.timestamp };
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

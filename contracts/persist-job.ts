/**
 * What db-writer persists from a batch. On the way (it crosses Redis twice, and a batch can hold
 * thousands of events) the job is compact tuples: each order's fixed fields once, then every state
 * change, the trades, new symbols and the balances of everyone the batch touched, all in cents.
 * Nobody reads a tuple by position: the engine writes a job with `encodePersistJob` and db-writer
 * reads it with `decodePersistJob`, both from the labelled rows below, so a field added or moved
 * changes this file only.
 */

/** an order's fixed fields; price and quantity as of the job's last event (an amend changes them) */
export interface JobOrder {
  orderId: string;
  clientOrderId: string | null;
  userId: string;
  symbol: string;
  side: string;
  orderType: string;
  timeInForce: string;
  price: number | null;
  quantity: number;
  /** stop orders only */
  stopPrice?: number | null;
}

/** one state change of an order */
export interface JobOrderEvent {
  seq: number;
  orderId: string;
  status: string;
  filledQuantity: number;
  code: number;
  reason: string | null;
  timestamp: number;
  fee: number;
}

export interface JobTrade {
  tradeId: number;
  seq: number;
  symbol: string;
  price: number;
  quantity: number;
  buyOrderId: string;
  sellOrderId: string;
  buyUserId: string;
  sellUserId: string;
  takerSide: string;
  timestamp: number;
  buyFee: number;
  sellFee: number;
}

export interface JobNews {
  seq: number;
  newsId: string;
  headline: string;
  body: string;
  symbol: string | null;
  movePercent: number | null;
  timestamp: number;
}

export interface JobSymbol {
  symbol: string;
  tickSize: number;
  lotSize: number;
  timestamp: number;
}

export interface JobCredit {
  seq: number;
  userId: string;
  asset: string;
  amount: number;
  /** cost basis of credited shares */
  price: number | null;
  timestamp: number;
}

/** every asset of every touched participant, zeros included */
export interface JobBalance {
  userId: string;
  asset: string;
  available: number;
  locked: number;
}

/** A job with labelled rows: what the engine collects and db-writer writes. */
export interface PersistBatch {
  orders: JobOrder[];
  events: JobOrderEvent[];
  trades: JobTrade[];
  news: JobNews[];
  symbols: JobSymbol[];
  credits: JobCredit[];
  balances: JobBalance[];
  /** the engine seq the balances are as of: the job covers the seqs after `from` up to this one */
  seq: number;
  /**
   * the engine seq the job before it ended at (absent in jobs of older engines): the jobs of one
   * engine tile the seqs without a hole, so db-writer knows when one is missing
   */
  from?: number;
}

/** The job as it travels: the rows of PersistBatch as tuples, in the order the encoders below write. */
export interface PersistJob {
  v: 1;
  orders: [string, string | null, string, string, string, string, string, number | null, number, (number | null)?][];
  /** the fee is absent in older jobs (0) */
  events: [number, string, string, number, number, string | null, number, number?][];
  /** the fees are absent in older jobs (0) */
  trades: [number, number, string, number, number, string, string, string, string, string, number, number?, number?][];
  /** absent in older jobs */
  news?: [number, string, string, string, string | null, number | null, number][];
  symbols: [string, number, number, number][];
  credits: [number, string, string, number, number | null, number][];
  balances: [string, string, number, number][];
  seq: number;
  from?: number;
}

/** the tuple lengths each row kind may have (older engines wrote shorter ones), for db-writer's shape check */
export const JOB_TUPLE_LENGTHS = {
  orders: [9, 10],
  events: [7, 8],
  trades: [11, 13],
  news: [7, 7],
  symbols: [4, 4],
  credits: [6, 6],
  balances: [4, 4],
} as const;

type Row<K extends keyof PersistJob> = NonNullable<PersistJob[K]> extends (infer T)[] ? T : never;

export function encodeOrder(o: JobOrder): Row<'orders'> {
  const t: Row<'orders'> = [o.orderId, o.clientOrderId, o.userId, o.symbol, o.side, o.orderType, o.timeInForce, o.price, o.quantity];
  if (o.stopPrice !== undefined) t.push(o.stopPrice);
  return t;
}

export function decodeOrder(t: Row<'orders'>): JobOrder {
  return { orderId: t[0], clientOrderId: t[1], userId: t[2], symbol: t[3], side: t[4], orderType: t[5], timeInForce: t[6], price: t[7], quantity: t[8], stopPrice: t[9] ?? null };
}

export function encodeOrderEvent(e: JobOrderEvent): Row<'events'> {
  return [e.seq, e.orderId, e.status, e.filledQuantity, e.code, e.reason, e.timestamp, e.fee];
}

export function decodeOrderEvent(t: Row<'events'>): JobOrderEvent {
  return { seq: t[0], orderId: t[1], status: t[2], filledQuantity: t[3], code: t[4], reason: t[5], timestamp: t[6], fee: t[7] ?? 0 };
}

export function encodeTrade(x: JobTrade): Row<'trades'> {
  return [x.tradeId, x.seq, x.symbol, x.price, x.quantity, x.buyOrderId, x.sellOrderId, x.buyUserId, x.sellUserId, x.takerSide, x.timestamp, x.buyFee, x.sellFee];
}

export function decodeTrade(t: Row<'trades'>): JobTrade {
  return { tradeId: t[0], seq: t[1], symbol: t[2], price: t[3], quantity: t[4], buyOrderId: t[5], sellOrderId: t[6], buyUserId: t[7], sellUserId: t[8], takerSide: t[9], timestamp: t[10], buyFee: t[11] ?? 0, sellFee: t[12] ?? 0 };
}

export function encodeNews(n: JobNews): Row<'news'> {
  return [n.seq, n.newsId, n.headline, n.body, n.symbol, n.movePercent, n.timestamp];
}

export function decodeNews(t: Row<'news'>): JobNews {
  return { seq: t[0], newsId: t[1], headline: t[2], body: t[3], symbol: t[4], movePercent: t[5], timestamp: t[6] };
}

export function encodeSymbol(s: JobSymbol): Row<'symbols'> {
  return [s.symbol, s.tickSize, s.lotSize, s.timestamp];
}

export function decodeSymbol(t: Row<'symbols'>): JobSymbol {
  return { symbol: t[0], tickSize: t[1], lotSize: t[2], timestamp: t[3] };
}

export function encodeCredit(c: JobCredit): Row<'credits'> {
  return [c.seq, c.userId, c.asset, c.amount, c.price, c.timestamp];
}

export function decodeCredit(t: Row<'credits'>): JobCredit {
  return { seq: t[0], userId: t[1], asset: t[2], amount: t[3], price: t[4], timestamp: t[5] };
}

export function encodeBalance(b: JobBalance): Row<'balances'> {
  return [b.userId, b.asset, b.available, b.locked];
}

export function decodeBalance(t: Row<'balances'>): JobBalance {
  return { userId: t[0], asset: t[1], available: t[2], locked: t[3] };
}

/** The job to send for `b`: news only when there is some (older db-writers know no news). */
export function encodePersistJob(b: PersistBatch): PersistJob {
  const job: PersistJob = {
    v: 1,
    orders: b.orders.map(encodeOrder),
    events: b.events.map(encodeOrderEvent),
    trades: b.trades.map(encodeTrade),
    symbols: b.symbols.map(encodeSymbol),
    credits: b.credits.map(encodeCredit),
    balances: b.balances.map(encodeBalance),
    seq: b.seq,
  };
  if (b.news.length > 0) job.news = b.news.map(encodeNews);
  if (b.from !== undefined) job.from = b.from;
  return job;
}

/** The labelled rows of a job (of this engine or an older one: missing fees are 0, missing news none). */
export function decodePersistJob(job: PersistJob): PersistBatch {
  const b: PersistBatch = {
    orders: job.orders.map(decodeOrder),
    events: job.events.map(decodeOrderEvent),
    trades: job.trades.map(decodeTrade),
    news: (job.news ?? []).map(decodeNews),
    symbols: job.symbols.map(decodeSymbol),
    credits: job.credits.map(decodeCredit),
    balances: job.balances.map(decodeBalance),
    seq: job.seq,
  };
  if (job.from !== undefined) b.from = job.from;
  return b;
}

/** An empty batch at `seq`: a row written alone travels in one. */
export function emptyBatch(seq: number): PersistBatch {
  return { orders: [], events: [], trades: [], news: [], symbols: [], credits: [], balances: [], seq };
}

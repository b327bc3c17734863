/**
 * What db-writer persists from a batch, as compact tuples (a batch can hold thousands of events,
 * and this crosses Redis twice): each order's fixed fields once, then every state change, the
 * trades, new symbols and the balances of everyone the batch touched, all in cents.
 */
export interface PersistJob {
  v: 1;
  /** orderId, clientOrderId, userId, symbol, side, orderType, timeInForce, price, quantity (price and quantity as of the job's last event: an amend changes them), stopPrice (stop orders only) */
  orders: [string, string | null, string, string, string, string, string, number | null, number, (number | null)?][];
  /** seq, orderId, status, filledQuantity, code, reason, timestamp, fee (absent in older jobs: 0) */
  events: [number, string, string, number, number, string | null, number, number?][];
  /** tradeId, seq, symbol, price, quantity, buyOrderId, sellOrderId, buyUserId, sellUserId, takerSide, timestamp, buyFee, sellFee (fees absent in older jobs: 0) */
  trades: [number, number, string, number, number, string, string, string, string, string, number, number?, number?][];
  /** seq, newsId, headline, body, symbol, movePercent, timestamp (absent in older jobs) */
  news?: [number, string, string, string, string | null, number | null, number][];
  /** symbol, tickSize, lotSize, timestamp */
  symbols: [string, number, number, number][];
  /** seq, userId, asset, amount, price (cost basis of credited shares), timestamp */
  credits: [number, string, string, number, number | null, number][];
  /** userId, asset, available, locked: every asset of every touched participant, zeros included */
  balances: [string, string, number, number][];
  /** the engine seq the balances are as of: the job covers the seqs after `from` up to this one */
  seq: number;
  /**
   * the engine seq the job before it ended at (absent in jobs of older engines): the jobs of one
   * engine tile the seqs without a hole, so db-writer knows when one is missing
   */
  from?: number;
}

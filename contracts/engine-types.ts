/**
 * Commands the core accepts and events it emits. Prices and cash are integer cents (a symbol's tick
 * size is a number of cents too), quantities whole shares. `ts` is supplied by the caller (the stream
 * entry id's time) because the core has no clock.
 */

export type Side = 'BUY' | 'SELL';
/**
 * A field of a refused command as the REJECTED event echoes it: the value if it is one of the
 * allowed ones, else INVALID. Nothing the engine did not check leaves it.
 */
export type Echo<T extends string> = T | 'INVALID';
/**
 * LIMIT_MAKER: a post-only limit order, refused rather than trading if it would cross the book.
 * STOP_MARKET / STOP_LIMIT: wait, off the book, until a trade of their symbol reaches the stop
 * price (a buy at or above it, a sell at or below it), then go in as a market or limit order.
 */
export type OrderType = 'LIMIT' | 'MARKET' | 'LIMIT_MAKER' | 'STOP_MARKET' | 'STOP_LIMIT';
export type TimeInForce = 'GFD' | 'IOC' | 'FOK';
export type StpMode = 'EXPIRE_TAKER' | 'EXPIRE_MAKER' | 'EXPIRE_BOTH';
export type OrderStatus = 'PENDING' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELLED' | 'REJECTED';
export type SessionState = 'OPEN' | 'HALTED' | 'CLOSED';
/** The asset name of cash in credits and balances; every other asset is a symbol. */
export const CASH = 'CASH';

/** Why a live order stopped without filling completely. */
export type CancelReason =
  | 'USER_CANCELLED'
  | 'SESSION_CLOSED'
  | 'IOC_REMAINDER'
  | 'FOK_UNFILLABLE'
  | 'NO_LIQUIDITY'
  | 'INSUFFICIENT_BALANCE'
  | 'SELF_TRADE_PREVENTED';

export interface PlaceCommand {
  action: 'place';
  orderId: string;
  clientOrderId?: string | null;
  userId: string;
  symbol: string;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  price?: number | null;
  /** a stop order's trigger price, in cents; only for STOP_MARKET and STOP_LIMIT */
  stopPrice?: number | null;
  quantity: number;
  stp?: StpMode;
  ts: number;
}

/** Cancels by orderId or by the participant's clientOrderId. */
export interface CancelCommand {
  action: 'cancel';
  orderId?: string | null;
  clientOrderId?: string | null;
  userId: string;
  ts: number;
}

/** Cancels every resting order of the participant, in one symbol or in all. */
export interface CancelAllCommand {
  action: 'cancelAll';
  userId: string;
  symbol?: string | null;
  ts: number;
}

/**
 * Changes a resting order's total quantity and/or limit price. A smaller quantity alone keeps its
 * place in the queue; a new price or a larger quantity re-queues it (and it may trade at once, as
 * a new order would).
 */
export interface AmendCommand {
  action: 'amend';
  userId: string;
  orderId?: string | null;
  clientOrderId?: string | null;
  quantity?: number | null;
  price?: number | null;
  ts: number;
}

export interface AddSymbolCommand {
  action: 'addSymbol';
  symbol: string;
  tickSize: number;
  lotSize?: number;
  ts: number;
}

/**
 * Adds cash (asset CASH, in cents) or shares (asset = symbol) to a participant's available
 * balance. Shares may carry the price per share they count as bought at (their cost basis).
 */
export interface CreditCommand {
  action: 'credit';
  userId: string;
  asset: string;
  amount: number;
  price?: number | null;
  ts: number;
}

export interface SessionCommand {
  action: 'session';
  state: SessionState;
  ts: number;
}

/** Starts a new event: every balance goes to zero (symbols stay). Only while the session is closed. */
export interface ResetCommand {
  action: 'reset';
  ts: number;
}

/**
 * Loads an event's rules and starting package (only while the session is closed). Everyone the
 * engine knows as a participant and has not yet received this event's package receives it.
 */
export interface EventCommand {
  action: 'event';
  name: string;
  rules: TradingRules;
  starting: StartingPackage;
  ts: number;
}

/**
 * Marks a participant as one who receives the event's starting package, and credits it unless
 * they already received it since the last reset: sent on every registration and log-in, so it
 * is idempotent.
 */
export interface GrantCommand {
  action: 'grant';
  userId: string;
  ts: number;
}

/** A headline for everyone; `newsId` makes a scheduled item published once whoever sends it again. */
export interface NewsCommand {
  action: 'news';
  newsId: string;
  headline: string;
  body: string;
  symbol: string | null;
  /** how far the symbol's reference price moves, in percent (the data-server applies it) */
  movePercent: number | null;
  ts: number;
}

export type Command = PlaceCommand | CancelCommand | CancelAllCommand | AmendCommand | AddSymbolCommand | CreditCommand | SessionCommand | ResetCommand | EventCommand | GrantCommand | NewsCommand;

export interface OrderEvent {
  type: 'order';
  seq: number;
  orderId: string;
  clientOrderId: string | null;
  userId: string;
  symbol: string;
  /** on a REJECTED order, INVALID where the command gave something else (see Echo) */
  side: Echo<Side>;
  orderType: Echo<OrderType>;
  timeInForce: Echo<TimeInForce>;
  /** null for market orders, and on a REJECTED order whose price was not a valid one */
  price: number | null;
  /** 0 on a REJECTED order whose quantity was not a valid one */
  quantity: number;
  filledQuantity: number;
  status: OrderStatus;
  /** 0 unless REJECTED; then a code of the error table */
  code: number;
  /** Set on REJECTED (human-readable) and CANCELLED (a CancelReason); null otherwise. */
  reason: string | null;
  /** fees this order has paid so far, in cents (negative: rebates received) */
  fee: number;
  /** only on stop orders: the trigger price in cents (null on a REJECTED one whose was not valid) */
  stopPrice?: number | null;
  /** only on stop orders: false while it waits off the book, true from the event of its trigger on */
  triggered?: boolean;
  /**
   * The participant's order-update id and the one before it (as a depth event's for its symbol):
   * one more on each order event of theirs, so that a client following its own orders sees a gap
   * when it missed one. 0 and 0 on the state GET answers rebuild, which is not an update.
   */
  pu: number;
  u: number;
  timestamp: number;
}

export interface TradeEvent {
  type: 'trade';
  seq: number;
  tradeId: number;
  symbol: string;
  price: number;
  quantity: number;
  buyOrderId: string;
  sellOrderId: string;
  buyUserId: string;
  sellUserId: string;
  takerSide: Side;
  /** what each side paid the exchange for this fill, in cents (negative: a maker's rebate) */
  buyFee: number;
  sellFee: number;
  timestamp: number;
}

/** The new aggregate quantity of one price level; 0 means the level is gone. */
export interface DepthEvent {
  type: 'depth';
  seq: number;
  symbol: string;
  side: Side;
  price: number;
  quantity: number;
  /**
   * the symbol's book update id before this change and after it (Binance's pu and u): within a
   * symbol they run without a gap, so a client sees at once that it missed one
   */
  pu: number;
  u: number;
  timestamp: number;
}

/** A command that was refused and is not about a placed order (cancel, admin). */
export interface ErrorEvent {
  type: 'error';
  seq: number;
  code: number;
  message: string;
  action: string;
  userId: string | null;
  orderId: string | null;
  clientOrderId: string | null;
  /** on a place whose clientOrderId was used before: that order, and whether this asked for the same */
  duplicateOf?: { orderId: string; sameRequest: boolean };
  timestamp: number;
}

export interface SessionEvent {
  type: 'session';
  seq: number;
  state: SessionState;
  previous: SessionState;
  timestamp: number;
}

export interface SymbolAddedEvent {
  type: 'symbolAdded';
  seq: number;
  symbol: string;
  tickSize: number;
  lotSize: number;
  timestamp: number;
}

export interface CreditEvent {
  type: 'credit';
  seq: number;
  userId: string;
  asset: string;
  amount: number;
  /** cost basis per share in cents, for credited shares; null for cash or when none was given */
  price: number | null;
  timestamp: number;
}

export interface ResetEvent {
  type: 'reset';
  seq: number;
  timestamp: number;
}

export interface EventLoadedEvent {
  type: 'eventLoaded';
  seq: number;
  name: string;
  timestamp: number;
}

export interface NewsEvent {
  type: 'news';
  seq: number;
  newsId: string;
  headline: string;
  body: string;
  symbol: string | null;
  movePercent: number | null;
  timestamp: number;
}

export type EngineEvent =
  | EventLoadedEvent
  | NewsEvent
  | ResetEvent
  | OrderEvent
  | TradeEvent
  | DepthEvent
  | ErrorEvent
  | SessionEvent
  | SymbolAddedEvent
  | CreditEvent;

export interface AssetBalance {
  available: number;
  locked: number;
}

export interface BalanceView {
  userId: string;
  cash: AssetBalance;
  positions: Record<string, AssetBalance>;
}

export interface LevelView {
  price: number;
  quantity: number;
  orders: number;
}

export interface BookView {
  symbol: string;
  /** the symbol's book update id this view reflects */
  u: number;
  /** best first */
  bids: LevelView[];
  /** best first */
  asks: LevelView[];
}

export interface MarketStats {
  symbol: string;
  tickSize: number;
  lotSize: number;
  bidPrice: number | null;
  bidQuantity: number;
  askPrice: number | null;
  askQuantity: number;
  lastTradePrice: number | null;
  lastTradeQuantity: number;
  totalVolume: number;
  /** the symbol's book update id these figures reflect */
  u: number;
}

export interface EngineOptions {
  /** Balances off skips every cash and share check; only for comparing with balance-less matchers. */
  balances?: boolean;
}

/**
 * Fee rates, maker and taker separately. BPS: hundredths of a basis point of the fill's notional
 * (100 = 1 bp); PER_SHARE: hundredths of a cent per share (30 = $0.003). A negative maker rate is
 * a rebate, at most the taker rate, so that every trade pays the fee account something or nothing.
 */
export interface FeeSchedule {
  unit: 'BPS' | 'PER_SHARE';
  maker: number;
  taker: number;
}

export interface PositionLimit {
  /** the largest position a participant could reach if all their buy orders filled, in shares */
  net: number | null;
  /** the position plus every share in the participant's working orders on both sides */
  gross: number | null;
}

export interface TradingRules {
  /** shares per order */
  maxOrderQuantity: number | null;
  /** cents per order: a limit order's price x quantity, a market order's quantity x the best opposite price */
  maxOrderNotional: number | null;
  /** by symbol; a symbol not named has none */
  positionLimits: Record<string, PositionLimit>;
  fees: FeeSchedule | null;
  /**
   * Whether a sell may go beyond the shares held, to a negative (short) position. Only on symbols
   * with a net position limit: that limit is how short anyone can go, as in the trading-competition
   * cases this follows (no margin account: cash never goes negative, the limit bounds the risk).
   */
  shortSelling: boolean;
}

/** What every participant starts an event with: cash in cents, whole shares per symbol. */
export interface StartingPackage {
  cash: number;
  shares: Record<string, number>;
}

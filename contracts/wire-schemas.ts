import { z } from 'zod';

/**
 * The shapes of what clients receive, as zod schemas: the REST answers' data (api/openapi.ts) and
 * the Socket.IO messages (contracts/asyncapi.ts) are documented from these, and the contract tests
 * check real answers and messages against the documents. Money is in currency units (at most two
 * decimals), quantities whole shares, timestamps milliseconds since the epoch.
 */
const money = z.number().describe('currency units, at most two decimals');
const shares = z.number().int().describe('whole shares');
const ms = z.number().int().describe('milliseconds since the epoch');
const seq = z.number().int().min(0).describe("the engine's output sequence number");
const side = z.enum(['BUY', 'SELL']);
const orderType = z.enum(['LIMIT', 'MARKET', 'LIMIT_MAKER', 'STOP_MARKET', 'STOP_LIMIT']);
const status = z.enum(['PENDING', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED']);
const sessionState = z.enum(['OPEN', 'HALTED', 'CLOSED']);

export const wireOrder = z.object({
  type: z.literal('order'),
  seq,
  orderId: z.string(),
  clientOrderId: z.string().nullable(),
  userId: z.string(),
  symbol: z.string(),
  side: z.enum(['BUY', 'SELL', 'INVALID']),
  orderType: z.enum([...orderType.options, 'INVALID']),
  timeInForce: z.enum(['GFD', 'IOC', 'FOK', 'INVALID']),
  price: money.nullable().describe('null for market orders'),
  quantity: shares,
  filledQuantity: shares,
  status,
  code: z.number().int().describe('0 unless REJECTED; then a code of the error table'),
  reason: z.string().nullable().describe('why it was REJECTED or CANCELLED'),
  fee: money.describe('fees paid so far (negative: rebates)'),
  stopPrice: money.nullable().optional().describe('stop orders only'),
  triggered: z.boolean().optional().describe('stop orders only: false while it waits off the book'),
  pu: z.number().int().describe("the participant's previous order-update id"),
  u: z.number().int().describe("the participant's order-update id: one more on each of their order events"),
  timestamp: ms,
});

export const wireFill = z.object({
  type: z.literal('fill'),
  seq,
  tradeId: z.number().int(),
  userId: z.string(),
  orderId: z.string(),
  symbol: z.string(),
  side,
  price: money,
  quantity: shares,
  liquidity: z.enum(['MAKER', 'TAKER']),
  fee: money,
  timestamp: ms,
});

export const wirePublicTrade = z.object({
  type: z.literal('trade'),
  seq,
  tradeId: z.number().int(),
  symbol: z.string(),
  price: money,
  quantity: shares,
  takerSide: side,
  timestamp: ms,
});

export const wireDepth = z.object({
  type: z.literal('depth'),
  seq,
  symbol: z.string(),
  pu: z.number().int().describe("the symbol's book update id before the first change"),
  u: z.number().int().describe("the symbol's book update id after the last"),
  changes: z
    .array(z.object({ side, price: money, quantity: shares.describe("the level's new total; 0: the level is gone") }))
    .describe('every level one engine batch changed in the symbol, in order'),
  timestamp: ms,
});

export const wireConflated = z.object({
  type: z.literal('conflated'),
  symbol: z.string(),
  u: z.number().int().describe('the update id of the book that follows; depth goes on from it'),
  timestamp: ms,
});

export const wireTick = z.object({
  type: z.literal('tick'),
  seq,
  symbol: z.string(),
  u: z.number().int().optional(),
  lastTradePrice: money.nullable(),
  lastTradeQuantity: shares,
  bidPrice: money.nullable(),
  bidQuantity: shares,
  askPrice: money.nullable(),
  askQuantity: shares,
  totalVolume: shares,
  timestamp: ms.nullable(),
});

const level = z.object({ price: money, quantity: shares, orders: z.number().int().optional() });
export const wireBook = z.object({
  type: z.literal('orderbook'),
  seq,
  symbol: z.string(),
  u: z.number().int().optional().describe("the symbol's book update id this reflects"),
  bids: z.array(level),
  asks: z.array(level),
  timestamp: ms.nullable(),
});

export const wireBalance = z.object({
  type: z.literal('balance'),
  seq,
  userId: z.string(),
  cash: z.object({ available: money, locked: money }),
  positions: z.record(z.string(), z.object({ available: shares.describe('negative: short, or promised to sells'), locked: shares })),
});

export const wireError = z.object({
  type: z.literal('error'),
  seq,
  code: z.number().int(),
  message: z.string(),
  action: z.string(),
  userId: z.string().nullable(),
  orderId: z.string().nullable(),
  clientOrderId: z.string().nullable(),
  duplicateOf: z.object({ orderId: z.string(), sameRequest: z.boolean() }).optional(),
  timestamp: ms,
});

export const wireAuthor = z.object({ userId: z.string(), username: z.string(), displayName: z.string().nullable() });
/** a post of the feed, as REST answers it and the `post` event carries it */
export const wirePost = z.object({
  postId: z.number().int(),
  kind: z.enum(['POST', 'ANNOUNCEMENT']),
  author: wireAuthor,
  text: z.string().describe('as the author gave it: render as text, never as HTML'),
  pinned: z.boolean(),
  fill: z
    .object({ tradeId: z.number().int(), symbol: z.string(), side: z.enum(['BUY', 'SELL']), price: money, quantity: z.number().int(), executedAt: z.string().describe('an ISO 8601 time') })
    .nullable()
    .describe("the author's own fill, as the trade has it"),
  likes: z.number().int(),
  comments: z.number().int(),
  likedByMe: z.boolean(),
  createdAt: z.string().describe('an ISO 8601 time'),
});

/** the kinds of notification, each of which a participant may turn off */
export const NOTIFICATION_KINDS = ['FILL', 'ORDER_CANCELLED', 'FOLLOWER', 'COMMENT', 'LIKE', 'ANNOUNCEMENT', 'NEWS', 'SESSION'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** one participant's notification, as GET /notifications lists it and the `notification` event carries it */
export const wireNotification = z.object({
  notificationId: z.number().int(),
  kind: z.enum(NOTIFICATION_KINDS),
  text: z.string().describe('a plain sentence saying what happened (render as text)'),
  data: z.record(z.string(), z.unknown()).describe('the ids it is about (orderId, tradeId, postId, userId…), to link to'),
  read: z.boolean(),
  createdAt: z.string().describe('an ISO 8601 time'),
});

export const wireNews = z.object({
  type: z.literal('news'),
  seq,
  newsId: z.string(),
  headline: z.string(),
  body: z.string(),
  symbol: z.string().nullable(),
  movePercent: z.number().nullable(),
  timestamp: ms,
});

/** what `exchange` carries: the session, resets, new symbols, an event loaded, credits; organisers also get audit entries */
export const wireExchange = z.union([
  z.object({ type: z.literal('session'), seq, state: sessionState, previous: sessionState, timestamp: ms }),
  z.object({ type: z.literal('reset'), seq, timestamp: ms }),
  z.object({ type: z.literal('symbolAdded'), seq, symbol: z.string(), tickSize: money, lotSize: shares, timestamp: ms }),
  z.object({ type: z.literal('eventLoaded'), seq, name: z.string(), timestamp: ms }),
  z.object({ type: z.literal('credit'), seq, userId: z.string(), asset: z.string(), amount: z.number(), price: money.nullable(), timestamp: ms }),
  z.looseObject({ type: z.literal('audit') }),
]);

export const wirePosition = z.object({
  symbol: z.string(),
  quantity: shares.describe('negative: short'),
  averageCost: money.nullable().describe('per share; a short position: the average sale price'),
  marketPrice: money.nullable(),
  marketValue: money,
  unrealizedPnl: money,
  realizedPnl: money.describe('after fees'),
  feesPaid: money,
});

export const wirePortfolio = z.looseObject({
  userId: z.string(),
  cash: z.object({ available: money, locked: money }),
  positions: z.array(wirePosition),
  equity: money.nullable(),
  realizedPnl: money,
  unrealizedPnl: money,
  feesPaid: money,
});

export const wireLeaderboard = z.object({
  type: z.literal('leaderboard'),
  timestamp: ms,
  entries: z.array(z.looseObject({ rank: z.number().int(), userId: z.string(), equity: money })),
});

export const wireSession = z.object({ type: z.enum(['ended', 'expired']) });

export const subscribeRequest = z.object({ channel: z.enum(['market', 'trades', 'leaderboard']), symbol: z.string().optional() });
export const subscribeAck = z.union([
  z.object({ ok: z.literal(true), channel: z.enum(['market', 'trades', 'leaderboard']), symbol: z.string().nullable(), snapshot: wireBook.nullable(), tick: wireTick.nullable() }),
  z.object({ ok: z.literal(false), code: z.number().int(), message: z.string() }),
]);
export const unsubscribeAck = z.object({ ok: z.boolean() });
export const authRequest = z.object({ token: z.string() });
export const authAck = z.union([z.object({ ok: z.literal(true), expiresAt: ms }), z.object({ ok: z.literal(false), code: z.number().int(), message: z.string() })]);

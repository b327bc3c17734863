import { z } from 'zod';
import { wireNotification, NOTIFICATION_KINDS, wireAuthor as author, wirePost as wirePostSchema, wireBalance, wireBook, wireFill, wireOrder, wirePortfolio, wirePublicTrade, wireTick } from '../contracts/wire-schemas';

/**
 * What each REST route answers: its success status(es) with the schema of `data`, and the error
 * statuses it can give (each a `{success: false, error, code}` envelope). api/openapi.ts documents
 * them; tests/integration/api-contract.test.ts checks a real answer of every route against the
 * document with a JSON Schema validator.
 */
const money = z.number();
const iso = z.string().describe('an ISO 8601 time');
const page = <T extends z.ZodTypeAny>(item: T, cursor = 'nextCursor') => z.object({ items: z.array(item), [cursor]: z.union([z.string(), z.number()]).nullable() });
const user = z.object({ id: z.string(), username: z.string(), role: z.enum(['PARTICIPANT', 'ADMIN']) });
const tokens = z.object({ accessToken: z.string(), refreshToken: z.string(), expiresIn: z.number().int().describe('seconds') });
const submitted = z.object({ orderId: z.string().nullable().optional(), clientOrderId: z.string().nullable().optional(), status: z.enum(['SUBMITTED', 'CANCEL_SUBMITTED', 'AMEND_SUBMITTED']) }).describe('in the stream; the verdict arrives over Socket.IO');

/** place, cancel, amend: the command's last order event and the fills it caused (the submitter's side only) */
const verdict = z.object({
  orderId: z.string().nullable(),
  clientOrderId: z.string().nullable(),
  status: wireOrder.shape.status,
  filledQuantity: z.number().int(),
  order: wireOrder.nullable(),
  trades: z.array(wireFill),
  retried: z.boolean().optional().describe("a place: true when this answers an earlier place's clientOrderId with that order"),
});
const rules = z.object({
  event: z.string().nullable(),
  starting: z.object({ cash: money, shares: z.record(z.string(), z.number().int()) }).nullable(),
  rules: z
    .object({
      maxOrderQuantity: z.number().int().nullable(),
      maxOrderValue: money.nullable(),
      shortSelling: z.boolean(),
      positionLimits: z.record(z.string(), z.object({ net: z.number().int().optional(), gross: z.number().int().optional() })),
      fees: z.object({ unit: z.enum(['bps', 'perShare']), maker: z.number(), taker: z.number() }).nullable(),
    })
    .nullable(),
});
const leaderboardEntry = z.object({
  rank: z.number().int(),
  userId: z.string(),
  username: z.string().nullable(),
  displayName: z.string().nullable(),
  equity: money,
  returnPct: z.number().nullable(),
  maxDrawdownPct: z.number().nullable(),
  sharpe: z.number().nullable(),
});
const standing = {
  rank: z.number().int().nullable().describe('null: not on the leaderboard yet'),
  equity: money.nullable(),
  returnPct: z.number().nullable(),
  maxDrawdownPct: z.number().nullable(),
  sharpe: z.number().nullable(),
};
const ownProfile = z.object({ displayName: z.string().nullable(), bio: z.string().nullable(), showPositions: z.boolean() });
const profile = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string().nullable().describe('as the participant gave it: render as text'),
  bio: z.string().nullable().describe('as the participant gave it: render as text'),
  joinedAt: iso,
  ...standing,
  trades: z.number().int().describe("the participant's trades in this event"),
  followers: z.number().int(),
  following: z.number().int(),
  positions: z
    .array(z.object({ symbol: z.string(), quantity: z.number().int(), averageCost: money.nullable(), marketPrice: money.nullable(), marketValue: money, unrealizedPnl: money }))
    .nullable()
    .describe('open positions, or null when the participant chose not to show them'),
});
const feedPage = z.object({ pinned: z.array(wirePostSchema).describe("organisers' pinned announcements (first page only)"), items: z.array(wirePostSchema), nextCursor: z.number().int().nullable() });
const comment = z.object({ commentId: z.number().int(), postId: z.number().int(), author, text: z.string(), createdAt: iso });
const like = z.object({ postId: z.number().int(), liked: z.boolean(), likes: z.number().int() });
const historyOrder = z.object({
  orderId: z.string(),
  clientOrderId: z.string().nullable(),
  symbol: z.string(),
  side: z.enum(['BUY', 'SELL']),
  orderType: z.string(),
  timeInForce: z.string(),
  price: money.nullable(),
  stopPrice: money.nullable(),
  quantity: z.number().int(),
  filledQuantity: z.number().int(),
  status: wireOrder.shape.status,
  code: z.number().int(),
  reason: z.string().nullable(),
  fee: money,
  createdAt: iso,
  updatedAt: iso,
});
const historyTrade = z.object({ tradeId: z.number().int(), symbol: z.string(), side: z.enum(['BUY', 'SELL']), price: money, quantity: z.number().int(), orderId: z.string(), liquidity: z.enum(['MAKER', 'TAKER']), fee: money, executedAt: iso });
const newsItem = z.object({ seq: z.number().int(), newsId: z.string(), headline: z.string(), body: z.string(), symbol: z.string().nullable(), movePercent: z.number().nullable(), publishedAt: iso });
const sessionState = z.enum(['OPEN', 'HALTED', 'CLOSED']);
const resultRow = z.object({
  rank: z.number().int(),
  username: z.string(),
  userId: z.string(),
  startingValue: money,
  finalEquity: money,
  returnPct: z.number().nullable(),
  maxDrawdownPct: z.number().nullable(),
  sharpe: z.number().nullable(),
  trades: z.number().int(),
  feesPaid: money,
  limitBreachesRefused: z.number().int(),
});

export interface Answers {
  /** success status → schema of `data` */
  ok: Partial<Record<200 | 201 | 202, z.ZodTypeAny>>;
  /** the refusals this route gives beyond 401/429/500 (which the document adds where they apply) */
  errors: number[];
}

const sym = [400, 404];
export const ANSWERS: Record<string, Answers> = {
  'post /auth/register': { ok: { 201: z.object({ user }).extend(tokens.shape) }, errors: [400, 409] },
  'post /auth/login': { ok: { 200: z.object({ user }).extend(tokens.shape) }, errors: [400, 401] },
  'post /auth/refresh': { ok: { 200: tokens }, errors: [400, 401] },
  'post /auth/logout': { ok: { 200: z.object({ loggedOut: z.literal(true) }) }, errors: [400] },
  'post /order/place': { ok: { 200: verdict, 202: submitted }, errors: [400, 403, 404, 409, 422] },
  'post /order/cancel': { ok: { 200: verdict, 202: submitted }, errors: [400, 403, 404, 409] },
  'post /order/cancel-all': { ok: { 200: z.object({ cancelled: z.number().int(), orders: z.array(wireOrder) }), 202: submitted }, errors: [400] },
  'post /order/amend': { ok: { 200: z.object({ order: wireOrder.nullable(), trades: z.array(wireFill) }), 202: submitted }, errors: [400, 403, 404, 409, 422] },
  'get /order/status/{orderId}': { ok: { 200: wireOrder }, errors: [403, 404] },
  'get /order/user/{userId}': { ok: { 200: z.array(wireOrder) }, errors: [403] },
  'get /account/me': { ok: { 200: z.object({ id: z.string(), username: z.string().optional(), role: z.string().optional() }) }, errors: [] },
  'get /account/balance': { ok: { 200: wireBalance }, errors: [] },
  'get /portfolio': { ok: { 200: wirePortfolio }, errors: [] },
  'get /account/portfolio': { ok: { 200: wirePortfolio }, errors: [] },
  'get /history/orders': { ok: { 200: page(historyOrder) }, errors: [400] },
  'get /history/trades': { ok: { 200: page(historyTrade) }, errors: [400] },
  'get /market/symbols': { ok: { 200: z.array(z.object({ symbol: z.string(), tickSize: money, lotSize: z.number().int() })) }, errors: [] },
  'get /market/quote/{symbol}': { ok: { 200: wireTick }, errors: sym },
  'get /market/reference/{symbol}': { ok: { 200: z.looseObject({ symbol: z.string(), price: money }) }, errors: sym },
  'get /market/orderbook/{symbol}': { ok: { 200: wireBook }, errors: sym },
  'get /market/trades/{symbol}': { ok: { 200: z.array(wirePublicTrade) }, errors: sym },
  'get /market/candles/{symbol}': {
    ok: { 200: z.object({ symbol: z.string(), interval: z.string(), candles: z.array(z.object({ time: iso, open: money, high: money, low: money, close: money, volume: z.number().int(), trades: z.number().int() })) }) },
    errors: sym,
  },
  'get /market/session': { ok: { 200: z.looseObject({ type: z.literal('session'), state: sessionState }) }, errors: [] },
  'get /market/rules': { ok: { 200: rules }, errors: [] },
  'get /leaderboard/following': { ok: { 200: z.object({ updatedAt: z.number().int().nullable(), entries: z.array(leaderboardEntry) }) }, errors: [] },
  'get /profiles/{userId}': { ok: { 200: profile }, errors: [400, 404] },
  'get /account/profile': { ok: { 200: ownProfile }, errors: [] },
  'post /account/profile': { ok: { 200: ownProfile }, errors: [400] },
  'get /follows': { ok: { 200: z.object({ following: z.array(z.object({ userId: z.string(), username: z.string(), displayName: z.string().nullable(), since: iso })), followers: z.number().int() }) }, errors: [] },
  'post /follows/{userId}': { ok: { 200: z.object({ userId: z.string(), following: z.literal(true) }) }, errors: [400, 404] },
  'delete /follows/{userId}': { ok: { 200: z.object({ userId: z.string(), following: z.literal(false) }) }, errors: [400] },
  'get /feed': { ok: { 200: feedPage }, errors: [400] },
  'get /feed/following': { ok: { 200: feedPage }, errors: [400] },
  'post /feed/posts': { ok: { 201: wirePostSchema }, errors: [400, 403, 404] },
  'get /feed/posts/{postId}': { ok: { 200: wirePostSchema }, errors: [400, 404] },
  'get /feed/posts/{postId}/comments': { ok: { 200: z.object({ items: z.array(comment), nextCursor: z.number().int().nullable() }) }, errors: [400, 404] },
  'post /feed/posts/{postId}/comments': { ok: { 201: comment }, errors: [400, 403, 404] },
  'post /feed/posts/{postId}/like': { ok: { 200: like }, errors: [400, 404] },
  'delete /feed/posts/{postId}/like': { ok: { 200: like }, errors: [400] },
  'post /admin/announcements': { ok: { 201: wirePostSchema }, errors: [400, 403] },
  'post /admin/posts/{postId}/moderate': { ok: { 200: z.object({ postId: z.number().int(), action: z.string() }) }, errors: [400, 403, 404] },
  'post /admin/comments/{commentId}/moderate': { ok: { 200: z.object({ commentId: z.number().int(), action: z.string() }) }, errors: [400, 403, 404] },
  'post /admin/mutes': { ok: { 200: z.object({ userId: z.string(), mutedUntil: iso.nullable() }) }, errors: [400, 403, 404] },
  'get /admin/mutes': { ok: { 200: z.array(z.object({ userId: z.string(), username: z.string(), mutedUntil: iso })) }, errors: [403] },
  'get /notifications': { ok: { 200: z.object({ items: z.array(wireNotification), unread: z.number().int(), nextCursor: z.number().int().nullable() }) }, errors: [400] },
  'post /notifications/read': { ok: { 200: z.object({ marked: z.number().int(), unread: z.number().int() }) }, errors: [400] },
  'get /notifications/preferences': { ok: { 200: z.object({ kinds: z.record(z.enum(NOTIFICATION_KINDS), z.boolean()) }) }, errors: [] },
  'post /notifications/preferences': { ok: { 200: z.object({ kinds: z.record(z.enum(NOTIFICATION_KINDS), z.boolean()) }) }, errors: [400] },
  'get /leaderboard': { ok: { 200: z.object({ updatedAt: z.number().int().nullable(), entries: z.array(leaderboardEntry) }) }, errors: [400] },
  'post /admin/symbols': { ok: { 200: z.looseObject({ symbol: z.string() }), 202: z.looseObject({ status: z.literal('SUBMITTED') }) }, errors: [400, 403, 409] },
  'post /admin/credit': { ok: { 200: z.looseObject({ userId: z.string(), asset: z.string(), amount: z.number() }), 202: z.looseObject({ status: z.literal('SUBMITTED') }) }, errors: [400, 403, 404] },
  'post /admin/credit/bulk': { ok: { 200: z.object({ credited: z.number().int(), asset: z.string(), amount: z.number() }) }, errors: [400, 403] },
  'get /admin/participants': { ok: { 200: z.array(z.looseObject({ id: z.string(), username: z.string(), role: z.string(), createdAt: iso, cash: z.object({ available: money, locked: money }) })) }, errors: [403] },
  'get /admin/volume': { ok: { 200: z.array(z.object({ symbol: z.string(), period: z.string(), volume: z.number().int(), notional: money, trades: z.number().int() })) }, errors: [400, 403] },
  'post /admin/session': { ok: { 200: z.looseObject({ state: sessionState }), 202: z.looseObject({ status: z.literal('SUBMITTED') }) }, errors: [400, 403, 409] },
  'get /admin/schedule': { ok: { 200: z.object({ entries: z.array(z.looseObject({ at: z.union([iso, z.number()]), state: sessionState })) }) }, errors: [403] },
  'post /admin/schedule': { ok: { 200: z.object({ entries: z.array(z.looseObject({ at: z.union([iso, z.number()]), state: sessionState })) }) }, errors: [400, 403] },
  'get /admin/audit': { ok: { 200: z.array(z.object({ id: z.number().int(), actorId: z.string(), actor: z.string().nullable(), action: z.string(), details: z.unknown(), at: iso })) }, errors: [403] },
  'post /admin/reset': { ok: { 200: z.object({ reset: z.literal(true), seq: z.number().int() }) }, errors: [403, 409] },
  'get /admin/snapshots': { ok: { 200: z.array(z.looseObject({ closedAt: iso, userId: z.string(), username: z.string().nullable(), equity: money, cash: money })) }, errors: [403] },
  'get /admin/bots': { ok: { 200: z.looseObject({ enabled: z.boolean().optional(), intensity: z.number().optional() }) }, errors: [403] },
  'post /admin/bots': { ok: { 200: z.looseObject({ enabled: z.boolean(), intensity: z.number() }) }, errors: [400, 403] },
  'post /admin/event': { ok: { 200: z.object({ name: z.string(), seq: z.number().int(), symbols: z.array(z.string()), news: z.number().int(), opened: z.boolean() }) }, errors: [400, 403, 409] },
  'get /admin/event': {
    ok: {
      200: z
        .object({
          name: z.string(),
          definition: z.unknown().describe('the definition as loaded (the event file)'),
          loadedAt: iso,
          seq: z.number().int(),
          openedAt: iso.nullable(),
          news: z.array(z.object({ index: z.number().int(), afterMinutes: z.number(), headline: z.string(), published: z.boolean() })),
        })
        .nullable(),
    },
    errors: [403],
  },
  'post /admin/news': { ok: { 200: z.object({ newsId: z.string(), seq: z.number().int() }) }, errors: [400, 403, 409] },
  'get /admin/results': { ok: { 200: z.looseObject({ event: z.string().nullable(), rows: z.array(resultRow) }) }, errors: [400, 403] },
  'get /news': { ok: { 200: page(newsItem, 'nextBefore') }, errors: [400] },
  'get /ready': { ok: { 200: z.looseObject({ status: z.literal('ok') }) }, errors: [503] },
  'get /health': { ok: { 200: z.looseObject({ status: z.literal('ok') }) }, errors: [503] },
  'get /live': { ok: { 200: z.object({ status: z.literal('ok') }) }, errors: [] },
  'get /openapi.json': { ok: { 200: z.unknown().describe('this document, as it is (not in the envelope)') }, errors: [] },
  'get /asyncapi.json': { ok: { 200: z.unknown().describe('the AsyncAPI document, as it is (not in the envelope)') }, errors: [] },
};

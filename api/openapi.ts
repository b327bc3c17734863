import { z } from 'zod';
import { ErrorCode } from '../contracts/errors';
import { historyQuery } from './routes/history-routes';
import { candlesQuery } from './routes/market-routes';
import { newsBody, newsQuery, resultsQuery } from './routes/event-routes';
import { eventFileSchema } from '../contracts/event-file';
import { ANSWERS } from './answers';
import { commentBody, feedQuery, postBody } from './routes/feed-routes';
import { markReadBody, notificationsQuery, preferencesBody } from './routes/notification-routes';
import { announcementBody, moderateCommentBody, moderatePostBody, muteBody } from './routes/moderation-routes';
import { addSymbolBody, amendBody, botsBody, cancelAllBody, bulkCreditBody, cancelBody, credentialsBody, creditBody, placeBody, profileBody, refreshBody, scheduleBody, sessionBody, volumeQuery } from './schemas';

/**
 * The OpenAPI document of the REST API, built from the same zod schemas that validate the
 * requests, so it cannot drift from what the api accepts.
 */
type Auth = 'none' | 'bearer' | 'organiser';
interface Route {
  method: 'get' | 'post' | 'delete';
  path: string;
  summary: string;
  auth: Auth;
  body?: z.ZodTypeAny;
  query?: z.ZodObject<z.ZodRawShape>;
}

export const ROUTES: Route[] = [
  { method: 'post', path: '/auth/register', summary: 'Create a participant; returns access and refresh tokens', auth: 'none', body: credentialsBody },
  { method: 'post', path: '/auth/login', summary: 'Log in; returns access and refresh tokens', auth: 'none', body: credentialsBody },
  { method: 'post', path: '/auth/refresh', summary: 'Rotate a refresh token (single use)', auth: 'none', body: refreshBody },
  { method: 'post', path: '/auth/logout', summary: 'Revoke a refresh token', auth: 'none', body: refreshBody },
  { method: 'post', path: '/order/place', summary: "Place an order; answers with the engine's verdict (200), a rejection (4xx) or 202 if the verdict is late", auth: 'bearer', body: placeBody },
  { method: 'post', path: '/order/cancel', summary: 'Cancel a live order by orderId or clientOrderId', auth: 'bearer', body: cancelBody },
  { method: 'post', path: '/order/cancel-all', summary: 'Cancel every resting order of yours, in one symbol or all', auth: 'bearer', body: cancelAllBody },
  { method: 'post', path: '/order/amend', summary: "Change a resting order's quantity and/or price (a smaller quantity alone keeps its place in the queue)", auth: 'bearer', body: amendBody },
  { method: 'get', path: '/order/status/{orderId}', summary: "An order's latest state (yours only)", auth: 'bearer' },
  { method: 'get', path: '/order/user/{userId}', summary: 'Your orders, newest first', auth: 'bearer' },
  { method: 'get', path: '/account/me', summary: 'Who the token belongs to', auth: 'bearer' },
  { method: 'get', path: '/account/balance', summary: 'Cash and positions, available and locked', auth: 'bearer' },
  { method: 'get', path: '/portfolio', summary: 'Positions with average cost, realized and unrealized P&L, cash and equity', auth: 'bearer' },
  { method: 'get', path: '/account/portfolio', summary: 'The same as /portfolio', auth: 'bearer' },
  { method: 'get', path: '/history/orders', summary: 'Your orders from the database, filtered and paginated', auth: 'bearer', query: historyQuery },
  { method: 'get', path: '/history/trades', summary: 'Your trades from the database, filtered and paginated', auth: 'bearer', query: historyQuery.omit({ status: true }) },
  { method: 'get', path: '/market/symbols', summary: 'Listed symbols with tick and lot size', auth: 'none' },
  { method: 'get', path: '/market/quote/{symbol}', summary: 'Best bid and ask, last trade, volume', auth: 'none' },
  { method: 'get', path: '/market/reference/{symbol}', summary: "The data-server's reference price (not a trade)", auth: 'none' },
  { method: 'get', path: '/market/orderbook/{symbol}', summary: 'Aggregated book with the seq it reflects', auth: 'none' },
  { method: 'get', path: '/market/trades/{symbol}', summary: 'Recent trades of a symbol', auth: 'none' },
  { method: 'get', path: '/market/candles/{symbol}', summary: 'OHLCV candles built from trades', auth: 'none', query: candlesQuery },
  { method: 'get', path: '/market/session', summary: 'Session state', auth: 'none' },
  { method: 'get', path: '/market/rules', summary: "The loaded event's starting package, limits and fees (null when none is loaded)", auth: 'none' },
  { method: 'get', path: '/leaderboard', summary: 'Participants by equity, with return, maximum drawdown and Sharpe ratio', auth: 'none' },
  { method: 'get', path: '/leaderboard/following', summary: 'The "following" tab: you and the participants you follow, each at their place on the whole leaderboard', auth: 'bearer' },
  { method: 'get', path: '/profiles/{userId}', summary: "A participant's public profile: display name, bio, rank, return, drawdown, Sharpe, trades, followers, and open positions if they show them", auth: 'none' },
  { method: 'get', path: '/account/profile', summary: 'Your profile settings', auth: 'bearer' },
  { method: 'post', path: '/account/profile', summary: 'Set your display name, bio (stored as given, shown as text) and whether your profile shows your open positions', auth: 'bearer', body: profileBody },
  { method: 'get', path: '/follows', summary: 'Whom you follow, and how many follow you', auth: 'bearer' },
  { method: 'post', path: '/follows/{userId}', summary: 'Follow a participant (following twice is following)', auth: 'bearer' },
  { method: 'delete', path: '/follows/{userId}', summary: 'Stop following a participant', auth: 'bearer' },
  { method: 'get', path: '/feed', summary: 'The global feed, newest first by cursor, with pinned announcements above on the first page', auth: 'bearer', query: feedQuery },
  { method: 'get', path: '/feed/following', summary: 'Your posts and those of the participants you follow, newest first by cursor, with pinned announcements', auth: 'bearer', query: feedQuery },
  { method: 'post', path: '/feed/posts', summary: 'Post a short text, optionally with one of your own fills (symbol, side, price and quantity come from the trade); to your followers live', auth: 'bearer', body: postBody },
  { method: 'get', path: '/feed/posts/{postId}', summary: 'One post', auth: 'bearer' },
  { method: 'get', path: '/feed/posts/{postId}/comments', summary: "A post's comments, oldest first by cursor", auth: 'bearer', query: feedQuery },
  { method: 'post', path: '/feed/posts/{postId}/comments', summary: 'Comment on a post', auth: 'bearer', body: commentBody },
  { method: 'post', path: '/feed/posts/{postId}/like', summary: 'Like a post (twice is once)', auth: 'bearer' },
  { method: 'delete', path: '/feed/posts/{postId}/like', summary: 'Take your like back', auth: 'bearer' },
  { method: 'get', path: '/notifications', summary: 'Your notifications, newest first by cursor (unread=true: only those), with the unread count', auth: 'bearer', query: notificationsQuery },
  { method: 'post', path: '/notifications/read', summary: 'Mark some of your notifications read ({ids}), or all of them ({all: true})', auth: 'bearer', body: markReadBody },
  { method: 'get', path: '/notifications/preferences', summary: 'Which kinds of notification you get', auth: 'bearer' },
  { method: 'post', path: '/notifications/preferences', summary: 'Turn kinds of notification on or off ({kinds: {FILL: false, …}})', auth: 'bearer', body: preferencesBody },
  { method: 'post', path: '/admin/symbols', summary: 'List a symbol', auth: 'organiser', body: addSymbolBody },
  { method: 'post', path: '/admin/credit', summary: 'Credit cash or shares to a participant', auth: 'organiser', body: creditBody },
  { method: 'post', path: '/admin/credit/bulk', summary: 'Credit many (or all) participants', auth: 'organiser', body: bulkCreditBody },
  { method: 'get', path: '/admin/participants', summary: 'Participants with their cash', auth: 'organiser' },
  { method: 'get', path: '/admin/volume', summary: 'Traded volume per symbol per period', auth: 'organiser', query: volumeQuery },
  { method: 'post', path: '/admin/session', summary: "Open, halt or close the session; closing expires every resting order and snapshots every participant's portfolio", auth: 'organiser', body: sessionBody },
  { method: 'get', path: '/admin/schedule', summary: 'The session schedule', auth: 'organiser' },
  { method: 'post', path: '/admin/schedule', summary: 'Replace the session schedule (each entry carried out once, on time)', auth: 'organiser', body: scheduleBody },
  { method: 'get', path: '/admin/audit', summary: 'Organiser actions, newest first', auth: 'organiser' },
  { method: 'post', path: '/admin/reset', summary: 'Start a new event: every balance to zero, leaderboard and equity curves cleared (session must be closed)', auth: 'organiser' },
  { method: 'get', path: '/admin/snapshots', summary: "Every participant's portfolio at each close", auth: 'organiser' },
  { method: 'get', path: '/admin/bots', summary: "The liquidity bots' switch and intensity", auth: 'organiser' },
  { method: 'post', path: '/admin/bots', summary: 'Switch the liquidity bots and set their intensity', auth: 'organiser', body: botsBody },
  { method: 'post', path: '/admin/event', summary: 'Load an event definition (YAML as application/yaml, or JSON) while the session is closed; 400 names each bad field', auth: 'organiser', body: eventFileSchema },
  { method: 'get', path: '/admin/event', summary: 'The loaded event definition, when it was loaded and opened, which news went out', auth: 'organiser' },
  { method: 'post', path: '/admin/announcements', summary: 'Post an announcement: pinned in every feed, to everyone live', auth: 'organiser', body: announcementBody },
  { method: 'post', path: '/admin/posts/{postId}/moderate', summary: 'Hide, unhide, delete, pin or unpin a post (audited)', auth: 'organiser', body: moderatePostBody },
  { method: 'post', path: '/admin/comments/{commentId}/moderate', summary: 'Hide, unhide or delete a comment (audited)', auth: 'organiser', body: moderateCommentBody },
  { method: 'post', path: '/admin/mutes', summary: "Mute a participant in the feed for some minutes (0 lifts it; audited): their posts and comments are refused with code 31", auth: 'organiser', body: muteBody },
  { method: 'get', path: '/admin/mutes', summary: 'Participants muted now, and until when', auth: 'organiser' },
  { method: 'post', path: '/admin/news', summary: 'Publish a headline to everyone now (optionally moving a reference price)', auth: 'organiser', body: newsBody },
  { method: 'get', path: '/admin/results', summary: "The event's results: participants only, ranked, in dollars (format=csv for a spreadsheet)", auth: 'organiser', query: resultsQuery },
  { method: 'get', path: '/news', summary: 'News, newest first', auth: 'none', query: newsQuery },
  { method: 'get', path: '/ready', summary: 'Readiness: Redis and PostgreSQL reachable', auth: 'none' },
  { method: 'get', path: '/health', summary: 'Readiness, as /ready (its older name)', auth: 'none' },
  { method: 'get', path: '/live', summary: 'Liveness', auth: 'none' },
  { method: 'get', path: '/openapi.json', summary: 'This document', auth: 'none' },
  { method: 'get', path: '/asyncapi.json', summary: 'The AsyncAPI 3 document of the Socket.IO events (ws-server)', auth: 'none' },
];

const jsonSchema = (s: z.ZodTypeAny, io: 'input' | 'output' = 'input') => {
  const { $schema, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  void $schema;
  return rest;
};

const REFUSALS: Record<number, string> = {
  400: 'the request is not valid (the message names the field)',
  401: 'no token, or one that expired or was revoked',
  403: 'not yours, or organisers only',
  404: 'no such order, symbol or participant',
  409: 'a conflict: a duplicate, or the session is not in the state this needs',
  422: "refused by the exchange's rules (balance, limits, post-only, stop)",
  429: 'rate limited (see Retry-After)',
  503: 'a dependency is unreachable',
};

/** Every status the route answers, with its schema: the successes from answers.ts in the envelope, the refusals as Failure. */
function responses(r: Route): Record<string, unknown> {
  const answers = ANSWERS[`${r.method} ${r.path}`];
  if (answers === undefined) throw new Error(`no answers documented for ${r.method} ${r.path}`);
  const out: Record<string, unknown> = {};
  for (const [status, data] of Object.entries(answers.ok)) {
    const raw = r.path === '/openapi.json' || r.path === '/asyncapi.json';
    const schema = raw ? { type: 'object' } : { type: 'object', required: ['success', 'data'], properties: { success: { const: true }, data: jsonSchema(data as z.ZodTypeAny, 'output') } };
    out[status] = { description: status === '202' ? 'submitted: the verdict was not back in time and will arrive over Socket.IO' : status === '201' ? 'created' : 'success', content: { 'application/json': { schema } } };
  }
  const errors = new Set(answers.errors);
  if (r.auth !== 'none') errors.add(401);
  if (r.auth === 'organiser') errors.add(403);
  if (!['/ready', '/health', '/live', '/openapi.json', '/asyncapi.json'].includes(r.path)) errors.add(429);
  for (const status of [...errors].sort()) out[String(status)] = { description: REFUSALS[status] ?? 'refused', content: { 'application/json': { schema: { $ref: '#/components/schemas/Failure' } } } };
  out.default = { description: 'an unexpected failure (500)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Failure' } } } };
  return out;
}

/** `post /order/cancel-all` → `postOrderCancelAll`: unique, stable, and what generated clients name their methods */
export function operationId(method: string, path: string): string {
  const words = path.split(/[/{}-]+/).filter(Boolean);
  return method + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (r.query) {
      const shape = jsonSchema(r.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(shape.properties ?? {})) params.push({ name, in: 'query', required: false, schema } as never);
    }
    paths[r.path] ??= {};
    paths[r.path][r.method] = {
      operationId: operationId(r.method, r.path),
      // grouped by the first segment: auth, order, account, market, admin…
      tags: [r.path.split('/')[1] || 'service'],
      summary: r.summary,
      ...(r.auth === 'none' ? { security: [] } : { security: [{ bearer: [] }] }),
      ...(r.auth === 'organiser' ? { description: 'Organisers (role ADMIN) only.' } : {}),
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } } } : {}),
      responses: responses(r),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mock stock exchange',
      version: '0.1.0',
      description: 'Prices and cash in currency units with at most two decimals; quantities in whole shares. Error codes: ' + Object.entries(ErrorCode).map(([k, v]) => `${v} ${k}`).join(', '),
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Failure: { type: 'object', required: ['success', 'error', 'code'], properties: { success: { const: false }, error: { type: 'string' }, code: { type: 'integer' }, data: {} } },
      },
    },
    servers: [{ url: '/', description: 'this exchange' }],
    security: [{ bearer: [] }],
    paths,
  };
}

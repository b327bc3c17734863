import type { z } from 'zod';
import type { WireBalance, WireBook, WireEvent, WireFill, WirePublicTrade, WireTick } from './wire';
import { authAck, authRequest, subscribeAck, subscribeRequest, unsubscribeAck, wireBalance, wireBook, wireConflated, wireDepth, wireError, wireExchange, wireFill, wireLeaderboard, wireNews, wireNotification, wireOrder, wirePost, wirePortfolio, wirePublicTrade, wireSession, wireTick } from './wire-schemas';

/** Typed Socket.IO events between ws-server and its clients. */
export type SubscribeChannel = 'market' | 'trades' | 'leaderboard';

export interface SubscribeRequest {
  channel: SubscribeChannel;
  /** for market and trades */
  symbol?: string;
}

export type SubscribeAck =
  | { ok: true; channel: SubscribeChannel; symbol: string | null; snapshot: WireBook | null; tick: WireTick | null }
  | { ok: false; code: number; message: string };

export interface ServerToClientEvents {
  /** order state changes, only ever to their owner */
  order: (e: Extract<WireEvent, { type: 'order' }>) => void;
  /** the public tape, to subscribers of the symbol's trades: price, quantity, time, aggressor side; no participant or order */
  trade: (e: WirePublicTrade) => void;
  /** one's own side of each trade (order, side, MAKER or TAKER), to oneself only */
  fill: (e: WireFill) => void;
  /** every level one engine batch changed in the symbol, with its update ids (pu/u): apply those after the snapshot's u */
  depth: (e: z.infer<typeof wireDepth>) => void;
  /** this socket fell behind on a symbol's market data: the latest book follows (its u), not the backlog */
  conflated: (e: z.infer<typeof wireConflated>) => void;
  tick: (e: WireTick) => void;
  orderbook: (e: WireBook) => void;
  balance: (e: WireBalance) => void;
  /** the participant's portfolio, recomputed after their fills were persisted (as GET /portfolio) */
  portfolio: (e: { type: 'portfolio'; userId: string; equity: number | null; positions: unknown[]; [k: string]: unknown }) => void;
  /** a refused cancel or admin command of this participant */
  error: (e: Extract<WireEvent, { type: 'error' }>) => void;
  /** session changes, new symbols: to everyone (organiser actions: to organisers) */
  exchange: (e: WireEvent) => void;
  /** the session ended (logout, revocation) or its access token expired: the socket is closed next */
  session: (e: { type: 'ended' | 'expired' }) => void;
  /** a headline for everyone (scripted in the event, or posted by an organiser); GET /news has the earlier ones */
  news: (e: Extract<WireEvent, { type: 'news' }>) => void;
  /** the leaderboard's top after every recomputation, to its subscribers */
  leaderboard: (e: { type: 'leaderboard'; timestamp: number; entries: { rank: number; userId: string; equity: number }[] }) => void;
  /** a new post in the feed: a participant's to its author and followers, an announcement to everyone */
  post: (e: z.infer<typeof wirePost>) => void;
  /** one of your notifications, as it is stored (GET /notifications has it after a reload) */
  notification: (e: z.infer<typeof wireNotification>) => void;
}

export interface ClientToServerEvents {
  subscribe: (req: SubscribeRequest, ack: (res: SubscribeAck) => void) => void;
  unsubscribe: (req: SubscribeRequest, ack: (res: { ok: boolean }) => void) => void;
  /**
   * a fresh access token of the same participant, before the one the socket opened with expires:
   * the socket stays open until the new one expires (else it is closed when the old one does)
   */
  auth: (req: { token: string }, ack: (res: { ok: true; expiresAt: number } | { ok: false; code: number; message: string }) => void) => void;
}

export interface SocketData {
  userId: string;
  role: string;
  /** the session the socket's token belongs to, and when that token expires (ms since the epoch) */
  sessionId: string | null;
  expiresAt: number;
}

/**
 * Every event above with the schema of what it carries and who gets it: the AsyncAPI document
 * (contracts/asyncapi.ts) is generated from these, and typing them by the interfaces' keys makes
 * an event added above without a schema here a compile error.
 */
export const SERVER_EVENTS: Record<keyof ServerToClientEvents, { payload: z.ZodTypeAny; summary: string }> = {
  order: { payload: wireOrder, summary: 'Your order state changes, with your order-update ids (pu/u); only ever to their owner' },
  fill: { payload: wireFill, summary: 'Your side of each trade you are in (MAKER or TAKER); the other party is not named' },
  balance: { payload: wireBalance, summary: 'Your cash and positions after a change' },
  portfolio: { payload: wirePortfolio, summary: 'Your portfolio, recomputed after your fills were persisted (as GET /portfolio)' },
  error: { payload: wireError, summary: 'A refused cancel or admin command of yours' },
  exchange: { payload: wireExchange, summary: 'Session changes, resets, new symbols, an event loaded: to everyone (organisers also get audit entries)' },
  session: { payload: wireSession, summary: 'Your session ended (logout, revocation) or its token expired: the socket is closed next' },
  news: { payload: wireNews, summary: 'A headline for everyone' },
  depth: { payload: wireDepth, summary: "Every level one engine batch changed in a symbol, with its book update ids (pu/u); to subscribers of the symbol's market channel" },
  conflated: { payload: wireConflated, summary: 'This socket fell behind on a symbol (its send buffer was full): the latest book follows with its update id, not the backlog; depth goes on from it' },
  tick: { payload: wireTick, summary: "Best bid and ask, last trade and volume, paced; to subscribers of the symbol's market channel" },
  orderbook: { payload: wireBook, summary: 'The aggregated book with its update id: after `conflated`, to resync (subscribers otherwise keep their books from the subscribe snapshot and depth)' },
  trade: { payload: wirePublicTrade, summary: "The public tape (no participant or order named); to subscribers of the symbol's trades channel" },
  leaderboard: { payload: wireLeaderboard, summary: 'The top of the leaderboard after each recomputation; to subscribers of the leaderboard channel' },
  post: { payload: wirePost, summary: "A new post in the feed: a participant's to its author and their followers (others read it in GET /feed), an organiser's announcement to everyone" },
  notification: { payload: wireNotification, summary: 'One of your notifications (your fills, orders the exchange cancelled, new followers, comments and likes on your posts, announcements, news, session changes), of the kinds you want; stored, so GET /notifications has it after a reload' },
};

export const CLIENT_EVENTS: Record<keyof ClientToServerEvents, { payload: z.ZodTypeAny; reply: z.ZodTypeAny; summary: string }> = {
  subscribe: { payload: subscribeRequest, reply: subscribeAck, summary: "Subscribe to a symbol's market data or tape, or the leaderboard; the acknowledgement carries the snapshot (with its update id) to apply depth events to" },
  unsubscribe: { payload: subscribeRequest, reply: unsubscribeAck, summary: 'Stop a subscription' },
  auth: { payload: authRequest, reply: authAck, summary: "A fresh access token of the same participant, before the socket's expires" },
};

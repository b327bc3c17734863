import type { WireBalance, WireBook, WireEvent, WireFill, WirePublicTrade, WireTick } from './wire';

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
  /** one price level's new total; apply those with seq above the snapshot's */
  depth: (e: Extract<WireEvent, { type: 'depth' }>) => void;
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

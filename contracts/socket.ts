import type { WireBalance, WireBook, WireEvent, WireTick } from './wire';

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
  /** trades: to subscribers of the symbol and to both parties */
  trade: (e: Extract<WireEvent, { type: 'trade' }>) => void;
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
  /** the leaderboard's top after every recomputation, to its subscribers */
  leaderboard: (e: { type: 'leaderboard'; timestamp: number; entries: { rank: number; userId: string; equity: number }[] }) => void;
}

export interface ClientToServerEvents {
  subscribe: (req: SubscribeRequest, ack: (res: SubscribeAck) => void) => void;
  unsubscribe: (req: SubscribeRequest, ack: (res: { ok: boolean }) => void) => void;
}

export interface SocketData {
  userId: string;
  role: string;
}

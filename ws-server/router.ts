/**
 * Which Socket.IO rooms may see a message from the engine's channels. Pure, so the privacy rules
 * (order updates only to their owner) are unit-tested on their own.
 */
export const rooms = {
  user: (userId: string) => `user:${userId}`,
  session: (sessionId: string) => `session:${sessionId}`,
  market: (symbol: string) => `market:${symbol}`,
  trades: (symbol: string) => `trades:${symbol}`,
  everyone: 'everyone',
  organisers: 'organisers',
  leaderboard: 'leaderboard',
};

export interface Route {
  event: 'order' | 'fill' | 'trade' | 'depth' | 'tick' | 'orderbook' | 'balance' | 'portfolio' | 'error' | 'exchange' | 'leaderboard' | 'news' | 'post' | 'notification';
  rooms: string[];
  /** what the sockets get, when not the whole message (its addressing stays on the server) */
  data?: unknown;
}

export function route(message: { type?: unknown; userId?: unknown; symbol?: unknown; to?: unknown; post?: unknown; notification?: unknown }): Route | null {
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const userId = str(message.userId);
  const symbol = str(message.symbol);
  switch (message.type) {
    case 'order':
      return userId ? { event: 'order', rooms: [rooms.user(userId)] } : null;
    case 'fill':
      // one party's side of a trade: to that party only
      return userId ? { event: 'fill', rooms: [rooms.user(userId)] } : null;
    case 'trade':
      // the public tape: it names no participant, and goes to the symbol's subscribers
      return symbol ? { event: 'trade', rooms: [rooms.trades(symbol)] } : null;
    case 'depth':
    case 'tick':
    case 'orderbook':
      return symbol ? { event: message.type, rooms: [rooms.market(symbol)] } : null;
    case 'balance':
    case 'portfolio':
      return userId ? { event: message.type, rooms: [rooms.user(userId)] } : null;
    case 'error':
      return userId ? { event: 'error', rooms: [rooms.user(userId)] } : null;
    case 'session':
    case 'reset':
    case 'symbolAdded':
    case 'eventLoaded':
      return { event: 'exchange', rooms: [rooms.everyone] };
    case 'news':
      return { event: 'news', rooms: [rooms.everyone] };
    case 'leaderboard':
      return { event: 'leaderboard', rooms: [rooms.leaderboard] };
    case 'post': {
      // an announcement to everyone; a participant's post to its author and followers only (the
      // list of whom stays here: who follows whom is not told to every follower)
      if (typeof message.post !== 'object' || message.post === null) return null;
      if (message.to === 'everyone') return { event: 'post', rooms: [rooms.everyone], data: message.post };
      if (!Array.isArray(message.to)) return null;
      return { event: 'post', rooms: message.to.filter((id): id is string => typeof id === 'string').map(rooms.user), data: message.post };
    }
    case 'notification':
      // one participant's, to them only
      return userId && typeof message.notification === 'object' && message.notification !== null ? { event: 'notification', rooms: [rooms.user(userId)], data: message.notification } : null;
    case 'audit':
      // organiser actions can name participants and amounts: organisers only
      return { event: 'exchange', rooms: [rooms.organisers] };
    default:
      return null;
  }
}

/**
 * Stream, channel, key and queue names shared by every service. They keep the original C++
 * engine's names; an optional prefix (config KEY_PREFIX) lets several exchanges, or test runs,
 * share one Redis without seeing each other.
 */
export function names(prefix = '') {
  return {
    prefix,
    inputStream: `${prefix}order_input_queue`,
    engineGroup: 'engine',
    channels: {
      marketData: `${prefix}market_data`,
      /** one symbol's market data (its depth, paced book and tick): the channel names the room, so ws-server routes without parsing */
      marketDataOf: (symbol: string) => `${prefix}market_data:${symbol}`,
      orderUpdates: `${prefix}order_updates`,
      trades: `${prefix}trades`,
      errors: `${prefix}errors`,
      exchangeEvents: `${prefix}exchange_events`,
      balances: `${prefix}balance_updates`,
      /** the data-server's reference prices: never the engine's market data */
      referencePrices: `${prefix}reference_prices`,
      /** a participant's recomputed portfolio, after db-writer persisted their fills */
      portfolios: `${prefix}portfolio_updates`,
      /** the leaderboard's top, after every recomputation */
      leaderboard: `${prefix}leaderboard_updates`,
      /** the feed's new posts (to the author's followers, or to everyone for an announcement) and participants' notifications */
      social: `${prefix}social_events`,
      /** a session (or all of a participant's) ended: every ws-server disconnects its sockets */
      sessions: `${prefix}session_events`,
      /** the engine's verdict for one command, to the api instance that sent it */
      replies: (instanceId: string) => `${prefix}replies:${instanceId}`,
    },
    keys: {
      order: (orderId: string) => `${prefix}order:${orderId}`,
      userOrders: (userId: string) => `${prefix}user_orders:${userId}`,
      balance: (userId: string) => `${prefix}balance:${userId}`,
      orderbook: (symbol: string) => `${prefix}orderbook:${symbol}`,
      quote: (symbol: string) => `${prefix}quote:${symbol}`,
      trade: (tradeId: number | string) => `${prefix}trade:${tradeId}`,
      symbols: `${prefix}symbols`,
      reference: (symbol: string) => `${prefix}reference:${symbol}`,
      /** liquidity bots' switch and intensity, set by organisers */
      botsConfig: `${prefix}bots:config`,
      botsFunded: `${prefix}bots:funded`,
      /** the bots' user ids: they provide liquidity and are not ranked */
      botIds: `${prefix}bots:ids`,
      /** organiser's session schedule, and which of its entries have been carried out */
      schedule: `${prefix}session:schedule`,
      scheduleDone: `${prefix}session:schedule:done`,
      /** participants by equity (a sorted set) and each one's equity curve ("time:cents" samples) */
      leaderboard: `${prefix}leaderboard`,
      leaderboardUpdatedAt: `${prefix}leaderboard:updated_at`,
      equity: (userId: string) => `${prefix}equity:${userId}`,
      balancePattern: `${prefix}balance:*`,
      /** the engine seq of the last reset: the current event's fills come after it */
      eventStartSeq: `${prefix}event:start_seq`,
      /** a symbol's last trades, a sorted set scored by trade id (so a replayed trade is not added twice) */
      recentTrades: (symbol: string) => `${prefix}trades:recent:${symbol}`,
      equityPattern: `${prefix}equity:*`,
      /** the highest engine seq db-writer has persisted */
      persistedSeq: `${prefix}db_writer:persisted_seq`,
      session: `${prefix}session`,
      /** every news item the engine published since the data-server last trimmed, scored by seq */
      newsLog: `${prefix}news:log`,
      /** the seq of the last news item whose price move the data-server applied */
      newsAppliedSeq: `${prefix}news:applied_seq`,
      /** the loaded event's definition as the organiser gave it (JSON), and the time its session first opened */
      event: `${prefix}event:definition`,
      eventOpenedAt: `${prefix}event:opened_at`,
      /** which of the event's scheduled items (news, close) have been carried out */
      eventDone: `${prefix}event:done`,
      engineSnapshot: `${prefix}engine:snapshot`,
      /** the engine lease (its value the holder's fencing token) and the counter tokens come from */
      engineLease: `${prefix}engine:lease`,
      /** the client order ids of one event (epoch): clientKey -> orderId and the request's text */
      clientIds: (epoch: number) => `${prefix}engine:client_ids:${epoch}`,
      engineFence: `${prefix}engine:fence`,
      /** held by the api instance that loads the built-in event on a fresh exchange (one does) */
      eventAutoloadLock: `${prefix}event:definition:autoload`,
      /** the Socket.IO Redis adapter's channels (ws-server instances telling each other of rooms) */
      socketIoAdapter: `${prefix}socket.io`,
      /** a session ended before its access tokens expire (kept as long as they could live) */
      endedSession: (sessionId: string) => `${prefix}session:ended:${sessionId}`,
      /** access tokens of this participant issued before this time (seconds) no longer open a socket */
      sessionsEndedBefore: (userId: string) => `${prefix}session:ended_before:${userId}`,
      rateLimit: (who: string, windowStart: number) => `${prefix}ratelimit:${who}:${windowStart}`,
      /** db-writer's jobs parked ahead of their turn: job id scored by the seq it starts after */
      dbWriterParked: `${prefix}db_writer:parked`,
    },
    dbWriteQueue: 'db_write_queue',
    /** BullMQ's own key prefix */
    bullPrefix: `${prefix}bull`,
  };
}

export type Names = ReturnType<typeof names>;

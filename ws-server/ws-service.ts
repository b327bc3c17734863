import { createAdapter } from '@socket.io/redis-adapter';
import { readBook, readQuote } from '../contracts/hot-state';
import http from 'http';
import type Redis from 'ioredis';
import { monitorEventLoopDelay } from 'perf_hooks';
import { Counter, Gauge, Histogram } from 'prom-client';
import { Server, type Socket } from 'socket.io';
import type { WsConfig } from '../contracts/config';
import { ErrorCode } from '../contracts/errors';
import { names, type Names } from '../contracts/names';
import type { ClientToServerEvents, ServerToClientEvents, SocketData, SubscribeRequest } from '../contracts/socket';
import { verifyAccessToken, type AccessClaims } from '../contracts/tokens';
import { MessageBudget, originAllowed } from './socket-guard';
import type { Logger } from '../runtime/logger';
import { seriesOf } from '../runtime/metric-series';
import { connectRedis } from '../runtime/redis';
import { startHealthServer } from '../runtime/health-server';
import { startGcMeter, type GcWindow } from '../runtime/gc-meter';
import { route, rooms } from './router';
import { MarketFanout, type FanoutObserver } from './market-fanout';

type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const connected = new Gauge({ name: 'ws_connected_clients', help: 'Connected Socket.IO clients' });
const forwarded = seriesOf(new Counter({ name: 'ws_messages_forwarded_total', help: 'Engine messages forwarded', labelNames: ['event'] }));
/** the fan-out's running counts (it counts as it writes, often in a later turn than the message came): read at each scrape */
let fanoutCounts: () => Pick<MarketFanout, 'merged' | 'carried' | 'conflationsBy'> = () => ({ merged: 0, carried: 0, conflationsBy: { bytes: 0, packets: 0, cut: 0 } });
/** A counter that follows a running count of the fan-out's, per label value when it is counted by one. */
function fanoutCounter(name: string, help: string, read: () => number | Record<string, number>, labelName?: string): void {
  const counted = new Map<string, number>();
  new Counter({
    name,
    help,
    labelNames: labelName === undefined ? [] : [labelName],
    collect() {
      const now = read();
      for (const [label, value] of typeof now === 'number' ? [['', now] as const] : Object.entries(now)) {
        const before = counted.get(label) ?? 0;
        if (value > before) {
          if (labelName === undefined) this.inc(value - before);
          else this.inc({ [labelName]: label }, value - before);
        }
        counted.set(label, value);
      }
    },
  });
}
fanoutCounter('ws_market_data_merged_total', 'Market-data messages merged into one of their symbol not yet sent (the room was behind)', () => fanoutCounts().merged);
fanoutCounter('ws_market_data_carried_total', 'Sockets a depth message cut short for its age did not reach, sent its changes merged into the next one instead of being conflated', () => fanoutCounts().carried);
fanoutCounter(
  'ws_market_data_conflated_total',
  "Times a socket's market data for a symbol was conflated, by reason: its send buffer past the limit in bytes or in packets waiting, or a message cut short for its wait",
  () => fanoutCounts().conflationsBy,
  'reason',
);
const stageSeconds = new Histogram({
  name: 'ws_market_data_stage_seconds',
  help: 'Where market data waits: arrival (engine stamp to ws-server), room (arrival to the last socket of its room written), behind (a conflated socket left without data until resynced)',
  labelNames: ['stage'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 5, 10],
});
const fanoutObserver: FanoutObserver = {
  arrived: (ms) => stageSeconds.observe({ stage: 'arrival' }, ms / 1000), // milliseconds, not cents
  roomWritten: (ms) => stageSeconds.observe({ stage: 'room' }, ms / 1000), // milliseconds, not cents
  resynced: (ms) => stageSeconds.observe({ stage: 'behind' }, ms / 1000), // milliseconds, not cents
};
/** the event loop's delay since the previous scrape: a stall (garbage collection, a long pass) shows here first */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
new Gauge({
  name: 'ws_event_loop_delay_seconds',
  help: "The ws-server event loop's delay since the previous scrape (p99 and max)",
  labelNames: ['quantile'],
  collect() {
    this.set({ quantile: '0.99' }, loopDelay.percentile(99) / 1e9);
    this.set({ quantile: 'max' }, loopDelay.max / 1e9);
    loopDelay.reset();
  },
});
/** garbage collection since the previous scrape: a stall all clients see at once is often a full collection */
const gc = startGcMeter();
let lastGc: GcWindow = gc.read();
new Gauge({
  name: 'ws_gc_since_scrape_seconds',
  help: "The ws-server's garbage collection since the previous scrape: its longest pause (max), longest full collection (major_max) and all its pauses together (total)",
  labelNames: ['stat'],
  collect() {
    const w = (lastGc = gc.read());
    this.set({ stat: 'max' }, w.maxMs / 1000); // milliseconds, not cents
    this.set({ stat: 'major_max' }, w.majorMaxMs / 1000); // milliseconds, not cents
    this.set({ stat: 'total' }, w.totalMs / 1000); // milliseconds, not cents
  },
});
new Gauge({
  name: 'ws_gc_since_scrape_pauses',
  help: "The ws-server's garbage-collection pauses in the same window, all of them (all) and the full collections (major)",
  labelNames: ['kind'],
  // registered after the gauge above, so collected after it: the window it has just read
  collect() {
    this.set({ kind: 'all' }, lastGc.count);
    this.set({ kind: 'major' }, lastGc.major);
  },
});
const SYMBOL = /^[A-Z][A-Z0-9.]{0,9}$/;

/**
 * ws-server: authenticates at the handshake, lets clients subscribe per channel and symbol (a
 * snapshot first), and forwards the engine's messages to the rooms allowed to see them. Each
 * instance forwards only to its own clients; the Redis adapter joins instances for broadcasts.
 */
export class WsService {
  private readonly n: Names;
  private readonly http: http.Server;
  private readonly io: IoServer;
  private readonly redis: Redis;
  private readonly sub: Redis;
  private readonly adapterPub: Redis;
  private readonly adapterSub: Redis;
  /** Prometheus metrics, on a port of their own rather than the public one */
  private metrics: http.Server | null = null;
  private fanout!: MarketFanout;
  ready = false;

  constructor(
    private readonly config: WsConfig,
    private readonly log: Logger,
  ) {
    this.n = names(config.KEY_PREFIX);
    this.redis = connectRedis(config.REDIS_URL, log, 'ws-reads', { enableAutoPipelining: true });
    this.sub = connectRedis(config.REDIS_URL, log, 'ws-channels');
    this.adapterPub = connectRedis(config.REDIS_URL, log, 'ws-adapter-pub');
    this.adapterSub = this.adapterPub.duplicate();
    this.http = http.createServer((req, res) => this.httpRoutes(req, res));
    this.io = new Server(this.http, {
      // sockets authenticate with a token, never a cookie: no credentials cross origins
      cors: { origin: config.WS_ALLOWED_ORIGINS.length > 0 ? config.WS_ALLOWED_ORIGINS : true, credentials: false },
      // every transport, websocket included (which CORS does not cover): only allowed pages' sockets
      allowRequest: (req, cb) => cb(null, originAllowed(req.headers.origin, req.headers.host, config.WS_ALLOWED_ORIGINS)),
      adapter: createAdapter(this.adapterPub, this.adapterSub, { key: this.n.keys.socketIoAdapter }),
    });
  }

  private httpRoutes(req: http.IncomingMessage, res: http.ServerResponse): void {
    // /ready (and /health, its older name) readiness, /live liveness, as on every service
    if (req.url?.startsWith('/health') || req.url?.startsWith('/ready')) {
      res.writeHead(this.ready ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: this.ready ? 'ok' : 'starting', clients: this.io.engine.clientsCount }));
    } else if (req.url?.startsWith('/live')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', ready: this.ready }));
    } else if (!req.url?.startsWith('/socket.io')) {
      res.writeHead(404);
      res.end();
    }
  }

  async start(): Promise<void> {
    this.io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown }).token ?? socket.handshake.headers.authorization?.replace(/^Bearer\s+/i, '');
      const refuse = () => next(Object.assign(new Error('unauthorized'), { data: { code: ErrorCode.UNAUTHORIZED } }));
      this.sessionOf(token).then((claims) => {
        if (claims === null) return refuse();
        socket.data.userId = claims.sub;
        socket.data.role = claims.role;
        socket.data.sessionId = claims.sid ?? null;
        socket.data.expiresAt = (claims.exp ?? 0) * 1000;
        next();
      }, refuse);
    });
    this.io.on('connection', (socket) => this.onConnection(socket));

    const ch = this.n.channels;
    const channels = [ch.orderUpdates, ch.trades, ch.errors, ch.exchangeEvents, ch.balances, ch.leaderboard, ch.portfolios, ch.sessions, ch.social];
    this.sub.on('message', (channel: string, message: string) => (channel === ch.sessions ? this.endSessions(message) : this.forward(message)));
    await this.sub.subscribe(...channels);
    // each symbol's market data on a channel of its own: the name gives the room, nothing is parsed
    this.fanout = new MarketFanout(this.io as never, this.config.WS_SEND_BUFFER_LIMIT_BYTES, rooms.market, this.config.WS_WRITE_SLICE_MS, fanoutObserver, this.config.WS_MAX_QUEUED_MS);
    const fanout = this.fanout;
    fanoutCounts = () => fanout;
    const marketPrefix = ch.marketDataOf('');
    this.sub.on('pmessage', (_pattern: string, channel: string, message: string) => {
      const symbol = channel.slice(marketPrefix.length);
      this.fanout.onMessage(symbol, message);
      forwarded('market').inc();
    });
    await this.sub.psubscribe(`${marketPrefix}*`);
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.config.WS_PORT, () => resolve());
    });
    this.metrics = startHealthServer(this.config.WS_METRICS_PORT, () => this.ready);
    this.ready = true;
  }

  /**
   * The claims of an access token that is valid and whose session has not ended (logout, or a
   * refresh token presented twice ending all of the participant's sessions); else null.
   */
  private async sessionOf(token: unknown): Promise<AccessClaims | null> {
    if (typeof token !== 'string') return null;
    let claims: AccessClaims;
    try {
      claims = verifyAccessToken(token, this.config.JWT_SECRET, this.config.JWT_ISSUER);
    } catch {
      return null;
    }
    const [ended, endedBefore] = await this.redis.mget(claims.sid === undefined ? this.n.keys.endedSession('-') : this.n.keys.endedSession(claims.sid), this.n.keys.sessionsEndedBefore(claims.sub));
    if (ended !== null || (endedBefore !== null && (claims.iat ?? 0) < Number(endedBefore))) return null;
    return claims;
  }

  /** A socket lives as long as its access token, unless given a fresh one over `auth`. */
  private expireAt(socket: IoSocket, timers: { expiry: NodeJS.Timeout | null }): void {
    if (timers.expiry !== null) clearTimeout(timers.expiry);
    timers.expiry = setTimeout(() => {
      socket.emit('session', { type: 'expired' });
      socket.disconnect(true);
    }, Math.max(0, socket.data.expiresAt - Date.now()));
  }

  /** Closes this instance's sockets of a session (or of every session of a participant) that ended. */
  private endSessions(message: string): void {
    let e: { sessionId?: unknown; userId?: unknown };
    try {
      e = JSON.parse(message) as typeof e;
    } catch {
      return;
    }
    const room = typeof e.sessionId === 'string' ? rooms.session(e.sessionId) : typeof e.userId === 'string' ? rooms.user(e.userId) : null;
    if (room === null) return;
    this.io.local.to(room).emit('session', { type: 'ended' });
    this.io.local.in(room).disconnectSockets(true);
  }

  private onConnection(socket: IoSocket): void {
    connected.inc();
    const own = [rooms.user(socket.data.userId), rooms.everyone, ...(socket.data.sessionId !== null ? [rooms.session(socket.data.sessionId)] : []), ...(socket.data.role === 'ADMIN' ? [rooms.organisers] : [])];
    void socket.join(own);
    // the socket's own room (its id) and these are not subscriptions
    const fixedRooms = 1 + own.length;
    const timers = { expiry: null as NodeJS.Timeout | null };
    this.expireAt(socket, timers);
    const budget = new MessageBudget(this.config.WS_MESSAGES_PER_SECOND);
    socket.use((packet, next) => {
      const verdict = budget.take(Date.now());
      if (verdict === 'ok') return next();
      if (verdict === 'close') {
        this.log.warn({ userId: socket.data.userId }, 'socket closed: far over its message limit');
        socket.disconnect(true);
        return;
      }
      const ack = packet[packet.length - 1];
      if (typeof ack === 'function') (ack as (r: unknown) => void)({ ok: false, code: ErrorCode.RATE_LIMITED, message: `at most ${this.config.WS_MESSAGES_PER_SECOND} messages a second` });
    });
    socket.on('auth', (req, ack) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      void this.sessionOf(req?.token).then((claims) => {
        if (claims === null || claims.sub !== socket.data.userId) return reply({ ok: false, code: ErrorCode.UNAUTHORIZED, message: 'not a valid token of this participant' });
        if (claims.sid !== undefined && claims.sid !== socket.data.sessionId) {
          if (socket.data.sessionId !== null) void socket.leave(rooms.session(socket.data.sessionId));
          void socket.join(rooms.session(claims.sid));
          socket.data.sessionId = claims.sid;
        }
        socket.data.expiresAt = (claims.exp ?? 0) * 1000;
        this.expireAt(socket, timers);
        reply({ ok: true, expiresAt: socket.data.expiresAt });
      });
    });
    socket.on('subscribe', async (req: SubscribeRequest, ack) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      if (socket.rooms.size >= fixedRooms + this.config.WS_MAX_SUBSCRIPTIONS) {
        return reply({ ok: false, code: ErrorCode.RATE_LIMITED, message: `at most ${this.config.WS_MAX_SUBSCRIPTIONS} subscriptions per connection` });
      }
      if (req?.channel === 'leaderboard') {
        await socket.join(rooms.leaderboard);
        return reply({ ok: true, channel: 'leaderboard', symbol: null, snapshot: null, tick: null });
      }
      if (!req || (req.channel !== 'market' && req.channel !== 'trades') || typeof req.symbol !== 'string' || !SYMBOL.test(req.symbol)) {
        return reply({ ok: false, code: ErrorCode.VALIDATION_ERROR, message: 'subscribe needs channel market|trades and a symbol, or channel leaderboard' });
      }
      if (!(await this.redis.hexists(this.n.keys.symbols, req.symbol))) {
        return reply({ ok: false, code: ErrorCode.INVALID_SYMBOL, message: `Unknown symbol ${req.symbol}` });
      }
      // Join first, then read the snapshot: updates that race in carry seq <= snapshot.seq and are skipped by the client.
      const joining = socket.join(req.channel === 'market' ? rooms.market(req.symbol) : rooms.trades(req.symbol));
      // in the same turn as the join (the room already holds the socket): nothing queued before it is merged into any more
      if (req.channel === 'market') this.fanout.joined(req.symbol);
      await joining;
      const [book, tick] = await this.redis.mget(this.n.keys.orderbook(req.symbol), this.n.keys.quote(req.symbol));
      reply({
        ok: true,
        channel: req.channel,
        symbol: req.symbol,
        snapshot: readBook(book),
        tick: readQuote(tick),
      });
    });
    socket.on('unsubscribe', async (req: SubscribeRequest, ack) => {
      if (req?.channel === 'leaderboard') await socket.leave(rooms.leaderboard);
      else if (req && typeof req.symbol === 'string') await socket.leave(req.channel === 'market' ? rooms.market(req.symbol) : rooms.trades(req.symbol));
      if (typeof ack === 'function') ack({ ok: true });
    });
    socket.on('disconnect', () => {
      connected.dec();
      if (timers.expiry !== null) clearTimeout(timers.expiry);
    });
  }

  private forward(message: string): void {
    let parsed: Parameters<typeof route>[0];
    try {
      parsed = JSON.parse(message) as Parameters<typeof route>[0];
    } catch {
      this.log.warn('unparseable message on an engine channel');
      return;
    }
    const r = route(parsed);
    if (r === null) return;
    // Socket.IO encodes a broadcast before it looks for receivers: most symbols' market data and
    // most participants' updates have none on a given instance
    const local = this.io.of('/').adapter.rooms;
    if (!r.rooms.some((room) => (local.get(room)?.size ?? 0) > 0)) return;
    forwarded(r.event).inc();
    // local: every instance gets every engine message itself, so none may relay it to the others
    this.io.local.to(r.rooms).emit(r.event, (r.data ?? parsed) as never);
  }

  async stop(): Promise<void> {
    this.ready = false;
    this.metrics?.close();
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
    await this.sub.quit();
    await this.redis.quit();
    this.adapterPub.disconnect();
    this.adapterSub.disconnect();
  }
}

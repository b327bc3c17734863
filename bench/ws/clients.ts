/**
 * A process of benchmark clients (forked by bench/ws.bench.ts): opens `count` socket.io-client
 * websocket connections to `url`, each subscribed to one symbol's market channel, and measures
 * how old each market-data message is when it arrives (now - its timestamp, the engine's time of
 * the change), whether a symbol's update ids run without a gap, and how long connecting took.
 * Delays go into 1 ms buckets so that processes' results add up exactly.
 */
import { monitorEventLoopDelay } from 'perf_hooks';
import { io, type Socket } from 'socket.io-client';

const BUCKETS = 120_000;

interface Start {
  kind: 'start';
  url: string;
  token: string | null;
  count: number;
  symbols: string[];
  offset: number;
}

const hist = new Uint32Array(BUCKETS);
/** this process's own event-loop delay: a client process too busy to read its sockets makes delays the server did not */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let gaps = 0;
let events = 0;
let conflated = 0;
let maxDelay = 0;
const connectMs: number[] = [];
const sockets: Socket[] = [];
/**
 * when each socket last got market data; NaN until its first (its subscription's snapshot, or the
 * first depth from the bare server, which sends none): the wait before it is the handshake's and
 * the subscription's (connectMs), not a book growing old. Until docs/performance.md's fifth
 * measurement it was counted, and `stalestWhileConnectingMs` was mostly the slowest connection
 */
const last: number[] = [];
/**
 * each socket's longest time without market data since the window began, counted from its last
 * data before it (a book already stale when the window began counts whole): the target is that no
 * book is ever older than a bound, not only at the window's end
 */
const longest: number[] = [];
/** the same while the clients were connecting, before the window (the longest at the reset) */
let longestWhileConnecting = 0;
/** this process's longest event-loop delay while the clients connected (till the window's reset) */
let loopDelayWhileConnectingMax = 0;

/** market data reached socket `index` now (a gap from NaN, before its first, compares false) */
function fresh(index: number): void {
  const now = Date.now();
  if (now - last[index] > longest[index]) longest[index] = now - last[index];
  last[index] = now;
}

function record(delay: number): void {
  const d = delay < 0 ? 0 : delay;
  hist[d < BUCKETS ? Math.floor(d) : BUCKETS - 1]++;
  if (d > maxDelay) maxDelay = d;
  events++;
}

async function open(s: Start, i: number): Promise<void> {
  const symbol = s.symbols[(s.offset + i) % s.symbols.length];
  const started = performance.now();
  const socket = io(s.url, { auth: s.token === null ? {} : { token: s.token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 20_000 });
  sockets.push(socket);
  let bookId = -1;
  /**
   * depth that came before the subscription's snapshot, applied after it as docs/api.md's recipe
   * says: the snapshot is read after the join, over another Redis connection than the messages
   * come on, so a message may overtake a snapshot older than it (taking the snapshot's id then
   * would count a gap that a client following the recipe never sees)
   */
  let early: { u: number; pu: number }[] | null = [];
  const apply = (d: { u: number; pu: number }) => {
    if (bookId >= 0) {
      if (d.u <= bookId) return;
      // a message merged from batches not yet sent may begin before the snapshot: not a gap
      if (d.pu > bookId) gaps++;
    }
    bookId = d.u;
  };
  const index = last.length;
  last.push(NaN);
  longest.push(0);
  socket.on('depth', (d: { u: number; pu: number; timestamp: number }) => {
    record(Date.now() - d.timestamp);
    fresh(index);
    if (early !== null) early.push(d);
    else apply(d);
  });
  // a socket that fell behind is told, then sent the latest book instead of the backlog: it restarts from its id
  socket.on('conflated', () => conflated++);
  socket.on('orderbook', (b: { u?: number; timestamp: number | null }) => {
    if (typeof b.u === 'number') bookId = b.u;
    if (typeof b.timestamp === 'number') record(Date.now() - b.timestamp);
    fresh(index);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  const ack = (await socket.timeout(60_000).emitWithAck('subscribe', { channel: 'market', symbol })) as { ok: boolean; snapshot?: { u?: number } | null };
  if (!ack.ok) throw new Error(`subscribe ${symbol} refused`);
  if (typeof ack.snapshot?.u === 'number') bookId = ack.snapshot.u;
  // the subscription's snapshot is the socket's first book: its age counts from now
  if (ack.snapshot != null) last[index] = Date.now();
  for (const d of early ?? []) apply(d);
  early = null;
  connectMs.push(performance.now() - started);
}

process.on('message', async (m: Start | { kind: 'reset' } | { kind: 'report' } | { kind: 'close' }) => {
  if (m.kind === 'start') {
    // at most 100 handshakes in flight per process: a crowd arriving, not a stampede of one tick
    let next = 0;
    let failed = 0;
    // why connections failed (a server refusing them all says so here)
    let firstError: string | null = null;
    const lane = async () => {
      while (next < m.count) {
        const i = next++;
        await open(m, i).catch((err: unknown) => {
          failed++;
          firstError ??= err instanceof Error ? err.message : String(err);
        });
      }
    };
    await Promise.all(Array.from({ length: 100 }, lane));
    process.send!({ kind: 'started', connected: sockets.filter((s) => s.connected).length, failed, firstError });
  } else if (m.kind === 'reset') {
    hist.fill(0);
    gaps = 0;
    events = 0;
    conflated = 0;
    maxDelay = 0;
    longestWhileConnecting = Math.max(0, ...longest);
    longest.fill(0);
    loopDelayWhileConnectingMax = loopDelay.max / 1e6;
    loopDelay.reset();
    process.send!({ kind: 'reset' });
  } else if (m.kind === 'report') {
    const now = Date.now();
    process.send!({ kind: 'report', hist: Array.from(hist), gaps, events, conflated, maxDelay, connected: sockets.filter((s) => s.connected).length, connectMs, stalestMs: last.reduce((a, t, i) => Math.max(a, Number.isNaN(t) ? 0 : now - t, longest[i]), 0), stalestWhileConnectingMs: longestWhileConnecting, loopDelayP99Ms: loopDelay.percentile(99) / 1e6, loopDelayMaxMs: loopDelay.max / 1e6, loopDelayWhileConnectingMaxMs: loopDelayWhileConnectingMax });
  } else if (m.kind === 'close') {
    for (const s of sockets) s.close();
    process.exit(0);
  }
});

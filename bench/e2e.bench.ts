/**
 * npm run bench:e2e — the running exchange, measured from outside: orders per second through
 * POST /order/place at fixed offered rates and at the maximum, accept latency, the latency from
 * place to the order update over Socket.IO, and the engine process fed the stream directly.
 * Starts its own services (as the tests do) on the local Redis and PostgreSQL.
 */
import Redis from 'ioredis';
import { ENTRY_FIELD } from '../contracts/commands';
import { engineConfigSchema, loadConfig } from '../contracts/config';
import { names } from '../contracts/names';
import type { Command } from '../engine/core/types';
import { admin, connectSocket, loginAdmin, register, type ClientSocket, type Participant } from '../tests/harness/client';
import { REDIS_URL, Stack } from '../tests/harness/stack';
import { startCpuMeter, type CpuReading } from './lib/cpu-meter';
import { entryText, measurePipelineApart, type PipelineCost } from './lib/engine-pipeline';
import { generateEngineStream } from './lib/engine-stream';
import { LeanHttpPool } from './lib/lean-http-client';
import { startNullServer } from './lib/null-server';
import { percentile } from './lib/random';
import { readHistogram, shareWithin, type HistogramReading } from './lib/server-latency';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** fixed offered rates; the maximum (closed loop) always runs after them */
const RATES = (process.env.BENCH_RATES ?? '1000,2000,5000').split(',').map((r) => {
  const rate = Number(r.trim());
  if (!Number.isFinite(rate) || rate <= 0) throw new Error(`BENCH_RATES takes orders per second separated by commas (the maximum always runs), not "${r}"`);
  return rate;
});
/** closed-loop clients of the max phase (more only add latency here: the cores are the limit) */
const MAX_CLIENTS = Number(process.env.BENCH_MAX_CLIENTS ?? 64);
const ENGINE_COMMANDS = Number(process.env.BENCH_ENGINE_COMMANDS ?? 200_000);
/** the batch size and book depth the engine process runs with here (the harness leaves them at their defaults) */
const engineDefaults = loadConfig(engineConfigSchema, {});
const log = (msg: string) => process.stderr.write(`[bench:e2e] ${msg}\n`);
/** keep-alive connections per origin; the load generator's own client (see lean-http-client.ts) */
const pools = new Map<string, LeanHttpPool>();

async function post(url: URL, token: string, body: string): Promise<{ status: number; body: string }> {
  let pool = pools.get(url.origin);
  if (pool === undefined) {
    pool = new LeanHttpPool(url.origin, 256);
    pools.set(url.origin, pool);
  }
  try {
    return await pool.post(url.pathname, `authorization: Bearer ${token}\r\ncontent-type: application/json\r\n`, body);
  } catch {
    return { status: 0, body: '' };
  }
}

/**
 * Each trader keeps at most this many orders resting and cancels its oldest beyond that, as real
 * traders do (the cancels come on top of the offered rate); 0 never cancels, and the book grows.
 */
const RESTING_PER_TRADER = Number(process.env.BENCH_RESTING_PER_TRADER ?? 20);

interface LoadResult {
  offered: number | 'max';
  sent: number;
  ok: number;
  ordersPerSec: number;
  /** cancels sent on top, to keep each trader's resting orders bounded */
  cancelsPerSec: number;
  p50ms: number;
  p99ms: number;
  updateP50ms: number;
  updateP99ms: number;
  /**
   * share of the places the api itself answered within 10 and 20 ms (its histogram; null against the
   * null server): the load generator's latency above also holds its own wait for the shared cores
   */
  apiWithin10ms: number | null;
  apiWithin20ms: number | null;
  /** CPU milliseconds each part of the machine spent per accepted order, and cores busy overall */
  cpu: CpuReading;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** the api's histogram of place latencies, as it stands */
async function placeLatencies(stack: Stack): Promise<HistogramReading> {
  const text = await (await fetch(`http://127.0.0.1:${stack.env.API_METRICS_PORT}/metrics`)).text();
  return readHistogram(text, 'http_request_duration_seconds', { method: 'POST', route: '/order/place' });
}

let seq = 0;
const resting = new Map<Participant, string[]>();
async function load(stack: Stack, traders: Participant[], sentAt: Map<string, number>, updates: Map<string, number>, rate: number | 'max', seconds = SECONDS, baseUrl = stack.apiUrl): Promise<LoadResult> {
  const url = new URL('/order/place', baseUrl);
  const latencies: number[] = [];
  let ok = 0;
  let sent = 0;
  let cancels = 0;
  const inflight = new Set<Promise<void>>();
  const apiView = baseUrl === stack.apiUrl;
  const apiBefore = apiView ? await placeLatencies(stack) : null;
  const meter = startCpuMeter(() => processGroups(stack));
  const started = performance.now();
  const end = started + seconds * 1000;
  const ids: string[] = [];
  const cancelUrl = new URL('/order/cancel', stack.apiUrl);
  const one = () => {
    const t = traders[sent % traders.length];
    const clientOrderId = `b${++seq}`;
    ids.push(clientOrderId);
    const side = seq % 2 === 0 ? 'BUY' : 'SELL';
    // mostly limits resting a few cents behind 100.00, every tenth an IOC crossing it
    const crossing = seq % 10 === 0;
    const offset = crossing ? 3 : 1 + (seq % 4);
    const price = (10_000 + (side === 'BUY' ? (crossing ? offset : -offset) : crossing ? -offset : offset)) / 100;
    const body = JSON.stringify({ symbol: 'BENCH', side, type: 'LIMIT', timeInForce: crossing ? 'IOC' : 'GFD', price, quantity: 1 + (seq % 3), clientOrderId });
    const t0 = performance.now();
    sentAt.set(clientOrderId, Date.now());
    sent++;
    const p = post(url, t.token, body).then(async ({ status, body: text }) => {
      if (status === 200 || status === 202) {
        ok++;
        latencies.push(performance.now() - t0);
        const data = (JSON.parse(text) as { data: { orderId: string; status: string } }).data;
        if (data.status === 'PENDING' || data.status === 'PARTIALLY_FILLED') {
          const queue = resting.get(t) ?? [];
          queue.push(data.orderId);
          resting.set(t, queue);
          if (RESTING_PER_TRADER > 0 && queue.length > RESTING_PER_TRADER) {
            cancels++;
            await post(cancelUrl, t.token, JSON.stringify({ orderId: queue.shift() }));
          }
        }
      }
      inflight.delete(p);
    });
    inflight.add(p);
    return p;
  };
  if (rate === 'max') {
    // closed loop: each client sends its next order when its last one is answered
    const concurrency = MAX_CLIENTS;
    const client = async () => {
      while (performance.now() < end) await one();
    };
    await Promise.all(Array.from({ length: concurrency }, client));
  } else {
    // open loop: requests go out on schedule whether or not earlier ones have answered
    const interval = 1000 / rate;
    let next = started;
    while (performance.now() < end) {
      const now = performance.now();
      while (next <= now) {
        one();
        next += interval;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - started) / 1000;
  const cpu = meter(ok);
  const apiAfter = apiView ? await placeLatencies(stack) : null;
  const apiShare = (seconds: number) => {
    const share = apiBefore === null || apiAfter === null ? null : shareWithin(apiBefore, apiAfter, seconds);
    return share === null ? null : round(share, 4);
  };
  await new Promise((r) => setTimeout(r, 500));
  const updateLatencies = ids.map((id) => (updates.get(id) ?? NaN) - (sentAt.get(id) ?? NaN)).filter((x) => Number.isFinite(x));
  // the load generator's heap stays small, so its own collections do not show up as exchange latency
  for (const id of ids) {
    sentAt.delete(id);
    updates.delete(id);
  }
  const sorted = Float64Array.from(latencies).sort();
  const upd = Float64Array.from(updateLatencies).sort();
  return {
    offered: rate,
    sent,
    ok,
    ordersPerSec: Math.round(ok / elapsed),
    cancelsPerSec: Math.round(cancels / elapsed),
    p50ms: round(percentile(sorted, 50)),
    p99ms: round(percentile(sorted, 99)),
    updateP50ms: round(percentile(upd, 50)),
    updateP99ms: round(percentile(upd, 99)),
    apiWithin10ms: apiShare(0.01),
    apiWithin20ms: apiShare(0.02),
    cpu,
  };
}

let redisPid = 0;
/** processes measured besides the services (the null server while it runs) */
const extraGroups: Record<string, number[]> = {};
function processGroups(stack: Stack): Record<string, number[]> {
  const groups: Record<string, number[]> = { redis: [redisPid], ...extraGroups };
  for (const [name, child] of stack.procs) if (child.pid !== undefined) groups[name] = [child.pid];
  return groups;
}

async function engineDirect(stack: Stack): Promise<{ opsPerSec: number; cpu: CpuReading; pipeline: PipelineCost }> {
  const redis = new Redis(REDIS_URL);
  const n = names(stack.prefix);
  const streamOptions = { commands: ENGINE_COMMANDS, users: 1000, symbols: 4, restingTarget: 1000, seed: 11 };
  const stream = generateEngineStream(streamOptions);
  await stack.stopService('engine');
  log(`engine stopped; loading ${stream.setup.length + stream.commands.length} commands into the stream`);
  let lastId = '';
  const all: Command[] = [...stream.setup, ...stream.commands];
  for (let i = 0; i < all.length; i += 5000) {
    const pipe = redis.pipeline();
    for (const c of all.slice(i, i + 5000)) pipe.xadd(n.inputStream, '*', ENTRY_FIELD, entryText(c));
    const res = (await pipe.exec()) as [Error | null, string][];
    lastId = res[res.length - 1][1];
  }
  // the engine process measured on its own: with ws-server subscribed, every message would also be
  // parsed there, on the same two cores (the engine still publishes all of them and hands jobs to BullMQ)
  for (const other of ['db-writer', 'ws-server', 'api'] as const) await stack.stopService(other);
  // the same records through the engine process's steps in this process, without I/O: the floor
  const pipeline = await measurePipelineApart({ stream: streamOptions, batchSize: engineDefaults.ENGINE_BATCH_SIZE, bookDepth: engineDefaults.BOOK_DEPTH, prefix: stack.prefix, runs: 3 });
  log(`engine steps without I/O, in a process of their own (median of 3): ${JSON.stringify(pipeline)} per command`);
  const startPromise = stack.startService('engine');
  let meter: ((units: number) => CpuReading) | null = null;
  let first = 0;
  let startId = '';
  for (;;) {
    const res = await fetch(stack.healthUrl('engine').replace('/ready', '/live')).catch(() => null);
    if (res !== null && res.ok) {
      const { lastId: at } = (await res.json()) as { lastId: string };
      if (startId === '') startId = at;
      if (first === 0 && at !== startId) {
        first = performance.now();
        meter = startCpuMeter(() => processGroups(stack));
      }
      if (at === lastId) break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const seconds = (performance.now() - first) / 1000;
  const cpu = meter!(all.length);
  await startPromise;
  redis.disconnect();
  return { opsPerSec: Math.round(all.length / seconds), cpu, pipeline };
}

/**
 * The peer for the HTTP figures: the same load generator against a server that reads each body and
 * answers at once, in a process of its own on the same cores — the most any HTTP service could do here.
 */
async function nullServerMax(stack: Stack, traders: Participant[]): Promise<LoadResult> {
  const server = await startNullServer();
  extraGroups['null-server'] = [server.pid];
  try {
    return await load(stack, traders, new Map(), new Map(), 'max', SECONDS, server.url);
  } finally {
    delete extraGroups['null-server'];
    await server.stop();
  }
}

async function main(): Promise<void> {
  log('starting the services');
  // the engine's production snapshot interval, not the tests' short one
  const stack = await Stack.start({ SNAPSHOT_INTERVAL_MS: process.env.BENCH_SNAPSHOT_MS ?? '10000', LOG_LEVEL: 'warn', RATE_LIMIT_PER_SECOND: '1000000', PLACE_TIMEOUT_MS: '5000' });
  const info = new Redis(REDIS_URL);
  redisPid = Number(/process_id:(\d+)/.exec(await info.info('server'))?.[1] ?? 0);
  info.disconnect();
  try {
    const adminToken = await loginAdmin(stack);
    await admin(stack, adminToken, 'symbols', { symbol: 'BENCH' });
    const traders: Participant[] = [];
    for (let i = 0; i < 20; i++) traders.push(await register(stack, `trader${i}`));
    for (const t of traders) {
      await admin(stack, adminToken, 'credit', { userId: t.id, asset: 'CASH', amount: 100_000_000 });
      await admin(stack, adminToken, 'credit', { userId: t.id, asset: 'BENCH', amount: 10_000_000 });
    }
    await admin(stack, adminToken, 'session', { state: 'OPEN' });
    const sentAt = new Map<string, number>();
    const updates = new Map<string, number>();
    const sockets: ClientSocket[] = [];
    for (const t of traders) {
      const s = await connectSocket(stack, t.token);
      s.on('order', (e) => {
        if (e.clientOrderId && !updates.has(e.clientOrderId)) updates.set(e.clientOrderId, Date.now());
      });
      sockets.push(s);
    }
    // every process has to be warmed up (JIT, connection pools) before anything is counted
    log('warm-up: 1000/s then 2000/s for 4s each (not counted)');
    await load(stack, traders, sentAt, updates, 1000, 4);
    await load(stack, traders, sentAt, updates, 2000, 4);
    const results: LoadResult[] = [];
    for (const rate of [...RATES, 'max' as const]) {
      // let the engine, db-writer and ws-server finish the previous phase's work first
      await new Promise((r) => setTimeout(r, 3000));
      log(`HTTP load at ${rate}/s for ${SECONDS}s`);
      const r = await load(stack, traders, sentAt, updates, rate);
      log(JSON.stringify(r));
      results.push(r);
    }
    await new Promise((r) => setTimeout(r, 3000));
    log(`peer: the same load generator at max against a server that answers without doing anything, for ${SECONDS}s`);
    const peer = await nullServerMax(stack, traders);
    log(JSON.stringify(peer));
    sockets.forEach((s) => s.disconnect());
    // read while the api still runs: the engine measurement stops it
    const book = (await (await fetch(`${stack.apiUrl}/market/orderbook/BENCH`)).json()) as { data: { bids: { orders: number }[]; asks: { orders: number }[] } };
    log(`book at the end: ${book.data.bids.length + book.data.asks.length} levels, ${[...book.data.bids, ...book.data.asks].reduce((n, l) => n + l.orders, 0)} orders in the top levels`);
    log(`engine process fed ${ENGINE_COMMANDS} commands directly`);
    const engine = await engineDirect(stack);
    log(`engine process: ${engine.opsPerSec} commands/s; CPU ms per command ${JSON.stringify(engine.cpu.msPerUnit)}, ${engine.cpu.coresBusy} cores busy`);
    const at = (rate: number | 'max') => results.find((r) => r.offered === rate);
    console.log(
      JSON.stringify({
        engineProcessOpsPerSec: engine.opsPerSec,
        engineProcessCpu: engine.cpu,
        engineStepsWithoutIo: engine.pipeline,
        httpMaxOrdersPerSec: at('max')?.ordersPerSec,
        nullServerMaxPerSec: peer.ordersPerSec,
        nullServerCpu: peer.cpu,
        http: results,
        p99AcceptMsAt2k: at(2000)?.p99ms ?? null,
        p50AcceptMsAt2k: at(2000)?.p50ms ?? null,
        apiWithin20msAt2k: at(2000)?.apiWithin20ms ?? null,
        placeToUpdateP50Ms: at(2000)?.updateP50ms ?? null,
        placeToUpdateP99Ms: at(2000)?.updateP99ms ?? null,
      }),
    );
  } finally {
    await stack.stop();
    for (const p of pools.values()) p.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench:e2e] failed: ${String(err)}\n`);
  process.exit(1);
});

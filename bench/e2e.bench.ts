/**
 * npm run bench:e2e — the running exchange, measured from outside: orders per second through
 * POST /order/place at fixed offered rates and at the maximum, accept latency, the latency from
 * place to the order update over Socket.IO, and the engine process fed the stream directly.
 * Starts its own services (as the tests do) on the local Redis and PostgreSQL.
 */
import http from 'http';
import Redis from 'ioredis';
import { ENTRY_FIELD } from '../contracts/commands';
import { names } from '../contracts/names';
import type { Command } from '../engine/core/types';
import { admin, connectSocket, loginAdmin, register, type ClientSocket, type Participant } from '../tests/harness/client';
import { REDIS_URL, Stack } from '../tests/harness/stack';
import { generateEngineStream } from './lib/engine-stream';
import { percentile } from './lib/random';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RATES = (process.env.BENCH_RATES ?? '1000,2000,5000').split(',').map(Number);
const ENGINE_COMMANDS = Number(process.env.BENCH_ENGINE_COMMANDS ?? 200_000);
const log = (msg: string) => process.stderr.write(`[bench:e2e] ${msg}\n`);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function post(url: URL, token: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

interface LoadResult {
  offered: number | 'max';
  sent: number;
  ok: number;
  ordersPerSec: number;
  p50ms: number;
  p99ms: number;
  updateP50ms: number;
  updateP99ms: number;
}

let seq = 0;
async function load(stack: Stack, traders: Participant[], sentAt: Map<string, number>, updates: Map<string, number>, rate: number | 'max', seconds = SECONDS): Promise<LoadResult> {
  const url = new URL('/order/place', stack.apiUrl);
  const latencies: number[] = [];
  let ok = 0;
  let sent = 0;
  const inflight = new Set<Promise<void>>();
  const started = performance.now();
  const end = started + seconds * 1000;
  const ids: string[] = [];
  const one = () => {
    const t = traders[sent % traders.length];
    const clientOrderId = `b${++seq}`;
    ids.push(clientOrderId);
    const side = seq % 2 === 0 ? 'BUY' : 'SELL';
    // mostly resting near the touch, every tenth crossing
    const price = side === 'BUY' ? (seq % 10 === 0 ? 101 : 99 - (seq % 5)) : seq % 10 === 5 ? 99 : 101 + (seq % 5);
    const body = JSON.stringify({ symbol: 'BENCH', side, type: 'LIMIT', timeInForce: seq % 10 === 0 || seq % 10 === 5 ? 'IOC' : 'GFD', price, quantity: 1, clientOrderId });
    const t0 = performance.now();
    sentAt.set(clientOrderId, Date.now());
    sent++;
    const p = post(url, t.token, body).then((status) => {
      if (status === 201 || status === 202) {
        ok++;
        latencies.push(performance.now() - t0);
      }
      inflight.delete(p);
    });
    inflight.add(p);
    return p;
  };
  if (rate === 'max') {
    // closed loop: each client sends its next order when its last one is answered
    const concurrency = 64;
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
  await new Promise((r) => setTimeout(r, 500));
  const updateLatencies = ids.map((id) => (updates.get(id) ?? NaN) - (sentAt.get(id) ?? NaN)).filter((x) => Number.isFinite(x));
  const sorted = Float64Array.from(latencies).sort();
  const upd = Float64Array.from(updateLatencies).sort();
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    offered: rate,
    sent,
    ok,
    ordersPerSec: Math.round(ok / elapsed),
    p50ms: round(percentile(sorted, 50)),
    p99ms: round(percentile(sorted, 99)),
    updateP50ms: round(percentile(upd, 50)),
    updateP99ms: round(percentile(upd, 99)),
  };
}

async function engineDirect(stack: Stack): Promise<number> {
  const redis = new Redis(REDIS_URL);
  const n = names(stack.prefix);
  const stream = generateEngineStream({ commands: ENGINE_COMMANDS, users: 1000, symbols: 4, restingTarget: 1000, seed: 11 });
  await stack.stopService('engine');
  log(`engine stopped; loading ${stream.setup.length + stream.commands.length} commands into the stream`);
  let lastId = '';
  const all: Command[] = [...stream.setup, ...stream.commands];
  for (let i = 0; i < all.length; i += 5000) {
    const pipe = redis.pipeline();
    for (const c of all.slice(i, i + 5000)) {
      const { ts, ...entry } = c as Command & { ts: number };
      void ts;
      pipe.xadd(n.inputStream, '*', ENTRY_FIELD, JSON.stringify(entry));
    }
    const res = (await pipe.exec()) as [Error | null, string][];
    lastId = res[res.length - 1][1];
  }
  // the engine process measured on its own: with ws-server subscribed, every message would also be
  // parsed there, on the same two cores (the engine still publishes all of them and hands jobs to BullMQ)
  for (const other of ['db-writer', 'ws-server', 'api'] as const) await stack.stopService(other);
  const startPromise = stack.startService('engine');
  let first = 0;
  let startId = '';
  for (;;) {
    const res = await fetch(stack.healthUrl('engine').replace('/ready', '/health')).catch(() => null);
    if (res !== null && res.ok) {
      const { lastId: at } = (await res.json()) as { lastId: string };
      if (startId === '') startId = at;
      if (first === 0 && at !== startId) first = performance.now();
      if (at === lastId) break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const seconds = (performance.now() - first) / 1000;
  await startPromise;
  redis.disconnect();
  return Math.round(all.length / seconds);
}

async function main(): Promise<void> {
  log('starting the services');
  // the engine's production snapshot interval, not the tests' short one
  const stack = await Stack.start({ SNAPSHOT_INTERVAL_MS: '10000', LOG_LEVEL: 'warn', RATE_LIMIT_PER_SECOND: '1000000', PLACE_TIMEOUT_MS: '5000' });
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
    sockets.forEach((s) => s.disconnect());
    log(`engine process fed ${ENGINE_COMMANDS} commands directly`);
    const engineOps = await engineDirect(stack);
    log(`engine process: ${engineOps} commands/s`);
    const at = (rate: number | 'max') => results.find((r) => r.offered === rate);
    console.log(
      JSON.stringify({
        engineProcessOpsPerSec: engineOps,
        httpMaxOrdersPerSec: at('max')?.ordersPerSec,
        http: results,
        p99AcceptMsAt2k: at(2000)?.p99ms ?? null,
        p50AcceptMsAt2k: at(2000)?.p50ms ?? null,
        placeToUpdateP50Ms: at(2000)?.updateP50ms ?? null,
        placeToUpdateP99Ms: at(2000)?.updateP99ms ?? null,
      }),
    );
  } finally {
    await stack.stop();
    agent.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench:e2e] failed: ${String(err)}\n`);
  process.exit(1);
});

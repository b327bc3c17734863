/**
 * npm run bench:engine — the matching core's throughput and per-command latency on a realistic
 * mix, against the npm package nodejs-order-book fed the same command stream in the same run.
 * Prints progress and a table, then one JSON line with the figures.
 */
import { OrderBook } from 'nodejs-order-book';
import { MatchingEngine } from '../engine/core';
import type { Command, EngineEvent } from '../engine/core';
import { generateEngineStream, type EngineStream } from './lib/engine-stream';
import { percentile } from './lib/random';

const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const log = (msg: string) => process.stderr.write(`[bench:engine] ${msg}\n`);

function engineRun(stream: EngineStream, balances: boolean): { opsPerSec: number; events: number } {
  const engine = new MatchingEngine({ balances });
  let out: EngineEvent[] = [];
  for (const c of stream.setup) engine.apply(c, out);
  out = [];
  const cmds = stream.commands;
  let events = 0;
  const t0 = performance.now();
  for (let i = 0; i < cmds.length; i++) {
    engine.apply(cmds[i], out);
    // a consumer drains the events in batches, as the engine process does
    if (out.length > 256) {
      events += out.length;
      out = [];
    }
  }
  const ms = performance.now() - t0;
  events += out.length;
  return { opsPerSec: (cmds.length / ms) * 1000, events };
}

type PeerOp = (books: Map<string, OrderBook>) => unknown;

/**
 * The same stream as calls on one nodejs-order-book per symbol, prepared once before timing. It
 * gets account ids and EXPIRE_TAKER self-trade prevention so that it does the same matching work.
 */
function peerOps(stream: EngineStream): PeerOp[] {
  const ops: PeerOp[] = [];
  for (const c of stream.commands) {
    if (c.action === 'cancel') {
      const symbol = stream.symbolOf.get(c.orderId!)!;
      const id = c.orderId!;
      ops.push((b) => b.get(symbol)!.cancel(id));
    } else if (c.action === 'place') {
      const side = c.side === 'BUY' ? 'buy' : 'sell';
      const symbol = c.symbol;
      const base = { side, size: c.quantity, accountId: c.userId, stpMode: 'EXPIRE_TAKER' } as const;
      if (c.type === 'MARKET') {
        ops.push((b) => b.get(symbol)!.market(base as never));
      } else {
        const opts = { ...base, id: c.orderId, price: c.price!, timeInForce: c.timeInForce === 'GFD' ? 'GTC' : c.timeInForce };
        ops.push((b) => b.get(symbol)!.limit(opts as never));
      }
    }
  }
  return ops;
}

function peerRun(stream: EngineStream, ops: PeerOp[]): number {
  const books = new Map<string, OrderBook>();
  for (const c of stream.setup) if (c.action === 'addSymbol') books.set(c.symbol, new OrderBook());
  const t0 = performance.now();
  for (let i = 0; i < ops.length; i++) ops[i](books);
  const ms = performance.now() - t0;
  return (ops.length / ms) * 1000;
}

function latencyRun(stream: EngineStream): { p50: number; p99: number; p999: number; max: number } {
  const engine = new MatchingEngine({ balances: true });
  const out: EngineEvent[] = [];
  for (const c of stream.setup) engine.apply(c, out);
  const cmds: Command[] = stream.commands;
  const samples = new Float64Array(cmds.length);
  for (let i = 0; i < cmds.length; i++) {
    out.length = 0;
    const t0 = performance.now();
    engine.apply(cmds[i], out);
    samples[i] = performance.now() - t0;
  }
  samples.sort();
  const us = (ms: number) => Math.round(ms * 1000 * 1000) / 1000;
  return { p50: us(percentile(samples, 50)), p99: us(percentile(samples, 99)), p999: us(percentile(samples, 99.9)), max: us(samples[samples.length - 1]) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  log(`generating ${COMMANDS} commands (1000 participants, 4 symbols, ~1000 resting orders)`);
  const stream = generateEngineStream({ commands: COMMANDS, users: 1000, symbols: 4, restingTarget: 1000, seed: 42 });
  const probe = new MatchingEngine({ balances: true });
  const sink: EngineEvent[] = [];
  for (const c of [...stream.setup, ...stream.commands]) probe.apply(c, sink);
  const resting = probe.orders.size;
  const levels = probe.bookList.reduce((n, b) => n + b.bids.levels.length + b.asks.levels.length, 0);
  const counts = sink.reduce<Record<string, number>>((m, e) => ((m[e.type] = (m[e.type] ?? 0) + 1), m), {});
  const rejected = sink.filter((e) => e.type === 'order' && e.status === 'REJECTED').length;
  log(`mix ${JSON.stringify(stream.mix)}; at the end ${resting} resting orders on ${levels} levels; events ${JSON.stringify(counts)}; rejected ${rejected}`);

  const ops = peerOps(stream);
  const plain: number[] = [];
  const withBalances: number[] = [];
  const peer: number[] = [];
  for (let r = 0; r <= RUNS; r++) {
    // run 0 warms the JIT for all three and is not counted
    const a = engineRun(stream, false).opsPerSec;
    const b = engineRun(stream, true).opsPerSec;
    const p = peerRun(stream, ops);
    if (r > 0) {
      plain.push(a);
      withBalances.push(b);
      peer.push(p);
    }
    log(`run ${r}${r === 0 ? ' (warm-up)' : ''}: engine ${Math.round(a)}/s, engine+balances ${Math.round(b)}/s, nodejs-order-book ${Math.round(p)}/s`);
  }
  const lat = latencyRun(stream);
  const result = {
    commands: stream.commands.length,
    engineOpsPerSec: Math.round(median(plain)),
    engineWithBalancesOpsPerSec: Math.round(median(withBalances)),
    peerOpsPerSec: Math.round(median(peer)),
    ratio: Math.round((median(plain) / median(peer)) * 100) / 100,
    p50us: lat.p50,
    p99us: lat.p99,
    p999us: lat.p999,
  };
  log(`medians of ${RUNS} runs; latency per command with balances: p50 ${lat.p50}µs p99 ${lat.p99}µs p99.9 ${lat.p999}µs max ${lat.max}µs`);
  console.log(JSON.stringify(result));
}

main();

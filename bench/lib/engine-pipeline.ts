import { fork } from 'child_process';
import { ENTRY_FIELD } from '../../contracts/commands';
import { names, type Names } from '../../contracts/names';
import { MatchingEngine } from '../../engine/core/engine';
import type { Command } from '../../engine/core/types';
import { applyBatch, type StreamRecord } from '../../engine/process/batch';
import { MarketThrottle, PersistBuffer, publishBatch } from '../../engine/process/publisher';
import { RespBatch } from '../../runtime/resp/batch';
import { NODE_FLAGS } from '../../scripts/service';
import { generateEngineStream, type StreamOptions } from './engine-stream';

export interface PipelineCost {
  /** CPU microseconds per command of everything the engine process does to a batch, but I/O */
  totalUs: number;
  /** parsing the entries and applying them to the core */
  applyUs: number;
  /** messages, hot state and acknowledgement encoded as the batch's Redis commands */
  publishUs: number;
  /** the persistence job collected and serialised (what BullMQ then stringifies) */
  persistUs: number;
  /** bytes the batch sends Redis per command */
  outBytesPerCommand: number;
  /** the engine's seq after the last batch: every command was applied */
  seq: number;
}

/**
 * The engine process's work on `records` with the I/O taken out: the same steps as
 * EngineService.handle, batch by batch, in this process. The floor under what the process can
 * reach fed directly, whatever its Redis client or event loop does.
 */
export function measurePipeline(records: StreamRecord[], batchSize: number, n: Names, bookDepth: number): PipelineCost {
  const engine = new MatchingEngine();
  const persist = new PersistBuffer(20_000, 100);
  const throttle = new MarketThrottle(100);
  let apply = 0;
  let publish = 0;
  let persisting = 0;
  let bytes = 0;
  for (let i = 0; i < records.length; i += batchSize) {
    const slice = records.slice(i, i + batchSize);
    const t0 = performance.now();
    const batch = applyBatch(engine, slice);
    const balances = engine.takeDirtyBalances();
    const t1 = performance.now();
    const out = new RespBatch();
    publishBatch(out, n, engine, batch, balances, bookDepth, throttle);
    out.cmd('XACK', n.inputStream, n.engineGroup, ...slice.map((r) => r.id));
    bytes += out.bytes().length;
    const t2 = performance.now();
    persist.add(batch, balances, engine.seq, engine.symbols(), t2);
    const job = persist.due(t2) ? persist.take() : null;
    if (job !== null) JSON.stringify(job);
    const t3 = performance.now();
    apply += t1 - t0;
    publish += t2 - t1;
    persisting += t3 - t2;
  }
  const us = (ms: number) => Math.round(((ms * 1000) / records.length) * 100) / 100;
  return { totalUs: us(apply + publish + persisting), applyUs: us(apply), publishUs: us(publish), persistUs: us(persisting), outBytesPerCommand: Math.round(bytes / records.length), seq: engine.seq };
}

/** A command as the stream carries it: its JSON without `ts`, which the engine takes from the entry id. */
export function entryText(c: Command): string {
  const { ts, ...entry } = c as Command & { ts: number };
  void ts;
  return JSON.stringify(entry);
}

/** the commands as the engine reads them from the stream: an id (time-sequence) and the entry's JSON */
export function asRecords(commands: Command[]): StreamRecord[] {
  return commands.map((c, i) => ({ id: `${(c as { ts?: number }).ts ?? i}-${i}`, fields: [ENTRY_FIELD, entryText(c)] }));
}

interface Job {
  stream: StreamOptions;
  batchSize: number;
  bookDepth: number;
  prefix: string;
  runs: number;
}

/**
 * measurePipeline in a fresh process with the engine's Node flags, as the engine process would
 * run it (the load generator's own heap and JIT state would slow it): the median of `runs`.
 */
export function measurePipelineApart(job: Job): Promise<PipelineCost> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['measure'], { execArgv: NODE_FLAGS.engine ?? [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (cost) => resolve(cost as PipelineCost));
    child.once('exit', (code) => reject(new Error(`pipeline measurement exited with ${code}`)));
    child.send(job);
  });
}

if (require.main === module && process.argv[2] === 'measure') {
  process.once('message', (job: Job) => {
    const stream = generateEngineStream(job.stream);
    const records = asRecords([...stream.setup, ...stream.commands]);
    const costs = Array.from({ length: job.runs }, () => measurePipeline(records, job.batchSize, names(job.prefix), job.bookDepth));
    costs.sort((a, b) => a.totalUs - b.totalUs);
    process.send!(costs[Math.floor(costs.length / 2)], () => process.exit(0));
  });
}

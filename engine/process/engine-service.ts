import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { EngineConfig } from '../../contracts/config';
import { names, type Names } from '../../contracts/names';
import { connectRedis } from '../../runtime/redis';
import type { Logger } from '../../runtime/logger';
import { MatchingEngine } from '../core/engine';
import { createHash } from 'crypto';
import { restore, snapshot, type EngineSnapshot } from '../core/snapshot';
import { applyBatch, type StreamRecord } from './batch';
import { EngineLease } from './lease';
import { keepClientIds, MarketThrottle, PersistBuffer, msetChunks, publishBatch } from './publisher';
import { FENCED_SCRIPT, RespBatch } from '../../runtime/resp/batch';
import { RespWriter } from '../../runtime/resp/writer';
import { StreamReader } from '../../runtime/resp/stream-reader';

const commandsApplied = new Counter({ name: 'engine_commands_total', help: 'Commands applied by the engine' });
const eventsEmitted = new Counter({ name: 'engine_events_total', help: 'Events emitted by the engine' });
const batchSeconds = new Histogram({ name: 'engine_batch_seconds', help: 'Time to apply and publish one batch', buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5] });
const seqGauge = new Gauge({ name: 'engine_seq', help: 'Last output seq' });
/** how far behind the input the engine is, read when Prometheus scrapes (set by the running service) */
let backlogProbe: () => Promise<number> = async () => 0;
new Gauge({
  name: 'engine_stream_backlog_seconds',
  help: 'Age of the oldest command in the input stream the engine has not applied yet (0 when caught up)',
  async collect() {
    this.set(await backlogProbe().catch(() => 0));
  },
});

interface StoredSnapshot {
  lastId: string;
  savedAt: number;
  hash: string;
  state: EngineSnapshot;
}

const MAX_INFLIGHT_BATCHES = 4;

/** Native hashing: the snapshot can be megabytes, and the engine is paused while it is taken. */
const digest = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The engine process: the single writer, holding the engine lease. It restores the last snapshot,
 * replays what came after it, then reads the input stream from where its state ends and applies
 * batches as they arrive; after each batch it publishes with one fenced script call (refused once
 * another engine holds the lease), hands persistence to BullMQ and moves the group's position.
 */
export class EngineService {
  private engine = new MatchingEngine();
  private readonly n: Names;
  private readonly reader: StreamReader;
  private readonly writer: Redis;
  /** batch outputs (publish, hot state, the group's position): see RespWriter */
  private readonly output: RespWriter;
  private readonly queue: Queue;
  private readonly lease: EngineLease;
  private lastId = '0-0';
  private appliedSinceSnapshot = 0;
  private lastSnapshotAt = Date.now();
  private stopping = false;
  private readonly persist = new PersistBuffer(20_000, 100);
  private readonly market = new MarketThrottle(100);
  /** output of batches still on their way to Redis, oldest first */
  private inflight: Promise<void>[] = [];
  private loop: Promise<void> | null = null;
  /** the epoch (resets so far) of the last snapshot: client-id sets of older events go after the next */
  private snapshotEpoch = 0;
  /** hot state replay produced, written once recovery has caught up (see publishBatch) */
  private withheld: Map<string, string> | undefined;
  ready = false;

  constructor(
    private readonly config: EngineConfig,
    private readonly log: Logger,
  ) {
    this.n = names(config.KEY_PREFIX);
    this.reader = new StreamReader(config.REDIS_URL, 'engine-reader');
    this.writer = connectRedis(config.REDIS_URL, log, 'engine-writer');
    this.output = new RespWriter(config.REDIS_URL);
    backlogProbe = async () => {
      const next = await this.writer.xrange(this.n.inputStream, `(${this.lastId}`, '+', 'COUNT', 1);
      if (next.length === 0) return 0;
      // a stream id starts with the milliseconds it was added at
      return Math.max(0, (Date.now() - Number(next[0][0].split('-')[0])) / 1000);
    };
    this.lease = new EngineLease(this.writer, this.n.keys.engineLease, this.n.keys.engineFence, config.ENGINE_LEASE_MS, log);
    this.queue = new Queue(this.n.dbWriteQueue, {
      connection: connectRedis(config.REDIS_URL, log, 'engine-queue'),
      prefix: this.n.bullPrefix,
      // db-writer retries a failing write inside the job, for as long as it fails; BullMQ's own
      // attempts only come into play when a db-writer stops mid-retry, and never run out
      defaultJobOptions: { attempts: Number.MAX_SAFE_INTEGER, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: 1000, removeOnFail: false },
    });
  }

  status(): Record<string, unknown> {
    return { lastId: this.lastId, seq: this.engine.seq, session: this.engine.session, leaseToken: this.lease.token };
  }

  async start(): Promise<void> {
    // one engine at a time: a second one waits here, not ready, until the lease is free
    const token = await this.lease.acquire(() => this.stopping);
    if (token === null) return;
    this.lease.keep((why) => this.leaseLost(why));
    await this.output.connected();
    await this.recover();
    this.ready = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    const started = this.lease.token !== null;
    this.stopping = true;
    await this.loop;
    if (this.ready) await this.saveSnapshot('shutdown');
    else if (started) await this.drain();
    await this.lease.release();
    await this.queue.close();
    this.reader.close();
    this.output.close();
    await this.writer.quit();
  }

  /**
   * Another engine may be writing by now: this one stops at once, before it could try to write
   * (its writes would be refused anyway), and its supervisor starts it again as a standby.
   */
  private leaseLost(why: string): never {
    this.ready = false;
    this.log.error({ why, token: this.lease.token }, 'engine lease lost: exiting');
    process.exit(1);
  }

  /** A batch Redis runs only while this engine holds the lease. */
  private fencedBatch(): RespBatch {
    return RespBatch.fenced(this.n.keys.engineLease, this.lease.token ?? '');
  }

  /** One command, run only while this engine holds the lease. */
  private async fenced(...args: (string | number)[]): Promise<unknown> {
    try {
      return await this.writer.eval(FENCED_SCRIPT, 1, this.n.keys.engineLease, this.lease.token ?? '', args.length, ...args);
    } catch (err) {
      if (String(err).includes('FENCED')) this.leaseLost(String(err));
      throw err;
    }
  }

  private async recover(): Promise<void> {
    const raw = await this.writer.get(this.n.keys.engineSnapshot);
    if (raw !== null) {
      const stored = JSON.parse(raw) as StoredSnapshot;
      this.engine = restore(stored.state);
      this.lastId = stored.lastId;
      // an older snapshot carried the client order ids itself
      const hash = digest(JSON.stringify(snapshot(this.engine, { clientIds: stored.state.clientIds !== undefined })));
      if (hash !== stored.hash) throw new Error(`snapshot hash mismatch: stored ${stored.hash}, restored ${hash}`);
      this.log.info({ lastId: stored.lastId, seq: this.engine.seq, hash }, 'restored snapshot');
    } else {
      this.log.info('no snapshot: starting from an empty engine and the whole stream');
    }
    await this.loadClientIds();
    try {
      await this.fenced('XGROUP', 'CREATE', this.n.inputStream, this.n.engineGroup, '0', 'MKSTREAM');
    } catch (err) {
      if (!String(err).includes('BUSYGROUP')) throw err;
    }
    this.persist.startAt(this.engine.seq);
    // Replay publishes again (consumers de-duplicate by seq) and persists again (db-writer does),
    // but holds back hot state until it has caught up, so no reader sees it go back in time.
    let replayed = 0;
    this.withheld = new Map();
    for (;;) {
      const records = await this.reader.range(this.n.inputStream, `(${this.lastId}`, '+', this.config.ENGINE_BATCH_SIZE);
      if (records.length === 0) break;
      await this.handle(records);
      replayed += records.length;
    }
    const withheld = [...this.withheld].flat();
    this.withheld = undefined;
    const out = this.fencedBatch();
    msetChunks(out, withheld);
    this.inflight.push(this.sendFenced(out));
    await this.drain();
    // The group is bookkeeping only (the engine reads by id from where its state ends, so a second
    // reader could never take entries from it): its position shows how far the engine has come.
    await this.fenced('XGROUP', 'SETID', this.n.inputStream, this.n.engineGroup, this.lastId);
    this.log.info({ replayed, lastId: this.lastId, seq: this.engine.seq, hotKeys: withheld.length / 2 }, 'recovered');
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let records: StreamRecord[];
      try {
        records = await this.reader.read(this.n.inputStream, this.lastId, this.config.ENGINE_BATCH_SIZE, this.config.ENGINE_BLOCK_MS);
      } catch (err) {
        this.log.error({ err: String(err) }, 'reading the input stream failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (records.length > 0) {
        await this.handle(records);
      } else {
        this.flushIdle(false);
      }
      if (this.appliedSinceSnapshot >= this.config.SNAPSHOT_EVERY_COMMANDS || (this.appliedSinceSnapshot > 0 && Date.now() - this.lastSnapshotAt >= this.config.SNAPSHOT_INTERVAL_MS)) {
        await this.saveSnapshot('periodic');
      }
    }
  }

  /**
   * Apply, publish, persist, move on. The outputs of a few batches may be on their way while
   * the next is applied (one connection keeps them in order); a crash anywhere is repaired by
   * replay from the snapshot, which is only taken once everything before it has landed.
   */
  private async handle(records: StreamRecord[]): Promise<void> {
    const timer = batchSeconds.startTimer();
    const batch = applyBatch(this.engine, records);
    const balances = this.engine.takeDirtyBalances();
    const out = this.fencedBatch();
    publishBatch(out, this.n, this.engine, batch, balances, this.config.BOOK_DEPTH, this.market, this.withheld);
    if (this.withheld === undefined) out.cmd('XGROUP', 'SETID', this.n.inputStream, this.n.engineGroup, batch.lastId);
    keepClientIds(out, this.n, this.engine.takeNewClientIds());
    const now = Date.now();
    this.persist.add(batch, balances, this.engine.seq, this.engine.symbols(), now);
    const job = this.persist.due(now) ? this.persist.take() : null;
    const landed = Promise.all([this.sendFenced(out), job === null ? null : this.queue.add('batch', job)]).then(() => void timer());
    this.inflight.push(landed);
    if (this.inflight.length > MAX_INFLIGHT_BATCHES) await this.inflight.shift();
    this.lastId = batch.lastId;
    this.appliedSinceSnapshot += records.length;
    commandsApplied.inc(records.length);
    eventsEmitted.inc(batch.events.length);
    seqGauge.set(this.engine.seq);
  }

  /** Sends what waits for time to pass: paced market messages, and collected persistence. */
  private flushIdle(force: boolean): void {
    const now = Date.now();
    if (this.market.pending) {
      const out = this.fencedBatch();
      this.market.due(
        now,
        (book, tick, symbol) => {
          out.publish(this.n.channels.marketDataOf(symbol), book);
          if (tick !== null) out.publish(this.n.channels.marketDataOf(symbol), tick);
        },
        force,
      );
      if (out.count > 0) this.inflight.push(this.sendFenced(out));
    }
    if (force || this.persist.due(now)) {
      const job = this.persist.take();
      if (job !== null) this.inflight.push(this.queue.add('batch', job).then(() => undefined));
    }
  }

  /**
   * The client order ids of the restored state's event, from Redis (the snapshot leaves them out):
   * those used up to the snapshot, and those of commands after it that replay will apply again
   * (the core takes a used id naming the same order as that very command, not a second use).
   */
  private async loadClientIds(): Promise<void> {
    this.snapshotEpoch = this.engine.epoch;
    const key = this.n.keys.clientIds(this.engine.epoch);
    let cursor = '0';
    let loaded = 0;
    do {
      const [next, fields] = await this.writer.hscan(key, cursor, 'COUNT', 10_000);
      cursor = next;
      for (let i = 0; i + 1 < fields.length; i += 2) {
        const cut = fields[i + 1].indexOf('\n');
        if (cut < 0) continue;
        if (!this.engine.usedClientIds.has(fields[i])) loaded++;
        this.engine.usedClientIds.set(fields[i], { orderId: fields[i + 1].slice(0, cut), request: fields[i + 1].slice(cut + 1) });
      }
    } while (cursor !== '0');
    this.log.info({ epoch: this.engine.epoch, clientIds: this.engine.usedClientIds.size, loaded }, 'client order ids loaded');
  }

  /** Sends a fenced batch; refused for the lease means another engine has taken over. */
  private async sendFenced(out: RespBatch): Promise<void> {
    const errors = await this.output.send(out);
    if (errors.length === 0) return;
    if (errors[0].startsWith('FENCED')) this.leaseLost(errors[0]);
    // outputs that did not land must not count as done: crash, restart, replay
    throw new Error(`publishing a batch failed: ${errors[0]}`);
  }

  private async drain(): Promise<void> {
    this.flushIdle(true);
    const all = this.inflight;
    this.inflight = [];
    await Promise.all(all);
  }

  private async saveSnapshot(why: string): Promise<void> {
    await this.drain();
    // the client order ids are in Redis already (keepClientIds): a snapshot of them all would grow
    // with every order of the event, and the engine is paused while it is taken
    const stateJson = JSON.stringify(snapshot(this.engine, { clientIds: false }));
    const hash = digest(stateJson);
    // spliced by hand: parsing the state back just to embed it would double the pause
    await this.fenced('SET', this.n.keys.engineSnapshot, `{"lastId":${JSON.stringify(this.lastId)},"savedAt":${Date.now()},"hash":"${hash}","state":${stateJson}}`);
    // Only what the snapshot already contains may go.
    if (this.lastId !== '0-0') await this.fenced('XTRIM', this.n.inputStream, 'MINID', this.lastId);
    // events before the snapshot's are over: their client order ids will not be asked for again
    for (let epoch = this.snapshotEpoch; epoch < this.engine.epoch; epoch++) await this.fenced('DEL', this.n.keys.clientIds(epoch));
    this.snapshotEpoch = this.engine.epoch;
    this.appliedSinceSnapshot = 0;
    this.lastSnapshotAt = Date.now();
    this.log.info({ why, lastId: this.lastId, seq: this.engine.seq, orders: this.engine.orders.size }, 'snapshot saved');
  }
}

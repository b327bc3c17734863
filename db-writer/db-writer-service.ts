import { jobNotifications } from './job-notifications';
import { publishNotifications, storeNotifications } from '../runtime/notifications';
import { DelayedError, Job, Queue, Worker } from 'bullmq';
import { Counter, Gauge } from 'prom-client';
import { z } from 'zod';
import type { DbWriterConfig } from '../contracts/config';
import { names } from '../contracts/names';
import { decodePersistJob, JOB_TUPLE_LENGTHS, type PersistBatch, type PersistJob } from '../contracts/persist-job';
import type { Logger } from '../runtime/logger';
import { createPrisma, type PrismaClient } from '../runtime/prisma';
import { connectRedis } from '../runtime/redis';
import { isUnstorable, persistBatch, persistedSeq, persistRowByRow, reasonOf } from './persist';
import type Redis from 'ioredis';
import { loadPortfolio, type PositionCache } from '../portfolio/load';

const rowsWritten = new Counter({ name: 'db_writer_rows_total', help: 'Rows written', labelNames: ['kind'] });
const jobsParked = new Counter({ name: 'db_writer_jobs_parked_total', help: 'Jobs given up on and parked in the failed set (none is, by design: a rise is a bug)' });
const rowsSetAside = new Counter({ name: 'db_writer_rows_set_aside_total', help: 'Rows PostgreSQL refused for their content, kept in unstorable_rows', labelNames: ['kind'] });
const writeRetries = new Counter({ name: 'db_writer_write_retries_total', help: 'Batch writes retried after a transient failure' });
const persistedSeqGauge = new Gauge({ name: 'db_writer_persisted_seq', help: 'Every engine seq up to this one is stored' });
/** how long the gap has lasted, read at each scrape (the service sets it) */
let gapNow: () => number = () => 0;
// registered with /metrics' registry as it is made, and set there at each scrape
new Gauge({
  name: 'db_writer_gap_seconds',
  help: 'How long the next job in seq order has been missing (0: no gap)',
  collect() {
    this.set(gapNow());
  },
});
const jobsParkedAhead = new Counter({ name: 'db_writer_jobs_parked_ahead_total', help: 'Times a job was taken before the one it follows had landed, and parked until it has' });

const RAISE_TO = "local v = tonumber(redis.call('GET', KEYS[1]) or '0') if tonumber(ARGV[1]) > v then redis.call('SET', KEYS[1], ARGV[1]) end return 1";

const rows = (kind: keyof typeof JOB_TUPLE_LENGTHS) => z.array(z.array(z.unknown()).min(JOB_TUPLE_LENGTHS[kind][0]).max(JOB_TUPLE_LENGTHS[kind][1]));

/** Only the shape needed to write safely; anything else is a poison job. */
const jobShape = z.object({
  v: z.literal(1),
  from: z.number().int().nonnegative().optional(),
  orders: rows('orders'),
  events: rows('events'),
  trades: rows('trades'),
  news: rows('news').optional(),
  symbols: rows('symbols'),
  credits: rows('credits'),
  balances: z.array(z.tuple([z.string(), z.string(), z.number().int(), z.number().int()])),
  seq: z.number().int().nonnegative(),
});

/**
 * A job taken ahead of its turn is parked (delayed) this long at most. The job before it wakes it
 * as soon as it lands; this is only the net for a wake-up that was missed.
 */
const PARK_MS = 60_000;

/**
 * db-writer: one BullMQ worker on db_write_queue persisting engine batches to PostgreSQL, one job
 * at a time and in seq order. Each job names the seq range it covers (`from`, `seq`]; PostgreSQL
 * keeps how far everything is stored (persist_progress, in the same transaction as the rows).
 * - A job that starts past that point is parked (delayed) until the one before it lands, which wakes
 *   it: a job taken over from a killed db-writer arrives after newer ones. Missing for GAP_ALARM_MS,
 *   the gap is raised: /ready false, db_writer_gap_seconds, an error log; it heals when the job comes.
 * - A job wholly stored already (the engine replays after a crash) is passed over.
 * - A transient failure (PostgreSQL unreachable, shutting down, tables locked) is retried inside
 *   the job, for as long as it lasts: the job keeps its place and nothing after it overtakes it.
 * - Rows PostgreSQL refuses for their content are written one by one, and those refused again set
 *   aside in unstorable_rows with the reason; the rest of the batch lands.
 * - Stalled jobs (db-writer killed mid-job) are taken over however many times it happens.
 * - A new database (nothing stored yet) starts at the lowest `from` of any job still queued, not at
 *   the first job taken: that may be a newer one, while an older one is held by a killed db-writer.
 */
export class DbWriterService {
  private readonly prisma: PrismaClient;
  private worker: Worker | null = null;
  /** to look over the jobs not yet done, when a new database must find where it starts */
  private queue: Queue | null = null;
  private readonly redis: Redis;
  /** participants whose fills were persisted since their portfolio was last sent */
  private readonly touched = new Set<string>();
  /** the liquidity bots' ids (told nothing), read again every few seconds */
  private bots = { at: 0, ids: new Set<string>() };
  private portfolioTimer: NodeJS.Timeout | null = null;
  /**
   * Each participant's positions so far, so a refresh reads only newer fills instead of their whole
   * history. Sound only while jobs land one at a time and in order, which makes the database hold
   * every fill up to the newest one seen: not with concurrent jobs, and dropped after a retried job
   * (later ones landed before it).
   */
  private positions: PositionCache | undefined;
  /** refreshes run one after another: two at once would fold the same fills twice */
  private sending: Promise<void> = Promise.resolve();
  /** every seq up to this is stored; null until the first job of a new database */
  private persisted: number | null = null;
  private gapSince: number | null = null;
  private gapRaised = false;
  /** raises the gap once it has lasted GAP_ALARM_MS, whether or not a parked job comes back to see it */
  private gapTimer: NodeJS.Timeout | null = null;
  /**
   * Whether notes of parked jobs may be left: unknown at start (a db-writer before this one may
   * have left some), then known. Most jobs land in turn with nothing parked, and look at no notes.
   */
  private parkedNotes = true;
  private stopping = false;
  private started = false;
  get ready(): boolean {
    return this.started && !this.gapRaised;
  }

  constructor(
    private readonly config: DbWriterConfig,
    private readonly log: Logger,
  ) {
    this.prisma = createPrisma(config.DATABASE_URL);
    this.redis = connectRedis(config.REDIS_URL, log, 'db-writer-portfolios');
    this.positions = new Map();
    gapNow = () => (this.gapSince === null ? 0 : (Date.now() - this.gapSince) / 1000);
  }

  status(): Record<string, unknown> {
    return { persistedSeq: this.persisted ?? 0, gapSeconds: this.gapSince === null ? 0 : Math.round((Date.now() - this.gapSince) / 1000) };
  }

  async start(): Promise<void> {
    this.persisted = await this.untilStored(() => persistedSeq(this.prisma), 'reading how far PostgreSQL has stored');
    if (this.persisted !== null) persistedSeqGauge.set(this.persisted);
    const n = names(this.config.KEY_PREFIX);
    this.queue = new Queue(n.dbWriteQueue, { connection: connectRedis(this.config.REDIS_URL, this.log, 'db-writer-queue'), prefix: n.bullPrefix });
    // a db-writer killed after storing a job and before waking those parked behind it
    await this.wakeParked();
    this.worker = new Worker(n.dbWriteQueue, (job: Job, token?: string) => this.process(job, token), {
      connection: connectRedis(this.config.REDIS_URL, this.log, 'db-writer-worker'),
      prefix: n.bullPrefix,
      // in seq order: one job at a time
      concurrency: 1,
      // a db-writer that died mid-job leaves it locked: short locks (renewed while working) let the
      // restarted one take it over within seconds instead of BullMQ's default 30
      lockDuration: 5000,
      stalledInterval: 5000,
      // BullMQ fails a job that stalled more than once by default; a job is never given up on
      maxStalledCount: Number.MAX_SAFE_INTEGER,
    });
    this.worker.on('failed', (job, err) => {
      const attempts = job?.opts.attempts ?? 1;
      const parked = job !== undefined && job.attemptsMade >= attempts;
      if (parked) jobsParked.inc();
      this.log[parked ? 'error' : 'warn']({ jobId: job?.id, attemptsMade: job?.attemptsMade, attempts, err: err.message, parked }, parked ? 'job parked' : 'job failed, will retry');
    });
    this.worker.on('error', (err) => this.log.error({ err: err.message }, 'worker error'));
    await this.worker.waitUntilReady();
    this.started = true;
  }

  private async process(job: Job, token?: string): Promise<void> {
    const shape = jobShape.safeParse(job.data);
    if (!shape.success) {
      // not the engine's: kept with its reason, never retried; if it stood for real rows, the next
      // job finds the gap it leaves and raises it
      const reason = `malformed job: ${shape.error.issues[0]?.message ?? 'invalid'}`;
      rowsSetAside.inc({ kind: 'job' });
      this.log.error({ jobId: job.id, reason }, 'malformed job set aside');
      await this.untilStored(() => this.prisma.$executeRawUnsafe('INSERT INTO unstorable_rows (job_seq, kind, "row", reason) VALUES (0, $1, $2, $3)', 'job', JSON.stringify(job.data ?? null), reason), 'setting a malformed job aside');
      return;
    }
    const data = decodePersistJob(job.data as PersistJob);
    if (this.persisted === null) {
      // a database that has stored nothing yet (new, or older than persist_progress) starts where
      // the oldest job still to do does: the first one taken may be newer than one a killed
      // db-writer held, which would otherwise pass for a replay and be lost
      const lowest = await this.lowestQueuedFrom();
      this.persisted = Math.min(lowest ?? Number.MAX_SAFE_INTEGER, data.from ?? 0);
      this.log.info({ from: this.persisted, jobFrom: data.from ?? 0 }, 'first job of this database: seq order checked from the oldest queued job');
    }
    if (data.from !== undefined && data.from > this.persisted) return this.waitForTurn(job, token, data, this.persisted);
    this.clearGap();
    if (data.from !== undefined && data.seq <= this.persisted) {
      this.log.debug({ jobId: job.id, from: data.from, seq: data.seq, persisted: this.persisted }, 'job already stored (a replay): passed over');
      // stored, but a db-writer killed after storing it may not have told its participants: telling
      // again adds nothing where it did (one notification per source)
      await this.notifyJob(data);
      await this.wakeParked();
      return;
    }
    const counts = await this.untilStored(async () => {
      try {
        return await persistBatch(this.prisma, data);
      } catch (err) {
        if (!isUnstorable(err)) throw err;
        this.log.error({ jobId: job.id, seq: data.seq, reason: reasonOf(err) }, 'PostgreSQL refused a row of this batch: writing its rows one by one');
        const aside = await persistRowByRow(this.prisma, data, isUnstorable);
        for (const a of aside) rowsSetAside.inc({ kind: a.kind });
        this.log.error({ jobId: job.id, seq: data.seq, setAside: aside }, 'rows set aside in unstorable_rows; the rest of the batch is stored');
        return { orders: data.orders.length, trades: data.trades.length, balances: data.balances.length };
      }
    }, `storing job ${job.id}`);
    // Jobs land in seq order, so every fill up to the newest one a portfolio refresh saw is in
    // the database: the positions cache stays sound. A job of an older engine (no range) may not be.
    if (data.from === undefined) this.positions = new Map();
    this.persisted = Math.max(this.persisted, data.seq);
    persistedSeqGauge.set(this.persisted);
    // a watermark for those who must wait for the database (the end-of-session snapshot)
    await this.redis.eval(RAISE_TO, 1, names(this.config.KEY_PREFIX).keys.persistedSeq, this.persisted);
    await this.notifyJob(data);
    await this.wakeParked();
    for (const t of data.trades) this.touched.add(t.buyUserId).add(t.sellUserId);
    for (const c of data.credits) this.touched.add(c.userId);
    // portfolios go out at most twice a second per participant, however busy the batches
    if (this.touched.size > 0 && this.portfolioTimer === null) this.portfolioTimer = setTimeout(() => (this.sending = this.sending.then(() => this.sendPortfolios())), 500);
    rowsWritten.inc({ kind: 'orders' }, counts.orders);
    rowsWritten.inc({ kind: 'trades' }, counts.trades);
    rowsWritten.inc({ kind: 'balances' }, counts.balances);
    this.log.debug({ jobId: job.id, ...counts }, 'batch persisted');
  }

  /**
   * A job ahead of its turn: the one before it has not been stored (it is stalled with a killed
   * db-writer, waiting to be retried, or behind this one in the queue). Parked, without counting as
   * an attempt, until the one before it lands and wakes it (wakeParked).
   *
   * Parked jobs used to be looked at again every 250 ms. Each went back to the end of the queue, so
   * after an outage the queue's order was shuffled and every pass over it stored only the few jobs
   * it met in turn: a chaos run's 1,300 jobs drained at 2-3 jobs a second, and in one run not within
   * three minutes. Woken by the job before it, each job is parked at most once per pass.
   */
  private async waitForTurn(job: Job, token: string | undefined, data: PersistBatch, persisted: number): Promise<never> {
    const now = Date.now();
    if (this.gapSince === null) {
      const since = (this.gapSince = now);
      this.gapTimer = setTimeout(() => {
        this.gapRaised = true;
        this.log.error({ persistedSeq: persisted, nextFrom: data.from, jobId: job.id, waitedMs: Date.now() - since }, 'persistence gap: the job after seq persistedSeq has not come; writing stopped (not ready) until it does');
      }, this.config.DB_WRITER_GAP_ALARM_MS);
    }
    jobsParkedAhead.inc();
    this.parkedNotes = true;
    // noted before it is parked: a db-writer killed in between leaves a note of a job that is still
    // active, which the stalled-job check hands back, and waking it then does nothing
    await this.redis.zadd(names(this.config.KEY_PREFIX).keys.dbWriterParked, data.from!, job.id!);
    await job.moveToDelayed(now + PARK_MS, token);
    throw new DelayedError();
  }

  /**
   * Wakes the parked jobs whose turn has come (they start at or before what is stored), oldest first:
   * each goes to the queue's end, and the oldest is taken first. A note whose job is no longer parked
   * (it came back by itself, or was done) is only dropped.
   */
  private async wakeParked(): Promise<void> {
    if (this.persisted === null || !this.parkedNotes) return;
    const key = names(this.config.KEY_PREFIX).keys.dbWriterParked;
    const [[dueErr, due], [totalErr, total]] = (await this.redis.multi().zrangebyscore(key, '-inf', this.persisted).zcard(key).exec()) as [[Error | null, string[]], [Error | null, number]];
    if (dueErr !== null || totalErr !== null) throw dueErr ?? totalErr;
    // the notes still to wake after these (those of jobs whose turn has not come)
    this.parkedNotes = total > due.length;
    if (due.length === 0) return;
    for (const id of due) {
      try {
        await new Job(this.queue!, 'batch', null, {}, id).promote();
      } catch (err) {
        // not delayed any more: nothing to wake. Anything else drops the note all the same (a note
        // that failed every time would fail the job that wakes it, again and again): the job comes
        // back by itself within PARK_MS
        if (!String(err).includes('not in the delayed state')) this.log.warn({ jobId: id, err: reasonOf(err) }, 'could not wake a parked job: it comes back within a minute');
      }
    }
    await this.redis.zrem(key, ...due);
  }

  /** The lowest `from` among jobs not yet done (this one included: it is active), null if none says. */
  private async lowestQueuedFrom(): Promise<number | null> {
    let lowest: number | null = null;
    const page = 500;
    for (const state of ['active', 'wait', 'delayed', 'prioritized', 'waiting-children'] as const) {
      for (let start = 0; ; start += page) {
        const jobs = await this.queue!.getJobs(state, start, start + page - 1, true);
        for (const j of jobs) {
          const from = (j?.data as { from?: unknown } | undefined)?.from;
          if (typeof from === 'number' && (lowest === null || from < lowest)) lowest = from;
        }
        if (jobs.length < page) break;
      }
    }
    return lowest;
  }

  private clearGap(): void {
    if (this.gapRaised) this.log.warn({ persistedSeq: this.persisted, gapMs: Date.now() - (this.gapSince ?? Date.now()) }, 'persistence gap healed');
    if (this.gapTimer !== null) clearTimeout(this.gapTimer);
    this.gapTimer = null;
    this.gapSince = null;
    this.gapRaised = false;
  }

  /**
   * Runs a write until it succeeds: a transient failure is retried for as long as it lasts, with
   * the wait growing to 5 s, logged at the first failure and every minute after. Stopping (SIGTERM)
   * ends the wait with an error: the job is then taken up again by the next db-writer.
   */
  private async untilStored<T>(write: () => Promise<T>, what: string): Promise<T> {
    const firstAt = Date.now();
    let lastLog = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await write();
        if (attempt > 1) this.log.warn({ what, attempts: attempt, failedForMs: Date.now() - firstAt }, 'PostgreSQL write went through after retries');
        return result;
      } catch (err) {
        if (isUnstorable(err) || this.stopping) throw err;
        writeRetries.inc();
        if (Date.now() - lastLog >= 60_000) {
          lastLog = Date.now();
          this.log.error({ what, attempt, failingForMs: Date.now() - firstAt, err: reasonOf(err) }, 'PostgreSQL write failed: retrying until it goes through');
        }
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** Math.min(attempt, 6)))); // milliseconds, not cents
      }
    }
  }

  /**
   * Tells the participants of a stored job's fills and of the orders the exchange cancelled:
   * stored, then pushed. Before the job is done, so a db-writer killed in between tells them when
   * the job is taken up again. Notifications are not the trades: a failure is logged, not retried.
   */
  private async notifyJob(job: PersistBatch): Promise<void> {
    if (job.trades.length === 0 && !job.events.some((e) => e.status === 'CANCELLED')) return;
    try {
      if (Date.now() - this.bots.at > 5_000) this.bots = { at: Date.now(), ids: new Set(await this.redis.smembers(names(this.config.KEY_PREFIX).keys.botIds)) };
      const stored = await storeNotifications(this.prisma, jobNotifications(job, this.bots.ids));
      await publishNotifications(this.redis, names(this.config.KEY_PREFIX), stored);
    } catch (err) {
      this.log.warn({ seq: job.seq, err: reasonOf(err) }, 'could not store or send the notifications of a job');
    }
  }

  private async sendPortfolios(): Promise<void> {
    this.portfolioTimer = null;
    const users = [...this.touched];
    this.touched.clear();
    const n = names(this.config.KEY_PREFIX);
    for (const userId of users) {
      try {
        const portfolio = await loadPortfolio(this.prisma, this.redis, n, userId, this.positions);
        await this.redis.publish(n.channels.portfolios, JSON.stringify({ type: 'portfolio', timestamp: Date.now(), ...portfolio }));
      } catch (err) {
        this.log.warn({ err: String(err), userId }, 'could not send a portfolio update');
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.started = false;
    if (this.portfolioTimer !== null) clearTimeout(this.portfolioTimer);
    if (this.gapTimer !== null) clearTimeout(this.gapTimer);
    await this.worker?.close();
    await this.queue?.close();
    await this.sending;
    await this.prisma.$disconnect();
    this.redis.disconnect();
  }
}

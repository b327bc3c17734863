import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Counter } from 'prom-client';
import { z } from 'zod';
import type { DbWriterConfig } from '../contracts/config';
import { names } from '../contracts/names';
import type { PersistJob } from '../engine/process/publisher';
import type { Logger } from '../runtime/logger';
import { createPrisma, type PrismaClient } from '../runtime/prisma';
import { connectRedis } from '../runtime/redis';
import { persistBatch } from './persist';
import type Redis from 'ioredis';
import { loadPortfolio, type PositionCache } from '../portfolio/load';

const rowsWritten = new Counter({ name: 'db_writer_rows_total', help: 'Rows written', labelNames: ['kind'] });
const jobsParked = new Counter({ name: 'db_writer_jobs_parked_total', help: 'Jobs given up on and parked in the failed set' });

const RAISE_TO = "local v = tonumber(redis.call('GET', KEYS[1]) or '0') if tonumber(ARGV[1]) > v then redis.call('SET', KEYS[1], ARGV[1]) end return 1";

/** Only the shape needed to write safely; anything else is a poison job. */
const jobShape = z.object({
  v: z.literal(1),
  orders: z.array(z.array(z.unknown()).length(9)),
  events: z.array(z.array(z.unknown()).length(7)),
  trades: z.array(z.array(z.unknown()).length(11)),
  symbols: z.array(z.array(z.unknown()).length(4)),
  credits: z.array(z.array(z.unknown()).length(6)),
  balances: z.array(z.tuple([z.string(), z.string(), z.number().int(), z.number().int()])),
  seq: z.number().int().nonnegative(),
});

/**
 * db-writer: one BullMQ worker on db_write_queue persisting engine batches to PostgreSQL.
 * Failed writes retry with exponential backoff (set by the engine when it adds the job); a job that
 * is malformed, or still failing after its attempts, is parked in the failed set with its reason.
 */
export class DbWriterService {
  private readonly prisma: PrismaClient;
  private worker: Worker | null = null;
  private readonly redis: Redis;
  /** participants whose fills were persisted since their portfolio was last sent */
  private readonly touched = new Set<string>();
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
  ready = false;

  constructor(
    private readonly config: DbWriterConfig,
    private readonly log: Logger,
  ) {
    this.prisma = createPrisma(config.DATABASE_URL);
    this.redis = connectRedis(config.REDIS_URL, log, 'db-writer-portfolios');
    this.positions = config.DB_WRITER_CONCURRENCY === 1 ? new Map() : undefined;
  }

  async start(): Promise<void> {
    await this.prisma.$queryRawUnsafe('SELECT 1');
    const n = names(this.config.KEY_PREFIX);
    this.worker = new Worker(n.dbWriteQueue, (job: Job) => this.process(job), {
      connection: connectRedis(this.config.REDIS_URL, this.log, 'db-writer-worker'),
      prefix: n.bullPrefix,
      concurrency: this.config.DB_WRITER_CONCURRENCY,
      // a db-writer that died mid-job leaves it locked: short locks (renewed while working) let the
      // restarted one take it over within seconds instead of BullMQ's default 30
      lockDuration: 5000,
      stalledInterval: 5000,
    });
    this.worker.on('failed', (job, err) => {
      const attempts = job?.opts.attempts ?? 1;
      const parked = err instanceof UnrecoverableError || (job !== undefined && job.attemptsMade >= attempts);
      if (parked) jobsParked.inc();
      this.log[parked ? 'error' : 'warn']({ jobId: job?.id, attemptsMade: job?.attemptsMade, attempts, err: err.message, parked }, parked ? 'job parked' : 'job failed, will retry');
    });
    this.worker.on('error', (err) => this.log.error({ err: err.message }, 'worker error'));
    await this.worker.waitUntilReady();
    this.ready = true;
  }

  private async process(job: Job): Promise<void> {
    const shape = jobShape.safeParse(job.data);
    if (!shape.success) throw new UnrecoverableError(`malformed job: ${shape.error.issues[0]?.message ?? 'invalid'}`);
    const data = job.data as PersistJob;
    const counts = await persistBatch(this.prisma, data);
    // a watermark for those who must wait for the database (the end-of-session snapshot)
    await this.redis.eval(RAISE_TO, 1, names(this.config.KEY_PREFIX).keys.persistedSeq, data.seq);
    // a new map rather than clear(): a refresh still reading puts its result into the old one
    if (job.attemptsMade > 0 && this.positions !== undefined) this.positions = new Map();
    for (const t of data.trades) this.touched.add(t[7]).add(t[8]);
    for (const c of data.credits) this.touched.add(c[1]);
    // portfolios go out at most twice a second per participant, however busy the batches
    if (this.touched.size > 0 && this.portfolioTimer === null) this.portfolioTimer = setTimeout(() => (this.sending = this.sending.then(() => this.sendPortfolios())), 500);
    rowsWritten.inc({ kind: 'orders' }, counts.orders);
    rowsWritten.inc({ kind: 'trades' }, counts.trades);
    rowsWritten.inc({ kind: 'balances' }, counts.balances);
    this.log.debug({ jobId: job.id, ...counts }, 'batch persisted');
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
    this.ready = false;
    if (this.portfolioTimer !== null) clearTimeout(this.portfolioTimer);
    await this.worker?.close();
    await this.sending;
    await this.prisma.$disconnect();
    this.redis.disconnect();
  }
}

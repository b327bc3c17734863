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

const rowsWritten = new Counter({ name: 'db_writer_rows_total', help: 'Rows written', labelNames: ['kind'] });
const jobsParked = new Counter({ name: 'db_writer_jobs_parked_total', help: 'Jobs given up on and parked in the failed set' });

/** Only the shape needed to write safely; anything else is a poison job. */
const jobShape = z.object({
  v: z.literal(1),
  orders: z.array(z.array(z.unknown()).length(9)),
  events: z.array(z.array(z.unknown()).length(7)),
  trades: z.array(z.array(z.unknown()).length(11)),
  symbols: z.array(z.array(z.unknown()).length(4)),
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
  ready = false;

  constructor(
    private readonly config: DbWriterConfig,
    private readonly log: Logger,
  ) {
    this.prisma = createPrisma(config.DATABASE_URL);
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
    const counts = await persistBatch(this.prisma, job.data as PersistJob);
    rowsWritten.inc({ kind: 'orders' }, counts.orders);
    rowsWritten.inc({ kind: 'trades' }, counts.trades);
    rowsWritten.inc({ kind: 'balances' }, counts.balances);
    this.log.debug({ jobId: job.id, ...counts }, 'batch persisted');
  }

  async stop(): Promise<void> {
    this.ready = false;
    await this.worker?.close();
    await this.prisma.$disconnect();
  }
}

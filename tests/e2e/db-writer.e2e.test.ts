import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { names } from '../../contracts/names';
import { waitFor } from '../harness/client';
import { REDIS_URL, Stack } from '../harness/stack';

/** Jobs db-writer cannot write are retried with backoff, then parked with their reason: never retried forever. */
describe('db-writer poison jobs', () => {
  let stack: Stack;
  let queue: Queue;
  let connection: Redis;

  beforeAll(async () => {
    stack = await Stack.start({}, ['db-writer']);
    const n = names(stack.prefix);
    connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(n.dbWriteQueue, { connection, prefix: n.bullPrefix });
  }, 60_000);
  afterAll(async () => {
    await queue?.close();
    connection?.disconnect();
    await stack?.stop();
  });

  test('when a job is malformed, then it is parked at once with the reason logged', async () => {
    const job = await queue.add('batch', { v: 1, orders: 'not a list' }, { attempts: 5 });
    await waitFor('the job to fail', async () => (await job.getState()) === 'failed');
    const failed = await queue.getJob(job.id!);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/malformed job/);
    await waitFor('the parking to be logged', () => stack.logs.get('db-writer')!.some((l) => l.includes('job parked') && l.includes(String(job.id))));
  });

  test('when a well-formed job keeps failing, then it is retried with backoff and parked after its attempts', async () => {
    // an event for an order the job does not describe: the write throws every time
    const job = await queue.add(
      'batch',
      { v: 1, orders: [], events: [[1, 'ghost', 'PENDING', 0, 0, null, Date.now()]], trades: [], symbols: [], credits: [], balances: [], seq: 1 },
      { attempts: 3, backoff: { type: 'exponential', delay: 100 } },
    );
    await waitFor('the job to be parked', async () => (await job.getState()) === 'failed', 20_000);
    const failed = await queue.getJob(job.id!);
    expect(failed?.attemptsMade).toBe(3);
    const lines = stack.logs.get('db-writer')!.filter((l) => l.includes(`"jobId":"${job.id}"`));
    expect(lines.filter((l) => l.includes('will retry'))).toHaveLength(2);
    expect(lines.filter((l) => l.includes('job parked'))).toHaveLength(1);
    const pg = stack.pg();
    await pg.connect();
    try {
      expect((await pg.query('SELECT count(*)::int AS n FROM order_events')).rows[0].n).toBe(0);
    } finally {
      await pg.end();
    }
  });
});

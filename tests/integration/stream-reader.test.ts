import { randomBytes } from 'crypto';
import Redis from 'ioredis';
import { StreamReader } from '../../runtime/resp/stream-reader';
import { REDIS_URL } from '../harness/stack';

/** The engine's stream reader against a real Redis, held to what ioredis reads from the same stream. */
describe('StreamReader on a real Redis', () => {
  const key = `test-reader-${randomBytes(4).toString('hex')}`;
  let redis: Redis;
  let reader: StreamReader;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect().catch((err: unknown) => {
      throw new Error(`Redis is required at ${REDIS_URL}: ${String(err)}`);
    });
    // enough entries, with multi-byte text, that a batch arrives in many chunks
    const pipe = redis.pipeline();
    for (let i = 0; i < 5000; i++) pipe.xadd(key, '*', 'c', JSON.stringify({ i, note: i % 7 === 0 ? 'Zürich €5 ✓' : 'x'.repeat(i % 300) }));
    await pipe.exec();
    await redis.xgroup('CREATE', key, 'ours', '0');
    await redis.xgroup('CREATE', key, 'theirs', '0');
    reader = new StreamReader(REDIS_URL, key);
  });

  afterAll(async () => {
    reader.close();
    await redis.del(key);
    redis.disconnect();
  });

  test('when the engine reads batches with its group, then it gets exactly what ioredis gets with another group', async () => {
    for (let batch = 0; batch < 3; batch++) {
      const ours = await reader.readGroup(key, 'ours', 'engine', 2000, 100);
      const theirs = (await redis.xreadgroup('GROUP', 'theirs', 'other', 'COUNT', 2000, 'BLOCK', 100, 'STREAMS', key, '>')) as [string, [string, string[]][]][];
      expect(ours.length).toBe(batch < 2 ? 2000 : 1000);
      expect(ours).toEqual(theirs[0][1].map(([id, fields]) => ({ id, fields })));
    }
  });

  test('when nothing is left, then a read waits for BLOCK and returns no entries', async () => {
    const started = Date.now();
    expect(await reader.readGroup(key, 'ours', 'engine', 2000, 200)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  test('when it replays, then XRANGE after an id returns what ioredis returns', async () => {
    const [[firstId]] = (await redis.xrange(key, '-', '+', 'COUNT', 1)) as [string, string[]][];
    const ours = await reader.range(key, `(${firstId}`, '+', 500);
    const theirs = (await redis.xrange(key, `(${firstId}`, '+', 'COUNT', 500)) as [string, string[]][];
    expect(ours).toEqual(theirs.map(([id, fields]) => ({ id, fields })));
    expect(ours).toHaveLength(500);
  });

  test('when Redis answers with an error, then the read fails with its message and the next one works', async () => {
    await expect(reader.readGroup(key, 'no-such-group', 'engine', 10, 10)).rejects.toThrow(/NOGROUP/);
    expect(await reader.range(key, '-', '+', 1)).toHaveLength(1);
  });

  test('when Redis refuses its password, then every read fails with the reason instead of reading unauthenticated', async () => {
    const wrong = new StreamReader(REDIS_URL.replace('redis://', 'redis://:not-the-password@'), `${key}-auth`);
    try {
      await expect(wrong.range(key, '-', '+', 1)).rejects.toThrow(/AUTH|password/i);
      await expect(wrong.range(key, '-', '+', 1)).rejects.toThrow(/AUTH|password/i);
    } finally {
      wrong.close();
    }
  });

  test('when its connection is killed, then the read in flight fails and the next one connects again', async () => {
    const inFlight = reader.readGroup(key, 'ours', 'engine', 10, 5000);
    await new Promise((r) => setTimeout(r, 100));
    const clients = (await redis.client('LIST')) as string;
    const blocked = clients.split('\n').find((line) => line.includes(`name=${key} `) && line.includes('cmd=xreadgroup'));
    expect(blocked).toBeDefined();
    const id = /id=(\d+)/.exec(blocked!)![1];
    await redis.client('KILL', 'ID', id);
    await expect(inFlight).rejects.toThrow(/closed|ECONNRESET/);
    await redis.xadd(key, '*', 'c', '{"after":"kill"}');
    const next = await reader.readGroup(key, 'ours', 'engine', 10, 1000);
    expect(next.map((e) => e.fields)).toEqual([['c', '{"after":"kill"}']]);
  });
});

import { randomUUID } from 'crypto';
import type Redis from 'ioredis';
import { ENTRY_FIELD, type StreamEntry } from '../contracts/commands';
import type { Names } from '../contracts/names';
import type { Reply } from '../contracts/wire';
import { COUNT_LUA, type RateWindow } from './rate-limit';

/**
 * Counts the request in its rate-limit window and, unless that is one too many, appends the
 * command: one round trip per order instead of two. Replies [count, stream id or nil].
 */
const ADMIT = `${COUNT_LUA}
if c > tonumber(ARGV[2]) then return {c, false} end
return {c, redis.call('XADD', KEYS[2], '*', ARGV[3], ARGV[4])}`;

type Admit = (rateKey: string, stream: string, keepMs: number, limit: number, field: string, entry: string) => Promise<[number, string | null]>;

export type Submittable = StreamEntry extends infer E ? (E extends StreamEntry ? Omit<E, 'requestId' | 'replyTo'> : never) : never;

/**
 * Appends commands to the input stream and waits, for a bounded time, for the engine's verdict,
 * which arrives on this api instance's own reply channel.
 */
export class EngineClient {
  readonly instanceId = randomUUID();
  private readonly pending = new Map<string, (reply: Reply | null) => void>();

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly n: Names,
  ) {}

  async start(): Promise<void> {
    this.redis.defineCommand('admitOrder', { numberOfKeys: 2, lua: ADMIT });
    const channel = this.n.channels.replies(this.instanceId);
    this.subscriber.on('message', (ch: string, message: string) => {
      if (ch !== channel) return;
      const reply = JSON.parse(message) as Reply;
      const resolve = this.pending.get(reply.requestId);
      if (resolve !== undefined) resolve(reply);
    });
    await this.subscriber.subscribe(channel);
  }

  /**
   * Counts the request in `window` and submits it if the limit allows: the count, and the verdict
   * (see submit) or `limited` when it was refused and nothing was appended.
   */
  async submitWithin(window: RateWindow, entry: Submittable, timeoutMs: number): Promise<{ count: number; limited: true } | { count: number; limited: false; reply: Reply | null }> {
    let count = 0;
    const outcome = await this.submitVia(
      async (text) => {
        const [c, id] = await (this.redis as unknown as { admitOrder: Admit }).admitOrder(window.key, this.n.inputStream, window.keepMs, window.limit, ENTRY_FIELD, text);
        count = c;
        return id;
      },
      entry,
      timeoutMs,
    );
    return outcome === null ? { count, limited: true } : { count, limited: false, reply: outcome.reply };
  }

  /** Resolves with the verdict, or null if none came within `timeoutMs` (the command is still in the stream and will be applied). */
  async submit(entry: Submittable, timeoutMs: number): Promise<{ streamId: string; reply: Reply | null }> {
    return (await this.submitVia(async (text) => (await this.redis.xadd(this.n.inputStream, '*', ENTRY_FIELD, text)) as string, entry, timeoutMs))!;
  }

  /** null when `append` declined to append the entry */
  private async submitVia(append: (text: string) => Promise<string | null>, entry: Submittable, timeoutMs: number): Promise<{ streamId: string; reply: Reply | null } | null> {
    const requestId = randomUUID();
    const verdict = new Promise<Reply | null>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        resolve(null);
      }, timeoutMs);
      this.pending.set(requestId, (reply) => {
        clearTimeout(timer);
        this.pending.delete(requestId);
        resolve(reply);
      });
    });
    let streamId: string | null;
    try {
      streamId = await append(JSON.stringify({ ...entry, requestId, replyTo: this.instanceId }));
    } catch (err) {
      this.pending.get(requestId)?.(null);
      throw err;
    }
    if (streamId === null) {
      this.pending.get(requestId)?.(null);
      return null;
    }
    return { streamId, reply: await verdict };
  }

  async stop(): Promise<void> {
    for (const resolve of [...this.pending.values()]) resolve(null);
    await this.subscriber.quit();
  }
}

import { randomUUID } from 'crypto';
import type Redis from 'ioredis';
import { ENTRY_FIELD, type StreamEntry } from '../contracts/commands';
import type { Names } from '../contracts/names';
import type { Reply } from '../contracts/wire';

type Submittable = StreamEntry extends infer E ? (E extends StreamEntry ? Omit<E, 'requestId' | 'replyTo'> : never) : never;

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
    const channel = this.n.channels.replies(this.instanceId);
    this.subscriber.on('message', (ch: string, message: string) => {
      if (ch !== channel) return;
      const reply = JSON.parse(message) as Reply;
      const resolve = this.pending.get(reply.requestId);
      if (resolve !== undefined) resolve(reply);
    });
    await this.subscriber.subscribe(channel);
  }

  /** Resolves with the verdict, or null if none came within `timeoutMs` (the command is still in the stream and will be applied). */
  async submit(entry: Submittable, timeoutMs: number): Promise<{ streamId: string; reply: Reply | null }> {
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
    let streamId: string;
    try {
      streamId = (await this.redis.xadd(this.n.inputStream, '*', ENTRY_FIELD, JSON.stringify({ ...entry, requestId, replyTo: this.instanceId }))) as string;
    } catch (err) {
      this.pending.get(requestId)?.(null);
      throw err;
    }
    return { streamId, reply: await verdict };
  }

  async stop(): Promise<void> {
    for (const resolve of [...this.pending.values()]) resolve(null);
    await this.subscriber.quit();
  }
}

import { RespBatch } from './batch';
import { RespConnection, type RespConnectionOptions } from './connection';
import { decodeRange, decodeReadGroup, type StreamRecord } from './replies';

export type { StreamRecord };

/**
 * Reads the input stream for the engine, on a connection of its own: blocking XREAD and
 * XREADGROUP, and XRANGE, decoded straight from the reply's bytes. One request at a time (a
 * blocking read holds the connection); a lost connection fails the request in flight and the next
 * one connects again (RespConnection's policy).
 */
export class StreamReader {
  private readonly connection: RespConnection;
  private busy = false;

  /** `name` is what CLIENT LIST shows for its connection */
  constructor(url: string, name: string, options: RespConnectionOptions = {}) {
    this.connection = new RespConnection(url, { ...options, name });
  }

  readGroup(stream: string, group: string, consumer: string, count: number, blockMs: number): Promise<StreamRecord[]> {
    return this.request(['XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', stream, '>'], decodeReadGroup);
  }

  /** Blocking XREAD of what follows `afterId`: whoever else reads the stream takes nothing from this reader. */
  read(stream: string, afterId: string, count: number, blockMs: number): Promise<StreamRecord[]> {
    return this.request(['XREAD', 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', stream, afterId], decodeReadGroup);
  }

  range(stream: string, start: string, end: string, count: number): Promise<StreamRecord[]> {
    return this.request(['XRANGE', stream, start, end, 'COUNT', count], decodeRange);
  }

  close(): void {
    this.connection.close();
  }

  private async request<T>(args: (string | number)[], decode: (reply: Buffer) => T): Promise<T> {
    if (this.busy) throw new Error('one request at a time');
    this.busy = true;
    try {
      const [result] = await this.connection.send(new RespBatch().cmd(...args), decode);
      return result;
    } finally {
      this.busy = false;
    }
  }
}

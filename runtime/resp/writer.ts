import type { RespBatch } from './batch';
import { RespConnection, type RespConnectionOptions } from './connection';
import { errorOf } from './replies';

/**
 * A write-mostly connection: sends a whole batch of commands as one buffer and only looks at the
 * replies for errors. Replies arrive in order, so a batch has landed once its count of replies is in.
 */
export class RespWriter {
  private readonly connection: RespConnection;

  constructor(url: string, options: RespConnectionOptions = {}) {
    this.connection = new RespConnection(url, options);
  }

  connected(): Promise<void> {
    return this.connection.connect();
  }

  /** Sends the batch; resolves with the error replies (usually none) once every reply is in. */
  async send(batch: RespBatch): Promise<string[]> {
    const replies = await this.connection.send(batch, errorOf);
    return replies.filter((e): e is string => e !== null);
  }

  close(): void {
    this.connection.close();
  }
}

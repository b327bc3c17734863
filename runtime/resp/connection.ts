import net from 'net';
import tls from 'tls';
import { RespBatch } from './batch';
import { errorOf, ReplyAssembler } from './replies';

export interface RespConnectionOptions {
  /** what CLIENT LIST shows for the connection */
  name?: string;
  /** for `rediss://`: more TLS options (a private CA, say); by default Node's trusted CAs and the URL's host */
  tls?: tls.ConnectionOptions;
}

interface Waiter {
  remaining: number;
  results: unknown[];
  /** the first reply the request could not read: it fails once all its replies are in */
  failure: Error | null;
  /** reads a reply where it lies, before the next chunk can overwrite it */
  handle: (reply: Buffer) => unknown;
  resolve: (results: unknown[]) => void;
  reject: (err: Error) => void;
}

/**
 * One Redis connection for the engine's own RESP traffic (its batch writer and its stream
 * reader), with one policy: it connects when first used, over TLS for `rediss://`, and sends the
 * URL's AUTH and SELECT (and CLIENT SETNAME) before anything else; replies come back in order, each
 * handed to the request it answers; a lost connection fails the requests in flight (their outcome
 * is unknown: the caller decides) and the next request connects again.
 */
export class RespConnection {
  private readonly url: URL;
  private socket: net.Socket | null = null;
  private connecting: Promise<net.Socket> | null = null;
  private readonly waiters: Waiter[] = [];
  private readonly assembler = new ReplyAssembler();
  private closed = false;

  constructor(
    url: string,
    private readonly options: RespConnectionOptions = {},
  ) {
    this.url = new URL(url);
    if (this.url.protocol !== 'redis:' && this.url.protocol !== 'rediss:') throw new Error(`a Redis URL is redis:// or rediss://, not ${this.url.protocol}//`);
  }

  /** Connects now (else the first request does); rejects if Redis cannot be reached or refuses the credentials. */
  async connect(): Promise<void> {
    await this.ready();
  }

  /**
   * Sends the batch and resolves with what `handle` made of each of its replies, in order. Batches
   * sent one after another are written in that order (a send on a live connection writes at once).
   */
  send<T>(batch: RespBatch, handle: (reply: Buffer) => T): Promise<T[]> {
    if (this.closed) return Promise.reject(new Error('redis connection closed'));
    if (batch.count === 0) return Promise.resolve([]);
    if (this.socket !== null) return this.write(this.socket, batch, handle);
    return this.ready().then((socket) => this.write(socket, batch, handle));
  }

  close(): void {
    this.closed = true;
    this.socket?.end();
    this.socket = null;
    this.fail(new Error('redis connection closed'));
  }

  private ready(): Promise<net.Socket> {
    if (this.socket !== null) return Promise.resolve(this.socket);
    return (this.connecting ??= this.open().finally(() => (this.connecting = null)));
  }

  private write<T>(socket: net.Socket, batch: RespBatch, handle: (reply: Buffer) => T): Promise<T[]> {
    return new Promise<T[]>((resolve, reject) => {
      this.waiters.push({ remaining: batch.count, results: [], failure: null, handle, resolve: resolve as (r: unknown[]) => void, reject });
      socket.write(batch.bytes());
    });
  }

  private async open(): Promise<net.Socket> {
    const u = this.url;
    const host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
    const port = Number(u.port || 6379);
    const secure = u.protocol === 'rediss:';
    const socket = secure ? tls.connect({ host, port, servername: net.isIP(host) === 0 ? host : undefined, ...this.options.tls }) : net.connect({ host, port });
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once(secure ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const lost = (err: Error) => {
      if (this.socket === socket) this.socket = null;
      this.fail(err);
    };
    socket.on('error', lost);
    socket.on('close', () => lost(new Error('redis connection closed')));
    const setup = connectionSetup(u, this.options.name);
    try {
      const refused = setup.count === 0 ? undefined : (await this.write(socket, setup, errorOf)).find((e) => e !== null);
      if (refused !== undefined && refused !== null) throw new Error(refused);
    } catch (err) {
      // never left connected without its password or database
      socket.destroy();
      throw err;
    }
    if (this.closed) {
      socket.destroy();
      throw new Error('redis connection closed');
    }
    this.socket = socket;
    return socket;
  }

  private onData(chunk: Buffer): void {
    this.assembler.push(chunk);
    for (let reply = this.assembler.next(); reply !== null; reply = this.assembler.next()) {
      const w = this.waiters[0];
      if (w === undefined) continue;
      if (w.failure === null) {
        try {
          w.results.push(w.handle(reply));
        } catch (err) {
          // a reply the request could not read fails that request only, once its replies are all in
          w.failure = err as Error;
        }
      }
      if (--w.remaining === 0) {
        this.waiters.shift();
        if (w.failure !== null) w.reject(w.failure);
        else w.resolve(w.results);
      }
    }
  }

  private fail(err: Error): void {
    this.assembler.reset();
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
}

/** What a new connection to `u` sends first: AUTH with its credentials, SELECT of its database, its name. */
export function connectionSetup(u: URL, name?: string): RespBatch {
  const setup = new RespBatch();
  if (u.password) setup.cmd('AUTH', ...(u.username ? [decodeURIComponent(u.username)] : []), decodeURIComponent(u.password));
  const db = Number(u.pathname.slice(1) || 0);
  if (db > 0) setup.cmd('SELECT', db);
  if (name !== undefined) setup.cmd('CLIENT', 'SETNAME', name);
  return setup;
}

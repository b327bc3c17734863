import net from 'net';

/**
 * A write-mostly Redis connection that sends a whole batch of commands as one RESP buffer and
 * only counts the replies. The engine's outputs are hundreds of thousands of PUBLISH and SET
 * commands a second; a general client spends more time wrapping each one than Redis spends
 * running it. Replies arrive in order, so a batch has landed once its count of replies is in.
 */
const ASCII = /^[\x00-\x7f]*$/;
const byteLength = (v: string) => (ASCII.test(v) ? v.length : Buffer.byteLength(v));
const bulk = (v: string) => `$${byteLength(v)}\r\n${v}\r\n`;
/** the fixed start of `PUBLISH <channel> …`, per channel */
const publishPrefixes = new Map<string, string>();

export class RespBatch {
  // one growing string: V8 keeps it as a rope and the socket write flattens it once
  private out = '';
  count = 0;

  /** Queues one command; arguments are sent as bulk strings. */
  cmd(...args: (string | number)[]): this {
    let s = `*${args.length}\r\n`;
    for (const a of args) s += bulk(typeof a === 'string' ? a : String(a));
    this.out += s;
    this.count++;
    return this;
  }

  /** PUBLISH, the command a batch is mostly made of, without building an argument list. */
  publish(channel: string, message: string): this {
    let prefix = publishPrefixes.get(channel);
    if (prefix === undefined) {
      prefix = `*3\r\n$7\r\nPUBLISH\r\n${bulk(channel)}`;
      publishPrefixes.set(channel, prefix);
    }
    this.out += prefix + bulk(message);
    this.count++;
    return this;
  }

  text(): string {
    return this.out;
  }
}

interface Waiter {
  remaining: number;
  errors: string[];
  resolve: (errors: string[]) => void;
  reject: (err: Error) => void;
}

export class RespWriter {
  private readonly socket: net.Socket;
  private readonly waiters: Waiter[] = [];
  private carry: Buffer = Buffer.alloc(0);
  private failure: Error | null = null;
  private readonly ready: Promise<void>;

  constructor(url: string) {
    const u = new URL(url);
    this.socket = net.connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (err: Error) => {
      this.failure = err;
      for (const w of this.waiters.splice(0)) w.reject(err);
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('redis connection closed')));
    const setup = new RespBatch();
    if (u.password) setup.cmd('AUTH', ...(u.username ? [decodeURIComponent(u.username)] : []), decodeURIComponent(u.password));
    const db = Number(u.pathname.slice(1) || 0);
    if (db > 0) setup.cmd('SELECT', db);
    this.ready = new Promise<void>((resolve, reject) => {
      this.socket.once('connect', () => {
        if (setup.count === 0) return resolve();
        this.send(setup).then((errors) => (errors.length > 0 ? reject(new Error(errors[0])) : resolve()), reject);
      });
      this.socket.once('error', reject);
    });
  }

  connected(): Promise<void> {
    return this.ready;
  }

  /** Sends the batch; resolves with the error replies (usually none) once every reply is in. */
  send(batch: RespBatch): Promise<string[]> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (batch.count === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.waiters.push({ remaining: batch.count, errors: [], resolve, reject });
      this.socket.write(batch.text());
    });
  }

  close(): void {
    this.failure = new Error('closed');
    this.socket.end();
  }

  private onData(chunk: Buffer): void {
    let buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      const end = skipReply(buf, pos);
      if (end < 0) break;
      if (buf[pos] === 0x2d /* - */) this.waiters[0]?.errors.push(buf.toString('utf8', pos + 1, end - 2));
      pos = end;
      const w = this.waiters[0];
      if (w !== undefined && --w.remaining === 0) {
        this.waiters.shift();
        w.resolve(w.errors);
      }
    }
    buf = buf.subarray(pos);
    this.carry = buf.length > 0 ? Buffer.from(buf) : Buffer.alloc(0);
  }
}

/** The offset just past the complete reply starting at `pos`, or -1 if it is not all here yet. */
function skipReply(buf: Buffer, pos: number): number {
  if (pos >= buf.length) return -1;
  const lineEnd = buf.indexOf('\r\n', pos);
  if (lineEnd < 0) return -1;
  const type = buf[pos];
  if (type === 0x24 /* $ */) {
    const len = Number(buf.toString('latin1', pos + 1, lineEnd));
    if (len < 0) return lineEnd + 2;
    const end = lineEnd + 2 + len + 2;
    return end <= buf.length ? end : -1;
  }
  if (type === 0x2a /* * */) {
    const n = Number(buf.toString('latin1', pos + 1, lineEnd));
    let p = lineEnd + 2;
    for (let i = 0; i < n; i++) {
      p = skipReply(buf, p);
      if (p < 0) return -1;
    }
    return p;
  }
  return lineEnd + 2;
}

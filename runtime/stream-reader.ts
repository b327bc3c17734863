import net from 'net';
import { connectionSetup, RespBatch } from './resp-writer';

/** a record of a Redis stream as read: its id and its field-value pairs (what it holds is contracts/commands StreamEntry) */
export interface StreamRecord {
  id: string;
  fields: string[];
}

const CR = 0x0d;

/**
 * Collects the bytes of one RESP reply, however many chunks it arrives in, and says when it is
 * complete. It keeps its place between chunks (a batch of 2,000 entries comes in dozens of them),
 * so every byte is scanned once.
 */
export class ReplyAssembler {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private len = 0;
  private scan = 0;
  /** elements still to come in each array that is open, outermost first */
  private open: number[] = [];
  private complete = false;

  /** Adds a chunk; true once the reply is all here. */
  push(chunk: Buffer): boolean {
    if (this.len + chunk.length > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.len + chunk.length));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    chunk.copy(this.buf, this.len);
    this.len += chunk.length;
    return this.advance();
  }

  /** The complete reply's bytes, valid until the next push; the assembler starts over. */
  take(): Buffer {
    const reply = this.buf.subarray(0, this.scan);
    this.reset();
    return reply;
  }

  /** Drops whatever part of a reply it holds (the connection it came on is gone). */
  reset(): void {
    this.len = 0;
    this.scan = 0;
    this.open = [];
    this.complete = false;
  }

  private advance(): boolean {
    const buf = this.buf;
    while (!this.complete) {
      const pos = this.scan;
      const lineEnd = lineEndIn(buf, pos, this.len);
      if (lineEnd < 0) return false;
      const type = buf[pos];
      let next = lineEnd + 2;
      let opened = false;
      if (type === 0x24 /* $ */) {
        const n = intAt(buf, pos + 1, lineEnd);
        if (n >= 0) {
          next = lineEnd + 2 + n + 2;
          if (next > this.len) return false;
        }
      } else if (type === 0x2a /* * */) {
        const n = intAt(buf, pos + 1, lineEnd);
        if (n > 0) {
          this.open.push(n);
          opened = true;
        }
      }
      this.scan = next;
      if (opened) continue;
      // one element is done: it may finish the arrays around it
      for (;;) {
        if (this.open.length === 0) {
          this.complete = true;
          break;
        }
        const top = this.open.length - 1;
        if (--this.open[top] > 0) break;
        this.open.pop();
      }
    }
    return true;
  }
}

function lineEndIn(buf: Buffer, from: number, end: number): number {
  for (let i = from; i + 1 < end; i++) if (buf[i] === CR && buf[i + 1] === 0x0a) return i;
  return -1;
}

function intAt(buf: Buffer, from: number, to: number): number {
  let negative = false;
  let i = from;
  if (buf[i] === 0x2d /* - */) {
    negative = true;
    i++;
  }
  let n = 0;
  for (; i < to; i++) n = n * 10 + (buf[i] - 0x30);
  return negative ? -n : n;
}

/** A cursor over one complete reply. */
class Cursor {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  /** the type byte and the number of a `*n` or `$n` header */
  private line(): [type: number, n: number] {
    const type = this.buf[this.pos];
    const lineEnd = lineEndIn(this.buf, this.pos, this.buf.length);
    const n = intAt(this.buf, this.pos + 1, lineEnd);
    this.pos = lineEnd + 2;
    return [type, n];
  }

  /** an array's length, -1 for a nil array; throws the reply's error */
  array(): number {
    if (this.buf[this.pos] === 0x2d /* - */) throw new Error(this.buf.toString('utf8', this.pos + 1, this.buf.indexOf(CR, this.pos)));
    const [type, n] = this.line();
    if (type !== 0x2a) throw new Error(`expected an array in the reply, got ${String.fromCharCode(type)}`);
    return n;
  }

  bulk(): string {
    const [type, n] = this.line();
    if (type !== 0x24 || n < 0) throw new Error('expected a bulk string in the reply');
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n + 2;
    return s;
  }
}

/** XRANGE's reply, or the entries of one stream in XREADGROUP's */
function entries(c: Cursor): StreamRecord[] {
  const n = c.array();
  const out: StreamRecord[] = new Array(Math.max(0, n));
  for (let i = 0; i < n; i++) {
    c.array();
    const id = c.bulk();
    const f = c.array();
    const fields: string[] = new Array(Math.max(0, f));
    for (let j = 0; j < f; j++) fields[j] = c.bulk();
    out[i] = { id, fields };
  }
  return out;
}

export function decodeRange(reply: Buffer): StreamRecord[] {
  return entries(new Cursor(reply));
}

/** XREADGROUP's (or XREAD's) reply for one stream: nil (nothing came within BLOCK) is no entries */
export function decodeReadGroup(reply: Buffer): StreamRecord[] {
  const c = new Cursor(reply);
  const streams = c.array();
  if (streams <= 0) return [];
  c.array();
  c.bulk();
  return entries(c);
}

function checkOk(reply: Buffer): void {
  if (reply[0] === 0x2d) throw new Error(reply.toString('utf8', 1, reply.length - 2));
}

interface Waiter {
  /** decodes the reply where it lies, before the next chunk can overwrite it */
  decode: (reply: Buffer) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/**
 * Reads the input stream for the engine, on a connection of its own: blocking XREADGROUP and
 * XRANGE, decoded straight from the reply's bytes (ioredis' general decoder took a tenth of the
 * engine's time). One request at a time; a lost connection fails the request in flight and the
 * next one connects again.
 */
export class StreamReader {
  private socket: net.Socket | null = null;
  private connecting: Promise<void> | null = null;
  private readonly assembler = new ReplyAssembler();
  private waiter: Waiter | null = null;
  private closed = false;

  /** `name` is what CLIENT LIST shows for its connection */
  constructor(
    private readonly url: string,
    private readonly name: string,
  ) {}

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
    this.closed = true;
    this.socket?.destroy();
    this.socket = null;
  }

  private async request<T>(args: (string | number)[], decode: (reply: Buffer) => T): Promise<T> {
    if (this.closed) throw new Error('stream reader closed');
    if (this.waiter !== null) throw new Error('one request at a time');
    if (this.socket === null) await (this.connecting ??= this.connect().finally(() => (this.connecting = null)));
    return this.send(new RespBatch().cmd(...args), decode);
  }

  private send<T>(batch: RespBatch, decode: (reply: Buffer) => T): Promise<T> {
    const socket = this.socket;
    if (socket === null) return Promise.reject(new Error('redis connection lost'));
    return new Promise<T>((resolve, reject) => {
      this.waiter = { decode, resolve: resolve as (value: unknown) => void, reject };
      socket.write(batch.bytes());
    });
  }

  private async connect(): Promise<void> {
    const u = new URL(this.url);
    const socket = net.connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) });
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.waiter === null || !this.assembler.push(chunk)) return;
      const w = this.waiter;
      this.waiter = null;
      try {
        w.resolve(w.decode(this.assembler.take()));
      } catch (err) {
        w.reject(err as Error);
      }
    });
    const lost = (err: Error) => {
      if (this.socket === socket) this.socket = null;
      this.assembler.reset();
      const w = this.waiter;
      this.waiter = null;
      w?.reject(err);
    };
    socket.on('error', lost);
    socket.on('close', () => lost(new Error('redis connection closed')));
    this.socket = socket;
    try {
      for (const args of [...connectionSetup(u), ['CLIENT', 'SETNAME', this.name]]) await this.send(new RespBatch().cmd(...args), checkOk);
    } catch (err) {
      // never left connected without its password or database
      socket.destroy();
      if (this.socket === socket) this.socket = null;
      throw err;
    }
  }
}

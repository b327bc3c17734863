/**
 * Redis's replies, read where they lie: the one scanner (ReplyAssembler) every RESP connection
 * here uses, and decoders of the replies the engine reads, straight from the reply's bytes
 * (ioredis' general decoder took a tenth of the engine's time).
 */

/** a record of a Redis stream as read: its id and its field-value pairs (what it holds is contracts/commands StreamEntry) */
export interface StreamRecord {
  id: string;
  fields: string[];
}

const CR = 0x0d;

/**
 * The one RESP reply scanner. It collects the bytes of replies, however many chunks they arrive
 * in and however many follow each other (a pipelined batch's), and hands out each reply once it
 * is complete. It keeps its place between chunks (a batch of 2,000 stream entries comes in dozens
 * of them), so every byte is scanned once.
 */
export class ReplyAssembler {
  private buf = Buffer.allocUnsafe(64 * 1024);
  /** where the reply being scanned begins */
  private start = 0;
  private len = 0;
  private scan = 0;
  /** elements still to come in each array that is open, outermost first */
  private open: number[] = [];

  /** Adds a chunk; then take each complete reply with next(). */
  push(chunk: Buffer): void {
    if (this.len + chunk.length > this.buf.length && this.start > 0) {
      // what was handed out is done with: keep only the reply in progress
      this.buf.copy(this.buf, 0, this.start, this.len);
      this.len -= this.start;
      this.scan -= this.start;
      this.start = 0;
    }
    if (this.len + chunk.length > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.len + chunk.length));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    chunk.copy(this.buf, this.len);
    this.len += chunk.length;
  }

  /** The next complete reply, or null until more comes; valid until the next push. */
  next(): Buffer | null {
    if (!this.advance()) return null;
    const reply = this.buf.subarray(this.start, this.scan);
    this.start = this.scan;
    if (this.start === this.len) this.start = this.len = this.scan = 0;
    return reply;
  }

  /** Drops whatever it holds (the connection it came on is gone). */
  reset(): void {
    this.start = this.len = this.scan = 0;
    this.open = [];
  }

  /** Scans on; true once the reply that begins at `start` is all here (it ends at `scan`). */
  private advance(): boolean {
    const buf = this.buf;
    if (this.scan >= this.len) return false;
    for (;;) {
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
        if (this.open.length === 0) return true;
        const top = this.open.length - 1;
        if (--this.open[top] > 0) break;
        this.open.pop();
      }
      if (this.scan >= this.len) return false;
    }
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

/** An error reply's text (`-ERR …`), or null for any other reply. */
export function errorOf(reply: Buffer): string | null {
  return reply[0] === 0x2d /* - */ ? reply.toString('utf8', 1, reply.length - 2) : null;
}

/**
 * A whole batch of Redis commands encoded as one RESP buffer. The engine's outputs are hundreds of
 * thousands of PUBLISH and SET commands a second; a general client spends more time wrapping each
 * one than Redis spends running it. RespConnection (./connection.ts) sends it.
 */
const CRLF = 0x0d0a;
/** the fixed start of `PUBLISH <channel> …`, per channel, as bytes */
const publishPrefixes = new Map<string, Buffer>();
/** the same as arguments of a fenced batch: `3 PUBLISH <channel>` */
const flatPublishPrefixes = new Map<string, Buffer>();
/**
 * The buffer batches are encoded into, one batch at a time, and copied out of at the end: a fresh
 * 64 KB buffer per batch cost the engine a twelfth of its time at moderate load (allocation and
 * the garbage collections external memory brings on), while the copy is a few kilobytes.
 */
let scratch = Buffer.allocUnsafe(64 * 1024);
let scratchTaken = false;
const EMPTY = Buffer.alloc(0);

/**
 * Runs a batch's commands only while the engine still holds its lease (KEYS[1] holds its fencing
 * token, ARGV[1]); ARGV[2..] are the commands, each its argument count and then its arguments.
 * Atomic: a paused engine whose lease passed to another writes nothing, not even half a batch.
 */
export const FENCED_SCRIPT = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('FENCED the engine lease is held by another engine') end
local i, n = 2, #ARGV
while i <= n do
  local argc = tonumber(ARGV[i])
  redis.call(unpack(ARGV, i + 1, i + argc))
  i = i + argc + 1
end
return 'OK'`;
/** the start of a fenced batch (EVAL, the script, the lease key and token) for the current lease */
let fenceCache: { id: string; bytes: Buffer } | null = null;
/** the most arguments one fenced command may have (Lua's unpack limit, with room to spare) */
export const MAX_FENCED_ARGS = 7000;

const digitsOf = (n: number) => (n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10_000 ? 4 : n < 100_000 ? 5 : n < 1_000_000 ? 6 : String(n).length);

/**
 * Commands encoded straight into one Buffer. Each string is encoded once, where it ends up: its
 * header is written for its length in characters, which is its length in bytes unless it holds
 * non-ASCII text, and only then is the header corrected (and the text moved if the byte count has
 * more digits). No per-string byte counting, no intermediate strings to collect.
 */
export class RespBatch {
  private buf: Buffer = EMPTY;
  private ownsScratch = false;
  private pos = 0;
  /** replies the batch will get */
  count = 0;
  /** a fenced batch's commands, as arguments of one script */
  private flatArgs = 0;
  private fence: Buffer | null = null;

  /**
   * A batch that Redis runs only while `token` is still the value of `leaseKey`: its commands
   * travel as the arguments of one script (FENCED_SCRIPT) that checks the lease first and then runs
   * them all, atomically, or refuses with a FENCED error and runs none. One reply for the batch.
   */
  static fenced(leaseKey: string, token: string): RespBatch {
    const b = new RespBatch();
    // the same for every batch of one lease: encoded once, not per batch
    const id = `${leaseKey}\u0000${token}`;
    if (fenceCache?.id !== id) {
      const head = new RespBatch();
      head.bulk('EVAL');
      head.bulk(FENCED_SCRIPT);
      head.bulk('1');
      head.bulk(leaseKey);
      head.bulk(token);
      fenceCache = { id, bytes: Buffer.from(head.bytes()) };
    }
    b.fence = fenceCache.bytes;
    return b;
  }

  /** Queues one command; arguments are sent as bulk strings. */
  cmd(...args: (string | number)[]): this {
    if (this.fence !== null) {
      // Lua's unpack takes at most about 8,000 values: a caller sends more as several commands
      if (args.length > MAX_FENCED_ARGS) throw new Error(`a fenced command takes at most ${MAX_FENCED_ARGS} arguments, not ${args.length}`);
      this.bulk(String(args.length));
      this.flatArgs += 1 + args.length;
      this.count = 1;
    } else {
      this.header(0x2a /* * */, args.length);
      this.count++;
    }
    for (const a of args) this.bulk(typeof a === 'string' ? a : String(a));
    return this;
  }

  /** PUBLISH, the command a batch is mostly made of, without building an argument list. */
  publish(channel: string, message: string): this {
    const flat = this.fence !== null;
    const prefixes = flat ? flatPublishPrefixes : publishPrefixes;
    let prefix = prefixes.get(channel);
    if (prefix === undefined) {
      const tail = `$7\r\nPUBLISH\r\n$${Buffer.byteLength(channel)}\r\n${channel}\r\n`;
      prefix = Buffer.from(flat ? `$1\r\n3\r\n${tail}` : `*3\r\n${tail}`);
      prefixes.set(channel, prefix);
    }
    if (flat) {
      this.flatArgs += 4;
      this.count = 1;
      this.reserve(prefix.length);
      prefix.copy(this.buf, this.pos);
      this.pos += prefix.length;
      this.bulk(message);
      return this;
    }
    this.reserve(prefix.length);
    prefix.copy(this.buf, this.pos);
    this.pos += prefix.length;
    this.bulk(message);
    this.count++;
    return this;
  }

  bytes(): Buffer {
    if (this.fence !== null && this.flatArgs > 0) {
      // EVAL <script> 1 <lease> <token> and then the commands' arguments
      const head = new RespBatch();
      head.header(0x2a /* * */, 5 + this.flatArgs);
      const headBytes = head.bytes();
      const whole = Buffer.allocUnsafe(headBytes.length + this.fence.length + this.pos);
      headBytes.copy(whole, 0);
      this.fence.copy(whole, headBytes.length);
      this.buf.copy(whole, headBytes.length + this.fence.length, 0, this.pos);
      this.release();
      this.fence = null;
      this.buf = whole;
      this.pos = whole.length;
      return whole;
    }
    if (this.ownsScratch) {
      // the socket may hold on to what it is given; the scratch is needed again for the next batch
      const own = Buffer.allocUnsafe(this.pos);
      this.buf.copy(own, 0, 0, this.pos);
      this.buf = own;
      this.release();
    }
    return this.buf.subarray(0, this.pos);
  }

  private release(): void {
    if (!this.ownsScratch) return;
    this.ownsScratch = false;
    scratchTaken = false;
  }

  private bulk(v: string): void {
    const chars = v.length;
    // UTF-8 takes at most 3 bytes per UTF-16 unit
    this.reserve(3 * chars + 16);
    const digits = digitsOf(chars);
    const at = this.pos;
    const textAt = at + 1 + digits + 2;
    const bytes = this.buf.write(v, textAt, 'utf8');
    let end = textAt + bytes;
    if (bytes !== chars && digitsOf(bytes) !== digits) {
      const shift = digitsOf(bytes) - digits;
      this.buf.copyWithin(textAt + shift, textAt, end);
      end += shift;
    }
    this.pos = at;
    this.header(0x24 /* $ */, bytes);
    this.pos = end;
    this.buf.writeUInt16BE(CRLF, this.pos);
    this.pos += 2;
  }

  /** `*n\r\n` or `$n\r\n` at the current position. */
  private header(type: number, n: number): void {
    this.reserve(16);
    const buf = this.buf;
    buf[this.pos++] = type;
    const digits = digitsOf(n);
    for (let i = digits - 1, m = n; i >= 0; i--, m = Math.floor(m / 10)) buf[this.pos + i] = 0x30 + (m % 10);
    this.pos += digits;
    buf.writeUInt16BE(CRLF, this.pos);
    this.pos += 2;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.buf === EMPTY && !scratchTaken) {
      // taken at the first write, so a batch that stays empty never holds it
      scratchTaken = true;
      this.ownsScratch = true;
      this.buf = scratch;
      if (n <= this.buf.length) return;
    }
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.pos + n, 4096));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
    // a batch that outgrew the scratch leaves a bigger one behind
    if (this.ownsScratch) scratch = bigger;
  }
}

import type { Server, Socket } from 'socket.io';
import { WebSocket } from 'ws';

/**
 * Market data to a symbol's room, without parsing it: the engine publishes each symbol's market
 * data on a channel of its own (the channel names the room), every message's text begins with its
 * type (the event's name), and the update id is read from the text's head. Each message is made
 * into a Socket.IO packet and a websocket frame once and written to every socket of the room.
 *
 * Slow consumers are bounded as market-data feeds do it: a socket whose send buffer is past
 * `limitBytes` is skipped, and its market data for that symbol is conflated. Once it has drained it
 * is told so (`conflated`, with the update id it restarts from), gets the symbol's latest book (the
 * engine's paced `orderbook`) and the depth since, and goes on: the latest state, not the backlog.
 * Private messages never go through here: they are written as they come, and a conflated socket's
 * buffer, being bounded, never holds them back for long.
 */
type AnySocket = Socket;
const HEAD = 96;
const MAX_SINCE = 2_000;
/**
 * Milliseconds of writing per turn of the event loop: a message for a room of thousands is written
 * in slices with the loop let go between them, so handshakes, private messages and acknowledgements
 * get their turn instead of waiting for the whole room (they go ahead of the rest of the slices).
 */
const SLICE_MS = 8;
/** sockets written between two looks at the clock */
const CHUNK = 64;
/**
 * A message that has waited this long while a newer one of its symbol is queued is not written to
 * the sockets it has not reached: they are conflated instead (the newer one resyncs them), so that
 * a server that falls behind sends the latest book, not an ever older backlog.
 */
const MAX_QUEUED_MS = 500;
const U = /"u":(\d+)/;

/** a message waiting to be written to its room, with the resync state as it stood when it came */
interface Queued {
  symbol: string;
  event: string;
  members: string[];
  next: number;
  queuedAt: number;
  encoded: { packet: string; opts: Record<string, unknown> };
  book: string | null;
  bookU: number;
  /** the symbol's depth since that book up to and including this message: a prefix of an array only ever appended to */
  since: string[];
  sinceLen: number;
}

interface SymbolState {
  /** the latest paced book, as the engine wrote it, and its update id */
  book: string | null;
  bookU: number;
  /** depth messages after that book, for a resync */
  since: string[];
}

/** a packet encoded once: Socket.IO's text and, when ws can, the websocket frame around it */
function encode(event: string, text: string): { packet: string; opts: Record<string, unknown> } {
  const packet = `2["${event}",${text}]`;
  const sender = (WebSocket as unknown as { Sender?: { frame?: (data: Buffer, o: object) => Buffer[] } }).Sender;
  const opts: Record<string, unknown> = { preEncoded: true };
  if (typeof sender?.frame === 'function') opts.wsPreEncodedFrame = sender.frame(Buffer.from('4' + packet), { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true });
  return { packet, opts };
}

export class MarketFanout {
  private readonly symbols = new Map<string, SymbolState>();
  /** per socket, the symbols whose market data it is behind on */
  private readonly behind = new WeakMap<AnySocket, Set<string>>();
  /** sockets conflated so far, for the metric and the tests */
  conflations = 0;
  /** messages (and how far into their room) still to be written, in arrival order */
  private readonly queue: Queued[] = [];
  private draining = false;
  private rotation = 0;

  constructor(
    private readonly io: Server,
    private readonly limitBytes: number,
    private readonly room: (symbol: string) => string,
  ) {}

  /** A message of `symbol`'s market-data channel. */
  onMessage(symbol: string, text: string): void {
    const event = text.startsWith('{"type":"') ? text.slice(9, text.indexOf('"', 9)) : '';
    let state = this.symbols.get(symbol);
    if (state === undefined) {
      state = { book: null, bookU: -1, since: [] };
      this.symbols.set(symbol, state);
    }
    if (event === 'orderbook') {
      // kept for resyncing conflated sockets; subscribers keep their books from depth
      const u = U.exec(text.slice(0, HEAD));
      if (u === null) return;
      state.book = text;
      state.bookU = Number(u[1]);
      state.since = state.since.filter((d) => Number(U.exec(d.slice(0, HEAD))?.[1] ?? -1) > state!.bookU);
      return;
    }
    if (event === 'depth') {
      if (state.book !== null) {
        state.since.push(text);
        // too far behind the last book to replay from it: wait for the next
        if (state.since.length > MAX_SINCE) {
          state.book = null;
          state.since = [];
        }
      }
    } else if (event !== 'tick') {
      return;
    }
    const members = this.io.of('/').adapter.rooms.get(this.room(symbol));
    if (members === undefined || members.size === 0) return;
    // each message starts at another place in the room: when an overloaded server conflates the part
    // of a room an old message did not reach, that part is not the same sockets every time
    const list = [...members];
    const start = (this.rotation = (this.rotation + CHUNK) % list.length);
    const rotated = start === 0 ? list : list.slice(start).concat(list.slice(0, start));
    this.queue.push({ symbol, event, members: rotated, next: 0, queuedAt: performance.now(), encoded: encode(event, text), book: state.book, bookU: state.bookU, since: state.since, sinceLen: state.since.length });
    if (!this.draining) this.drain();
  }

  /** Writes the queue for SLICE_MS, then lets the event loop go and carries on in its next turn. */
  private drain(): void {
    this.draining = true;
    const started = performance.now();
    while (this.queue.length > 0 && performance.now() - started < SLICE_MS) {
      const m = this.queue[0];
      if (started - m.queuedAt > MAX_QUEUED_MS && this.queue.some((q) => q !== m && q.symbol === m.symbol)) {
        this.skipRest(m);
        this.queue.shift();
        continue;
      }
      const end = Math.min(m.members.length, m.next + CHUNK);
      this.write(m, end);
      m.next = end;
      if (m.next === m.members.length) this.queue.shift();
    }
    if (this.queue.length === 0) {
      this.draining = false;
      return;
    }
    setImmediate(() => this.drain());
  }

  private write(m: Queued, to: number): void {
    const { symbol, event, members } = m;
    const { packet, opts } = m.encoded;
    const sockets = this.io.of('/').sockets;
    for (let i = m.next; i < to; i++) {
      const sid = members[i];
      const socket = sockets.get(sid);
      if (socket === undefined) continue;
      if (this.congested(socket)) {
        this.markBehind(socket, symbol);
        continue;
      }
      const behind = this.behind.get(socket);
      if (behind !== undefined && behind.has(symbol)) {
        // caught up on the wire: a depth change alone would leave a gap; a tick can wait for the resync
        if (!this.resync(socket, m)) continue;
        behind.delete(symbol);
        // the resync ends with the current message when it was depth
        if (event === 'depth') continue;
      }
      (socket as unknown as { client: { writeToEngine(p: string[], o: object): void } }).client.writeToEngine([packet], opts);
    }
  }

  /** The sockets message `m` has not reached yet fall behind on its symbol: a later message resyncs them. */
  private skipRest(m: Queued): void {
    const sockets = this.io.of('/').sockets;
    for (let i = m.next; i < m.members.length; i++) {
      const socket = sockets.get(m.members[i]);
      if (socket !== undefined) this.markBehind(socket, m.symbol);
    }
  }

  private congested(socket: AnySocket): boolean {
    const conn = socket.conn as unknown as { writeBuffer: unknown[]; transport: { socket?: { bufferedAmount?: number } } };
    return (conn.transport.socket?.bufferedAmount ?? 0) > this.limitBytes || conn.writeBuffer.length > 256;
  }

  private markBehind(socket: AnySocket, symbol: string): void {
    let set = this.behind.get(socket);
    if (set === undefined) {
      set = new Set();
      this.behind.set(socket, set);
    }
    if (!set.has(symbol)) {
      set.add(symbol);
      this.conflations++;
    }
  }

  /** Tells the socket, then sends the book and the depth since it as they stood at message `m` (which they end with); false if no book is known yet. */
  private resync(socket: AnySocket, m: Queued): boolean {
    if (m.book === null) return false;
    socket.emit('conflated' as never, { type: 'conflated', symbol: m.symbol, u: m.bookU, timestamp: Date.now() } as never);
    const write = (event: string, text: string) => {
      const { packet, opts } = encode(event, text);
      (socket as unknown as { client: { writeToEngine(p: string[], o: object): void } }).client.writeToEngine([packet], opts);
    };
    write('orderbook', m.book);
    for (let i = 0; i < m.sinceLen; i++) write('depth', m.since[i]);
    return true;
  }
}

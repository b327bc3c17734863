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
const U = /"u":(\d+)/;

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
    const { packet, opts } = encode(event, text);
    const sockets = this.io.of('/').sockets;
    for (const sid of members) {
      const socket = sockets.get(sid);
      if (socket === undefined) continue;
      if (this.congested(socket)) {
        this.markBehind(socket, symbol);
        continue;
      }
      const behind = this.behind.get(socket);
      if (behind !== undefined && behind.has(symbol)) {
        // caught up on the wire: a depth change alone would leave a gap; a tick can wait for the resync
        if (!this.resync(socket, symbol, state)) continue;
        behind.delete(symbol);
        // the resync ends with the current message when it was depth
        if (event === 'depth') continue;
      }
      (socket as unknown as { client: { writeToEngine(p: string[], o: object): void } }).client.writeToEngine([packet], opts);
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

  /** Tells the socket, then sends the latest book and the depth since it; false if no book is known yet. */
  private resync(socket: AnySocket, symbol: string, state: SymbolState): boolean {
    if (state.book === null) return false;
    socket.emit('conflated' as never, { type: 'conflated', symbol, u: state.bookU, timestamp: Date.now() } as never);
    const write = (event: string, text: string) => {
      const { packet, opts } = encode(event, text);
      (socket as unknown as { client: { writeToEngine(p: string[], o: object): void } }).client.writeToEngine([packet], opts);
    };
    write('orderbook', state.book);
    for (const d of state.since) write('depth', d);
    return true;
  }
}

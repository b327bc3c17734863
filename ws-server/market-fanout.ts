import type { Server, Socket } from 'socket.io';
import { WebSocket } from 'ws';
import { mergeDepthJson } from '../contracts/wire';

/**
 * Market data to a symbol's room, without parsing it: the engine publishes each symbol's market
 * data on a channel of its own (the channel names the room), every message's text begins with its
 * type (the event's name), and the update id is read from the text's head. Each message is made
 * into a Socket.IO packet and a websocket frame once and written to every socket of the room.
 * When the room falls behind (its messages queue up), a symbol's depth not yet begun is merged into
 * one message, so the work per socket stays one write per symbol however busy the book: a server
 * behind does less per change, not more, and catches up.
 *
 * Slow consumers are bounded as market-data feeds do it: a socket whose send buffer is past
 * `limitBytes` is skipped, and its market data for that symbol is conflated. Once it has drained it
 * is told so (`conflated`, with the update id it restarts from), gets the symbol's latest book (the
 * engine's paced `orderbook`), the depth since and the latest tick, and goes on: the latest state,
 * not the backlog. That happens with the symbol's next message, or, when none comes, within
 * SWEEP_MS of its buffer draining.
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
/*
 * The wait bound: a message that has waited this long while a newer one of its symbol is queued is not written to
 * the sockets it has not reached: a depth message's changes go to them merged into the symbol's next
 * depth message (one packet, running on from their last id); otherwise they are conflated (the newer
 * message resyncs them). Merging keeps a room's queue short, but not its pass over thousands of
 * sockets: without this bound a server behind at 5,000 clients fell 22 s behind in bench:ws. At
 * 500 ms the p99 sat at the bound (513-574 ms at 2,000 clients); carrying the cut sockets on costs one
 * packet each instead of a resync's four or more, which let the bound come down to 250 ms (p99
 * 208-245 ms at 2,000 clients), and then to 100 ms: on a saturated machine the p99 sits at the bound
 * either way (101-121 ms in windows at 2,000, 5,000 and 10,000 clients, against up to 250-254 ms at
 * 250) with no more sockets conflated (docs/performance.md). The bound is WS_MAX_QUEUED_MS
 * (contracts/config.ts, 100), given to the constructor.
 */
/**
 * Owed groups one message may carry: one more each time a room's message is cut, so a room that
 * stays behind would otherwise make ever more (each merged and encoded once per message); past it
 * the oldest group, whose merged changes are the longest, is resynced from the book instead.
 * The oldest groups are written first, so a bound does not make them sooner, only dearer: a resync
 * is 4 packets or more where a carried socket gets one. At 8, the short messages of a room cut
 * again and again (a message is written until the next of its symbol comes, which is sometimes
 * soon) pushed 1,937-3,796 sockets a window past it in four of five runs at 10,000 clients in
 * bench:ws, and the resyncs' extra packets left a client 1.34-1.62 s without data; at 32 (with
 * mergeForward), none in eight runs, the stalest client 0.57-0.84 s.
 */
const MAX_OWED_GROUPS = 32;
const U = /"u":(\d+)/;
/** how often sockets still behind are checked for having drained (when nothing is queued) */
const SWEEP_MS = 100;

type Encoded = { packet: string; opts: Record<string, unknown> };
export type ConflationReason = 'bytes' | 'packets' | 'cut';

/**
 * Where a market-data message's time goes, in milliseconds, for the service's metrics: a delay seen
 * by clients is upstream (arrival), in the ws-server's queue and pass over the room (room), or a
 * socket left without data while its buffer was full (behind).
 */
export interface FanoutObserver {
  /** a depth message came from Redis this long after the engine stamped it */
  arrived(ms: number): void;
  /** a message had been written to every socket of its room (or given up on) this long after it came */
  roomWritten(ms: number): void;
  /** a socket that fell behind on a symbol was resynced this long after (how long it was left without its market data) */
  resynced(ms: number): void;
}

/** a depth message ends with the engine's time of its last change */
const TIMESTAMP = /"timestamp":(\d+)\}$/;

/** the latest paced book, as the engine wrote it, with its update id; encoded once, at its first resync */
interface Book {
  text: string;
  u: number;
  encoded: Encoded | null;
  /** the `conflated` notice that goes before it, encoded once too */
  notice: Encoded | null;
}

/** a depth message kept for resyncs: its update id and the packet its room was sent */
interface SinceEntry {
  u: number;
  encoded: Encoded;
}

/** a message waiting to be written to its room, with the resync state as it stood when it came */
interface Queued {
  symbol: string;
  event: string;
  /** the message's text: a depth message not yet begun takes in the next one of its symbol */
  text: string;
  /** the symbol's joins when it was queued: merged only while no socket has joined since */
  epoch: number;
  members: string[];
  next: number;
  queuedAt: number;
  encoded: Encoded;
  book: Book | null;
  /** the symbol's depth since that book up to and including this message: a prefix of an array only ever appended to */
  since: SinceEntry[];
  sinceLen: number;
  /** the symbol's latest tick when this message was queued (null before the first) */
  tick: Encoded | null;
  /**
   * Sockets earlier depth messages of the symbol were cut short before reaching (they waited past
   * the wait bound): each group gets this message merged after the changes it missed, one packet that
   * runs on from its last `u`, not a conflation and resync (notice, book, depth since, tick). A group
   * per point the sockets stopped at (oldest first): a message cut before reaching a group carries
   * it on to the next depth with its own changes added, so a socket is resynced only past
   * MAX_OWED_GROUPS.
   */
  owed: Owed[];
}

/** sockets that stopped at the same update id, and the changes they missed since (merged depth text) */
interface Owed {
  sockets: Set<string>;
  text: string;
  /** this group's packet for the message that owes it: encoded once, at its first socket */
  encoded: Encoded | null;
}

interface SymbolState {
  /** sockets that joined the room so far: one that joins after a message was queued may hold a snapshot past its start */
  epoch: number;
  book: Book | null;
  /** depth messages after that book, for a resync */
  since: SinceEntry[];
  /** the latest tick (last trade, volume): a resync sends it too, as a skipped tick is not carried by depth */
  tick: Encoded | null;
}

/** a packet encoded once: Socket.IO's text and, when ws can, the websocket frame around it */
function encode(event: string, text: string): Encoded {
  const packet = `2["${event}",${text}]`;
  const sender = (WebSocket as unknown as { Sender?: { frame?: (data: Buffer, o: object) => Buffer[] } }).Sender;
  const opts: Record<string, unknown> = { preEncoded: true };
  if (typeof sender?.frame === 'function') opts.wsPreEncodedFrame = sender.frame(Buffer.from('4' + packet), { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true });
  return { packet, opts };
}

/** engine.io's side of a socket, as far as a write straight to its websocket needs it */
interface EngineConn {
  readyState: string;
  upgrading: boolean;
  writeBuffer: unknown[];
  transport: { name: string; writable: boolean; socket?: { readyState: number; _sender?: { sendFrame(frame: Buffer[], cb?: () => void): void } } };
}

/**
 * Writes a packet encoded for the room to one socket. When engine.io holds nothing for the socket
 * (its buffer empty, its websocket transport not mid-write or mid-upgrade: the usual case), the
 * frame goes straight to the websocket's sender, as engine.io's websocket transport itself writes
 * a pre-encoded frame, but without the packet object, the events and the write callback engine.io
 * makes per packet: the same bytes in the same order, and one write per socket per message is
 * most of what the ws-server does. It made the ws-server's CPU per message about a quarter less
 * than a bare Socket.IO server's, where it had been the same, and that headroom is what keeps it
 * within 2x of one at the saturation edge (docs/performance.md, seventh measurement). Otherwise
 * through engine.io, so nothing overtakes what it holds.
 */
function send(socket: AnySocket, { packet, opts }: Encoded): void {
  const conn = socket.conn as unknown as EngineConn;
  const t = conn.transport;
  const frame = opts.wsPreEncodedFrame as Buffer[] | undefined;
  const ws = t.socket;
  // (ws's own send checks that the websocket is open, its sender does not: no frame after a close)
  if (frame !== undefined && ws?._sender !== undefined && ws.readyState === WebSocket.OPEN && t.name === 'websocket' && t.writable && conn.writeBuffer.length === 0 && !conn.upgrading && conn.readyState === 'open') {
    ws._sender.sendFrame(frame);
    return;
  }
  (socket as unknown as { client: { writeToEngine(p: string[], o: object): void } }).client.writeToEngine([packet], opts);
}

/** The owed group `sid` is in, taken out of it (a socket is in one at most). */
function takeOwed(owed: Owed[], sid: string): Owed | undefined {
  for (const g of owed) if (g.sockets.delete(sid)) return g;
  return undefined;
}

export class MarketFanout {
  private readonly symbols = new Map<string, SymbolState>();
  /** per socket, the symbols whose market data it is behind on, and since when (performance.now()) */
  private readonly behind = new WeakMap<AnySocket, Map<string, number>>();
  /** the sockets behind on some symbol, for the sweep; each dropped once resynced or gone */
  private readonly lagging = new Set<AnySocket>();
  private sweeping: NodeJS.Timeout | null = null;
  /** sockets conflated so far, for the metric and the tests */
  conflations = 0;
  /** the same by why: past the send buffer's bytes or packets, or cut short by a message's wait bound */
  readonly conflationsBy: Record<ConflationReason, number> = { bytes: 0, packets: 0, cut: 0 };
  /** messages merged into one queued before them, for the metric */
  merged = 0;
  /** sockets a message cut short for its age did not reach, carried on by the symbol's next depth (not conflated) */
  carried = 0;
  /** messages (and how far into their room) still to be written, in arrival order */
  private readonly queue: Queued[] = [];
  private draining = false;
  private rotation = 0;

  constructor(
    private readonly io: Server,
    private readonly limitBytes: number,
    private readonly room: (symbol: string) => string,
    /** milliseconds of writing per turn of the event loop (a test sets 0: one chunk of sockets per turn) */
    private readonly sliceMs = SLICE_MS,
    private readonly observer: FanoutObserver | null = null,
    /** how long a message may wait while a newer one of its kind and symbol is queued (WS_MAX_QUEUED_MS) */
    private readonly maxQueuedMs: number,
  ) {}

  /** A message of `symbol`'s market-data channel. */
  onMessage(symbol: string, text: string): void {
    const event = text.startsWith('{"type":"') ? text.slice(9, text.indexOf('"', 9)) : '';
    let state = this.symbols.get(symbol);
    if (state === undefined) {
      state = { epoch: 0, book: null, since: [], tick: null };
      this.symbols.set(symbol, state);
    }
    if (event === 'orderbook') {
      // kept for resyncing conflated sockets; subscribers keep their books from depth
      const u = U.exec(text.slice(0, HEAD));
      if (u === null) return;
      const book: Book = { text, u: Number(u[1]), encoded: null, notice: null };
      state.book = book;
      state.since = state.since.filter((d) => d.u > book.u);
      return;
    }
    const encoded = encode(event, text);
    if (event === 'depth' && this.observer !== null) {
      const stamped = TIMESTAMP.exec(text.slice(-40));
      if (stamped !== null) this.observer.arrived(Date.now() - Number(stamped[1]));
    }
    if (event === 'depth') {
      if (state.book !== null) {
        state.since.push({ u: Number(U.exec(text.slice(0, HEAD))?.[1] ?? -1), encoded });
        // too far behind the last book to replay from it: wait for the next
        if (state.since.length > MAX_SINCE) {
          state.book = null;
          state.since = [];
        }
      }
    } else if (event === 'tick') {
      state.tick = encoded;
    } else {
      return;
    }
    if (this.mergeIntoQueued(state, symbol, event, text, encoded)) return;
    const members = this.io.of('/').adapter.rooms.get(this.room(symbol));
    if (members === undefined || members.size === 0) return;
    // each message starts at another place in the room: when an overloaded server conflates the part
    // of a room an old message did not reach, that part is not the same sockets every time
    const list = [...members];
    const start = (this.rotation = (this.rotation + CHUNK) % list.length);
    const rotated = start === 0 ? list : list.slice(start).concat(list.slice(0, start));
    this.queue.push({ symbol, event, text, epoch: state.epoch, members: rotated, next: 0, queuedAt: performance.now(), encoded, book: state.book, since: state.since, sinceLen: state.since.length, tick: state.tick, owed: [] });
    if (!this.draining) this.drain();
  }

  /** A socket joined `symbol`'s room (it holds a snapshot from now on). */
  joined(symbol: string): void {
    const state = this.symbols.get(symbol);
    if (state !== undefined) state.epoch++;
  }

  /**
   * Fewer, larger messages when the room falls behind: a depth message arriving while its symbol's
   * last queued depth is not yet written to anyone is merged into it (one message, one
   * encoding, one write per socket, carrying both batches' changes between the first pu and the
   * last u), and a tick replaces a tick not yet begun (a tick is the latest state). Not once a
   * socket has joined since that message was queued: its snapshot may lie inside the merged range.
   */
  private mergeIntoQueued(state: SymbolState, symbol: string, event: string, text: string, encoded: Encoded): boolean {
    // the symbol's last queued message of the same kind: depth and ticks do not depend on each
    // other's order (a client keeps the higher seq of each), so a tick between does not stop it
    let q: Queued | undefined;
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].symbol === symbol && this.queue[i].event === event) {
        q = this.queue[i];
        break;
      }
    }
    if (q === undefined || q.next > 0 || q.epoch !== state.epoch) return false;
    if (event === 'tick') {
      // the newest tick in the older one's place; a resync there still ends where it did
      q.text = text;
      q.encoded = encoded;
      this.merged++;
      return true;
    }
    q.text = mergeDepthJson(q.text, text);
    q.encoded = encode('depth', q.text);
    // a socket behind is resynced up to the newest depth, there and at the symbol's ticks queued
    // after it (written after it, so their resync must not end before it)
    for (let i = this.queue.indexOf(q); i < this.queue.length; i++) {
      const later = this.queue[i];
      if (later.symbol !== symbol) continue;
      later.book = state.book;
      later.since = state.since;
      later.sinceLen = state.since.length;
      later.tick = state.tick;
    }
    this.merged++;
    return true;
  }

  /** Writes the queue for `sliceMs` (at least one chunk), then lets the event loop go and carries on in its next turn. */
  private drain(): void {
    this.draining = true;
    const started = performance.now();
    for (let first = true; this.queue.length > 0 && (first || performance.now() - started < this.sliceMs); first = false) {
      const m = this.queue[0];
      // only a newer message of the same kind supersedes it: a tick queued behind a depth message
      // does not carry the depth's changes (cutting it there would leave its sockets to a resync)
      if (started - m.queuedAt > this.maxQueuedMs && this.queue.some((q) => q !== m && q.symbol === m.symbol && q.event === m.event)) {
        this.skipRest(m);
        this.queue.shift();
        this.observer?.roomWritten(performance.now() - m.queuedAt);
        continue;
      }
      const end = Math.min(m.members.length, m.next + CHUNK);
      this.write(m, end);
      m.next = end;
      if (m.next === m.members.length) {
        this.queue.shift();
        this.observer?.roomWritten(performance.now() - m.queuedAt);
      }
    }
    if (this.queue.length === 0) {
      this.draining = false;
      return;
    }
    setImmediate(() => this.drain());
  }

  private write(m: Queued, to: number): void {
    const { symbol, event, members, owed } = m;
    const sockets = this.io.of('/').sockets;
    for (let i = m.next; i < to; i++) {
      const sid = members[i];
      const socket = sockets.get(sid);
      if (socket === undefined) continue;
      const group = owed.length === 0 ? undefined : takeOwed(owed, sid);
      const full = this.congested(socket);
      if (full !== null) {
        this.markBehind(socket, symbol, full);
        continue;
      }
      // (a socket that has fallen behind on the symbol since is resynced instead, below)
      if (group !== undefined && !this.behind.get(socket)?.has(symbol)) {
        // the changes it missed, then this message's, in one packet (encoded once, at the group's first socket)
        send(socket, (group.encoded ??= encode('depth', mergeDepthJson(group.text, m.text))));
        continue;
      }
      const behind = this.behind.get(socket);
      if (behind !== undefined && behind.has(symbol)) {
        // caught up on the wire: a depth change alone would leave a gap; a tick can wait for the resync
        if (m.book === null) continue;
        this.resync(socket, symbol, m.book, m.since, m.sinceLen, m.event === 'tick' ? null : m.tick);
        this.caughtUp(behind, symbol);
        // the resync ends with the current message when it was depth
        if (event === 'depth') continue;
      }
      send(socket, m.encoded);
    }
  }

  /**
   * Message `m` is given up on for the sockets it has not reached; a newer message of its kind is
   * queued. A tick's need nothing: the newer tick is the latest state. A depth message's go on with
   * the symbol's next depth message, merged after the changes they missed (`owed`): one packet more
   * per socket. The sockets it owed earlier messages to and did not reach go on too, each group with
   * `m`'s changes added. Only a socket already behind, or past MAX_OWED_GROUPS, is resynced.
   */
  private skipRest(m: Queued): void {
    if (m.event !== 'depth') return;
    const sockets = this.io.of('/').sockets;
    const next = this.queue.find((q) => q !== m && q.symbol === m.symbol && q.event === 'depth')!;
    if (m.next === 0) {
      this.mergeForward(m, next);
      return;
    }
    const carried: Owed[] = [];
    // the groups it owed and did not reach (what is left in their sets), their changes and m's
    for (const g of m.owed) {
      const left = this.carriable(g.sockets, m.symbol);
      if (left.size > 0) carried.push({ sockets: left, text: mergeDepthJson(g.text, m.text), encoded: null });
    }
    const fresh = new Set<string>();
    for (let i = m.next; i < m.members.length; i++) {
      const sid = m.members[i];
      // owed an earlier message as well: carried above
      if (m.owed.some((g) => g.sockets.has(sid))) continue;
      fresh.add(sid);
    }
    const left = this.carriable(fresh, m.symbol);
    if (left.size > 0) carried.push({ sockets: left, text: m.text, encoded: null });
    if (carried.length === 0) return;
    next.owed = next.owed.concat(carried);
    // too many groups: the oldest (the most changes merged) are resynced from the book
    while (next.owed.length > MAX_OWED_GROUPS) {
      for (const sid of next.owed.shift()!.sockets) {
        const socket = sockets.get(sid);
        if (socket !== undefined) this.markBehind(socket, m.symbol, 'cut');
      }
    }
    for (const g of carried) if (next.owed.includes(g)) this.carried += g.sockets.size;
    // the sockets cut short are written first next time (the longest waiting first): a room that
    // stays behind cuts its messages again and again, and must not cut the same sockets every time
    // (one that has left the room since is not a member of `next`, and is not written). Ahead of
    // them, the sockets behind on the symbol, the longest behind first: they are resynced where a
    // message reaches them, and left where the rotation put them a room cut again and again reached
    // them only by luck (a client 19-33 s without data at 10,000 clients in bench:ws)
    this.putFirst(m.symbol, next);
  }

  /**
   * Message `m`, cut before it reached any socket, goes out as the start of `next` (the symbol's next
   * depth, not begun either: the queue is written in order): one message whose changes run from m's
   * `pu`, and the sockets m owed changes to are owed them by `next`, their groups as they were (each
   * gets its changes, then m's and next's, in one packet). While sockets join, messages are queued
   * one by one, unmerged (a newcomer must not miss a change); carried on as before, each one cut
   * before it began added a group for its whole room, and past MAX_OWED_GROUPS the room was resynced:
   * 24,377-101,172 sockets while 10,000 clients connected in bench:ws. A socket that
   * joined after m was queued gets m's changes too: they may begin before its snapshot, which
   * docs/api.md's recipe applies (they are totals; the first message after a snapshot may begin before it).
   */
  private mergeForward(m: Queued, next: Queued): void {
    next.text = mergeDepthJson(m.text, next.text);
    next.encoded = encode('depth', next.text);
    // (next owes nothing of its own yet: only a message before it, m, can have been cut onto it)
    next.owed = m.owed.concat(next.owed);
    this.merged++;
    // the sockets owed, and those behind, still go first (the longest waiting first)
    this.putFirst(m.symbol, next);
  }

  /** The sockets behind on the symbol (the longest behind first), then those `next` owes (the oldest group first), ahead of the rest of its room. */
  private putFirst(symbol: string, next: Queued): void {
    const inNext = new Set(next.members);
    const first = this.behindOn(symbol, inNext).concat(next.owed.flatMap((g) => [...g.sockets].filter((sid) => inNext.has(sid))));
    const firstNow = new Set(first);
    next.members = first.concat(next.members.filter((sid) => !firstNow.has(sid)));
  }

  /** Of `members`, the sockets behind on `symbol`, the longest behind first. */
  private behindOn(symbol: string, members: Set<string>): string[] {
    const out: { sid: string; since: number }[] = [];
    for (const socket of this.lagging) {
      const since = this.behind.get(socket)?.get(symbol);
      if (since !== undefined && members.has(socket.id)) out.push({ sid: socket.id, since });
    }
    return out.sort((a, b) => a.since - b.since).map((b) => b.sid);
  }

  /** Of `sids`, the sockets still connected and not behind on `symbol` (one behind is resynced instead, at a later message). */
  private carriable(sids: Set<string>, symbol: string): Set<string> {
    const sockets = this.io.of('/').sockets;
    const out = new Set<string>();
    for (const sid of sids) {
      const socket = sockets.get(sid);
      if (socket !== undefined && !this.behind.get(socket)?.has(symbol)) out.add(sid);
    }
    return out;
  }

  /** Which limit of its send buffer the socket is past, if any: ws's bytes or engine.io's packets waiting for the transport. */
  private congested(socket: AnySocket): ConflationReason | null {
    const conn = socket.conn as unknown as { writeBuffer: unknown[]; transport: { socket?: { bufferedAmount?: number } } };
    if ((conn.transport.socket?.bufferedAmount ?? 0) > this.limitBytes) return 'bytes';
    return conn.writeBuffer.length > 256 ? 'packets' : null;
  }

  private markBehind(socket: AnySocket, symbol: string, reason: ConflationReason): void {
    let set = this.behind.get(socket);
    if (set === undefined) {
      set = new Map();
      this.behind.set(socket, set);
    }
    if (!set.has(symbol)) {
      set.set(symbol, performance.now());
      this.conflations++;
      this.conflationsBy[reason]++;
    }
    this.lagging.add(socket);
    if (this.sweeping === null) {
      this.sweeping = setInterval(() => this.sweep(), SWEEP_MS);
      this.sweeping.unref();
    }
  }

  /**
   * A socket that drains after the last message of its symbol would otherwise wait, stale, for the
   * next change: when nothing is queued (a queued message resyncs in order), each socket still
   * behind whose buffer has drained is resynced from its symbols' current state.
   */
  private sweep(): void {
    // with something queued, that message resyncs in order; gone sockets are let go all the same
    const resyncing = this.queue.length === 0;
    for (const socket of this.lagging) {
      const set = this.behind.get(socket);
      if (!socket.connected || set === undefined || set.size === 0) {
        set?.clear();
        this.lagging.delete(socket);
        continue;
      }
      if (!resyncing || this.congested(socket) !== null) continue;
      for (const symbol of [...set.keys()]) {
        const state = this.symbols.get(symbol);
        if (state === undefined || state.book === null) continue;
        this.resync(socket, symbol, state.book, state.since, state.since.length, state.tick);
        this.caughtUp(set, symbol);
      }
      if (set.size === 0) this.lagging.delete(socket);
    }
    if (this.lagging.size === 0 && this.sweeping !== null) {
      clearInterval(this.sweeping);
      this.sweeping = null;
    }
  }

  private caughtUp(behind: Map<string, number>, symbol: string): void {
    const since = behind.get(symbol);
    behind.delete(symbol);
    if (since !== undefined) this.observer?.resynced(performance.now() - since);
  }

  /**
   * Tells the socket, then sends the book, the depth since it (the first `sinceLen` of `since`) and
   * the latest tick: a tick skipped while behind is in neither the book nor the depth, and the
   * client keeps the higher seq, so a repeat is harmless. Every packet is the one encoded for the
   * room (the book's once, at its first resync): thousands of sockets resync at once under overload.
   */
  private resync(socket: AnySocket, symbol: string, book: Book, since: SinceEntry[], sinceLen: number, tick: Encoded | null): void {
    const write = (encoded: Encoded) => send(socket, encoded);
    write((book.notice ??= encode('conflated', JSON.stringify({ type: 'conflated', symbol, u: book.u, timestamp: Date.now() }))));
    write((book.encoded ??= encode('orderbook', book.text)));
    for (let i = 0; i < sinceLen; i++) write(since[i].encoded);
    if (tick !== null) write(tick);
  }
}

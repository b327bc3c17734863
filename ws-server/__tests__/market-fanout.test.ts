import http from 'http';
import type { AddressInfo } from 'net';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { depthBatchJson } from '../../contracts/wire';
import type { DepthEvent } from '../../contracts/engine-types';
import { MarketFanout } from '../market-fanout';

/**
 * The fan-out against a real Socket.IO server and real clients over websocket: a room of 150
 * sockets written one chunk (64) per turn of the event loop, so messages that arrive while the first
 * is still being written queue up behind it, as they do on a server whose rooms are behind.
 */
const SOCKETS = 150;

/** Holds the event loop, as a server busy elsewhere does: the messages queued wait past the bound. */
function holdEventLoop(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** Waits for `done`, and fails the test (rather than hang) if it has not come within 10 s. */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('not every socket got what it should have within 10 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Depth {
  pu: number;
  u: number;
  seq: number;
  changes: { side: string; price: number; quantity: number }[];
  timestamp: number;
}

describe('market data fan-out to a room that is behind', () => {
  let server: http.Server;
  let io: Server;
  let fanout: MarketFanout;
  let url: string;
  const clients: ClientSocket[] = [];
  const got: Depth[][] = [];
  const ticks: { seq: number }[][] = [];
  const observed = { arrived: [] as number[], roomWritten: [] as number[], resynced: [] as number[] };

  beforeAll(async () => {
    server = http.createServer();
    io = new Server(server);
    io.on('connection', (s) => void s.join('market:AAA'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // a 250 ms wait bound: the tests below hold the event loop past it when they mean to
    fanout = new MarketFanout(
      io,
      1 << 20,
      (s) => `market:${s}`,
      0,
      {
        arrived: (ms) => observed.arrived.push(ms),
        roomWritten: (ms) => observed.roomWritten.push(ms),
        resynced: (ms) => observed.resynced.push(ms),
      },
      250,
    );
    for (let i = 0; i < SOCKETS; i++) {
      const c = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
      const mine: Depth[] = [];
      got.push(mine);
      c.on('depth', (d: Depth) => mine.push(d));
      const myTicks: { seq: number }[] = [];
      ticks.push(myTicks);
      c.on('tick', (t: { seq: number }) => myTicks.push(t));
      clients.push(c);
    }
    await Promise.all(clients.map((c) => new Promise<void>((r) => (c.connected ? r() : c.once('connect', () => r())))));
    while ((io.of('/').adapter.rooms.get('market:AAA')?.size ?? 0) < SOCKETS) await new Promise((r) => setImmediate(r));
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await new Promise<void>((r) => io.close(() => r()));
  });

  const change = (k: number): DepthEvent => ({ type: 'depth', seq: 100 + k, symbol: 'AAA', side: k % 2 === 0 ? 'BUY' : 'SELL', price: 10_000 + (k % 7), quantity: k, pu: k, u: k + 1, timestamp: 1_000 + k });

  it('merges the depth queued behind a message still being written into one, and every socket ends with every change in order', async () => {
    const batches = 40;
    // all arrive in one turn: the first is being written (a chunk per turn), the rest wait behind it
    for (let k = 0; k < batches; k++) fanout.onMessage('AAA', depthBatchJson([change(k)]));
    await until(() => got.every((m) => m.length > 0 && m[m.length - 1].u === batches));
    // two messages, not forty: the first as it came, the other 39 merged
    expect(fanout.merged).toBe(batches - 2);
    for (const mine of got) {
      expect(mine.map((d) => [d.pu, d.u])).toEqual([
        [0, 1],
        [1, batches],
      ]);
      expect(mine.flatMap((d) => d.changes)).toEqual(Array.from({ length: batches }, (_, k) => ({ side: change(k).side, price: (10_000 + (k % 7)) / 100, quantity: k })));
      // the merged message carries the newest batch's seq and time
      expect([mine[1].seq, mine[1].timestamp]).toEqual([100 + batches - 1, 1_000 + batches - 1]);
    }
    // what the metrics see: every depth batch's arrival, each of the two messages' pass over the room, no socket left behind
    expect(observed.arrived).toHaveLength(batches);
    // the changes were stamped at 1,000-1,039 ms after the epoch: each arrival is now less that stamp
    expect(observed.arrived.every((ms) => Math.abs(Date.now() - 1_000 - ms) < 10_000)).toBe(true);
    expect(observed.roomWritten).toHaveLength(2);
    expect(observed.roomWritten.every((ms) => ms > 0)).toBe(true);
    expect(observed.resynced).toEqual([]);
  });

  it('does not merge into a message queued before a socket joined: the newcomer must not miss a change', async () => {
    const before = fanout.merged;
    for (const mine of got) mine.length = 0;
    fanout.onMessage('AAA', depthBatchJson([change(50)]));
    fanout.onMessage('AAA', depthBatchJson([change(51)]));
    fanout.joined('AAA');
    fanout.onMessage('AAA', depthBatchJson([change(52)]));
    await until(() => got.every((m) => m.length > 0 && m[m.length - 1].u === 53));
    expect(fanout.merged - before).toBe(0);
    for (const mine of got) expect(mine.map((d) => [d.pu, d.u])).toEqual([[50, 51], [51, 52], [52, 53]]);
  });

  it('merges depth past a tick queued between, and a newer tick takes the older one\'s place', async () => {
    const before = fanout.merged;
    for (const mine of got) mine.length = 0;
    for (const mine of ticks) mine.length = 0;
    const tick = (seq: number) => `{"type":"tick","seq":${seq},"symbol":"AAA","u":0,"lastTradePrice":100,"lastTradeQuantity":1,"bidPrice":null,"bidQuantity":0,"askPrice":null,"askQuantity":0,"totalVolume":${seq},"timestamp":1}`;
    fanout.onMessage('AAA', depthBatchJson([change(60)]));
    fanout.onMessage('AAA', tick(1));
    fanout.onMessage('AAA', depthBatchJson([change(61)]));
    fanout.onMessage('AAA', tick(2));
    fanout.onMessage('AAA', depthBatchJson([change(62)]));
    await until(() => got.every((m) => m.length > 0 && m[m.length - 1].u === 63) && ticks.every((t) => t.length > 0));
    expect(fanout.merged - before).toBe(2);
    for (const mine of got) expect(mine.map((d) => [d.pu, d.u])).toEqual([[60, 61], [61, 63]]);
    for (const mine of ticks) expect(mine.map((t) => t.seq)).toEqual([2]);
  });

  it('carries the sockets a message cut short for its age did not reach on to the next depth, merged, instead of conflating them', async () => {
    const conflations = fanout.conflations;
    for (const mine of got) mine.length = 0;
    // the first message reaches one chunk of sockets (64) in this turn; the second is queued behind it
    fanout.onMessage('AAA', depthBatchJson([change(70)]));
    fanout.onMessage('AAA', depthBatchJson([change(71)]));
    // the event loop held past the 250 ms a message may wait here while a newer one of its symbol is queued
    holdEventLoop(600);
    await until(() => got.every((m) => m.length > 0 && m[m.length - 1].u === 72));
    const reached = got.filter((m) => m.length === 2);
    const carried = got.filter((m) => m.length === 1);
    expect([reached.length, carried.length]).toEqual([64, SOCKETS - 64]);
    for (const mine of reached) expect(mine.map((d) => [d.pu, d.u])).toEqual([[70, 71], [71, 72]]);
    // one message running on from each socket's last id, with both changes in order
    for (const mine of carried) {
      expect(mine.map((d) => [d.pu, d.u])).toEqual([[70, 72]]);
      expect(mine[0].changes.map((c) => c.quantity)).toEqual([70, 71]);
    }
    expect(fanout.carried).toBe(SOCKETS - 64);
    expect(fanout.conflations).toBe(conflations);
  });

  it('merges a message cut before it reached anyone into the next, the sockets it owed still owed theirs: none conflated, no group more', async () => {
    const conflations = fanout.conflations;
    const carried = fanout.carried;
    const merged = fanout.merged;
    for (const mine of got) mine.length = 0;
    // the first reaches one chunk; the second is not merged with the third (a socket joined between)
    fanout.onMessage('AAA', depthBatchJson([change(80)]));
    fanout.onMessage('AAA', depthBatchJson([change(81)]));
    fanout.joined('AAA');
    fanout.onMessage('AAA', depthBatchJson([change(82)]));
    // the event loop held past the bound: the first is cut after its first chunk, the second before it begins
    holdEventLoop(400);
    await until(() => got.every((m) => m.length > 0 && m[m.length - 1].u === 83));
    // the 64 the first reached stopped at 81: the rest of 81 and 82 in one packet
    const reached = got.filter((m) => m.length === 2);
    // the other 86 stopped at 80 (and were owed by the second): 80, 81 and 82 in one packet
    const cutTwice = got.filter((m) => m.length === 1);
    expect([reached.length, cutTwice.length]).toEqual([64, SOCKETS - 64]);
    for (const mine of reached) {
      expect(mine.map((d) => [d.pu, d.u])).toEqual([[80, 81], [81, 83]]);
      expect(mine[1].changes.map((c) => c.quantity)).toEqual([81, 82]);
    }
    for (const mine of cutTwice) {
      expect(mine.map((d) => [d.pu, d.u])).toEqual([[80, 83]]);
      expect(mine[0].changes.map((c) => c.quantity)).toEqual([80, 81, 82]);
    }
    // 86 carried by the first's cut; the second, cut before it began, went out as the start of the
    // third (before, it carried all 150 on as a second group: one more per such cut, and past the
    // owed groups' bound a whole room resynced)
    expect(fanout.carried - carried).toBe(SOCKETS - 64);
    expect(fanout.merged - merged).toBe(1);
    expect(fanout.conflations).toBe(conflations);
  });

  it('gives a socket that joined after a message cut before it began that message\'s changes too, at the start of the next (they may begin before its snapshot)', async () => {
    const c = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    const mine: Depth[] = [];
    c.on('depth', (d: Depth) => mine.push(d));
    await new Promise<void>((r) => c.once('connect', () => r()));
    const newcomer = io.of('/').sockets.get(c.id!)!;
    await newcomer.leave('market:AAA');
    for (const m of got) m.length = 0;
    fanout.onMessage('AAA', depthBatchJson([change(300)]));
    fanout.onMessage('AAA', depthBatchJson([change(301)]));
    // it joins now: the second message, queued before, is not for it, and the third is not merged into it
    await newcomer.join('market:AAA');
    fanout.joined('AAA');
    fanout.onMessage('AAA', depthBatchJson([change(302)]));
    holdEventLoop(400);
    await until(() => mine.length > 0 && got.every((m) => m.length > 0 && m[m.length - 1].u === 303));
    // the second went out as the start of the third: the newcomer gets its changes as well, which a
    // client that took its snapshot at 302 skips or applies again (totals), as docs/api.md's recipe does
    expect(mine.map((d) => [d.pu, d.u])).toEqual([[301, 303]]);
    expect(mine[0].changes.map((x) => x.quantity)).toEqual([301, 302]);
    c.close();
  });

  it('does not cut a depth message for a tick queued behind it, and a tick superseded by a newer one costs no socket a resync', async () => {
    const conflations = fanout.conflations;
    for (const mine of got) mine.length = 0;
    for (const mine of ticks) mine.length = 0;
    const tick = (seq: number) => `{"type":"tick","seq":${seq},"symbol":"AAA","u":0,"lastTradePrice":100,"lastTradeQuantity":1,"bidPrice":null,"bidQuantity":0,"askPrice":null,"askQuantity":0,"totalVolume":${seq},"timestamp":1}`;
    fanout.onMessage('AAA', depthBatchJson([change(90)]));
    fanout.onMessage('AAA', tick(10));
    // not merged into the first tick (a socket joined between): both ticks are queued
    fanout.joined('AAA');
    fanout.onMessage('AAA', tick(11));
    holdEventLoop(400);
    await until(() => got.every((m) => m.length > 0 && m[m.length - 1].u === 91) && ticks.every((t) => t.some((x) => x.seq === 11)));
    // the depth message went to every socket though it waited past the bound (no newer depth);
    // the older tick was given up on (the newer one queued), and nobody was resynced for it
    for (const mine of got) expect(mine.map((d) => [d.pu, d.u])).toEqual([[90, 91]]);
    for (const mine of ticks) expect(mine.map((t) => t.seq)).toEqual([11]);
    expect(fanout.conflations).toBe(conflations);
  });

  it('writes a socket behind on the symbol first when a message is cut, so a room cut again and again still resyncs it at the next message', async () => {
    // a bound of 0: a message with a newer one of its kind queued is cut at the next turn
    const resynced: number[] = [];
    const quick = new MarketFanout(io, 1 << 20, (s) => `market:${s}`, 0, { arrived: () => {}, roomWritten: () => {}, resynced: (ms) => resynced.push(ms) }, 0);
    const turn = () => new Promise((r) => setImmediate(r));
    for (const mine of got) mine.length = 0;
    const books: number[][] = clients.map(() => []);
    clients.forEach((c, i) => c.on('orderbook', (b: { u: number }) => books[i].push(b.u)));
    quick.onMessage('AAA', '{"type":"orderbook","symbol":"AAA","u":200,"bids":[],"asks":[],"timestamp":1}');
    // the first message reaches its first chunk of 64 as it comes
    quick.onMessage('AAA', depthBatchJson([change(200)]));
    quick.joined('AAA');
    quick.onMessage('AAA', depthBatchJson([change(201)]));
    // a socket the first has not reached falls behind (as one cut past the owed groups does)
    const queue = (quick as unknown as { queue: { members: string[] }[] }).queue;
    const late = queue[0].members[SOCKETS - 1];
    const socket = io.of('/').sockets.get(late)!;
    (quick as unknown as { markBehind(s: unknown, symbol: string, reason: string): void }).markBehind(socket, 'AAA', 'cut');
    // next turn: the first is cut; the second's first chunk is written the turn after
    await turn();
    await turn();
    expect(resynced).toHaveLength(1);
    // then the second is cut too, and the third goes to everyone
    quick.joined('AAA');
    quick.onMessage('AAA', depthBatchJson([change(202)]));
    await until(() => got.every((m) => m.length > 0 && m[m.length - 1].u === 203));
    const index = clients.findIndex((c) => c.id === late);
    // the late socket: the book, the depth since it (up to the second), then the third, no gap
    expect(books[index]).toEqual([200]);
    expect(got[index].map((d) => [d.pu, d.u])).toEqual([[200, 201], [201, 202], [202, 203]]);
    expect(got[index][0].changes.map((c) => c.quantity)).toEqual([200]);
    for (const [i, mine] of got.entries()) {
      if (i === index) continue;
      // every other socket: running on from its last id to the third's, nothing missed
      expect(mine[0].pu).toBe(200);
      for (let k = 1; k < mine.length; k++) expect(mine[k].pu).toBe(mine[k - 1].u);
      expect(books[i]).toEqual([]);
    }
  });
});

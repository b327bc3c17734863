import { admin, connectSocket, http, loginAdmin, register, waitFor, type ClientSocket, type Participant } from '../harness/client';
import { Stack } from '../harness/stack';

const SYMBOLS = ['AAA', 'BBB', 'CCC'];
const ORDERS = Number(process.env.SEQUENCE_TEST_ORDERS ?? 600);

interface Depth {
  symbol: string;
  changes: { side: 'BUY' | 'SELL'; price: number; quantity: number }[];
  pu: number;
  u: number;
}

/**
 * Per-symbol book update ids: a subscriber of several symbols' market data, under a burst of
 * orders across them, sees each symbol's depth events with ids that run on without a gap from the
 * snapshot it subscribed with, and applying them to that snapshot gives the book REST shows.
 */
describe('market data: per-symbol update ids; order updates: per-participant ids', () => {
  let stack: Stack;
  let alice: Participant;
  let bob: Participant;
  let watcher: ClientSocket;
  /** alice's and bob's own sockets: their private order updates */
  const own = new Map<string, { socket: ClientSocket; updates: { pu: number; u: number }[] }>();

  beforeAll(async () => {
    stack = await Stack.start();
    const token = await loginAdmin(stack);
    for (const s of SYMBOLS) await admin(stack, token, 'symbols', { symbol: s, tickSize: 0.01 });
    await admin(stack, token, 'session', { state: 'OPEN' });
    alice = await register(stack, 'alice');
    bob = await register(stack, 'bob');
    await admin(stack, token, 'credit', { userId: alice.id, asset: 'CASH', amount: 1_000_000 });
    for (const s of SYMBOLS) await admin(stack, token, 'credit', { userId: bob.id, asset: s, amount: 100_000 });
    watcher = await connectSocket(stack, (await register(stack, 'watcher')).token);
    for (const p of [alice, bob]) {
      const socket = await connectSocket(stack, p.token);
      const updates: { pu: number; u: number }[] = [];
      socket.on('order', (o) => updates.push({ pu: o.pu, u: o.u }));
      own.set(p.id, { socket, updates });
    }
  }, 60_000);

  afterAll(async () => {
    watcher?.close();
    for (const o of own.values()) o.socket.close();
    await stack?.stop();
  });

  test(`when ${ORDERS} orders change three books at once, then each symbol's update ids are contiguous from its snapshot and rebuild the REST book`, async () => {
    // the listener first, then the subscription: nothing that follows the snapshot is missed
    const got = new Map<string, Depth[]>(SYMBOLS.map((s) => [s, []]));
    watcher.on('depth', (d) => got.get(d.symbol)?.push(d as unknown as Depth));
    const snapshots = new Map<string, { u: number; bids: { price: number; quantity: number }[]; asks: { price: number; quantity: number }[] }>();
    for (const s of SYMBOLS) {
      const ack = await watcher.emitWithAck('subscribe', { channel: 'market', symbol: s });
      if (!ack.ok) throw new Error(`subscribe ${s}: ${ack.message}`);
      snapshots.set(s, ack.snapshot === null ? { u: 0, bids: [], asks: [] } : (ack.snapshot as never));
    }
    let sent = 0;
    const burst = async (who: Participant, side: 'BUY' | 'SELL') => {
      while (sent < ORDERS) {
        const i = sent++;
        const price = ((side === 'BUY' ? 9_990 : 10_000) + ((i * 7) % 20)) / 100;
        const res = await http(stack, 'POST', '/order/place', { token: who.token, body: { symbol: SYMBOLS[i % SYMBOLS.length], side, price, quantity: 1 + (i % 5) } });
        if (res.status !== 200) throw new Error(`place: ${res.status} ${JSON.stringify(res.body)}`);
      }
    };
    await Promise.all([burst(alice, 'BUY'), burst(bob, 'SELL'), burst(alice, 'BUY'), burst(bob, 'SELL')]);

    for (const s of SYMBOLS) {
      const rest = await waitFor(`${s}'s last depth event`, async () => {
        const book = (await http(stack, 'GET', `/market/orderbook/${s}`)).body.data as { u: number; bids: { price: number; quantity: number }[]; asks: { price: number; quantity: number }[] };
        const events = got.get(s)!;
        return events.length > 0 && events[events.length - 1].u === book.u ? book : null;
      });
      const snap = snapshots.get(s)!;
      const after = got.get(s)!.filter((d) => d.u > snap.u);
      expect(after.length).toBeGreaterThan(20);
      // the first event after the snapshot follows it (or, merged by ws-server from batches it had
      // not sent yet, begins before it: its changes are levels' totals, so applying them all in
      // order gives the same book), and each one the one before
      expect(after[0].pu).toBeLessThanOrEqual(snap.u);
      const gaps = after.filter((d, i) => i > 0 && d.pu !== after[i - 1].u);
      expect(gaps).toEqual([]);
      const levels = { BUY: new Map(snap.bids.map((l) => [l.price, l.quantity])), SELL: new Map(snap.asks.map((l) => [l.price, l.quantity])) };
      for (const d of after) {
        for (const c of d.changes) {
          if (c.quantity === 0) levels[c.side].delete(c.price);
          else levels[c.side].set(c.price, c.quantity);
        }
      }
      const sorted = (m: Map<number, number>, dir: 1 | -1) => [...m].sort((a, b) => dir * (a[0] - b[0])).map(([price, quantity]) => ({ price, quantity }));
      expect(sorted(levels.BUY, -1).slice(0, 20)).toEqual(rest.bids.map(({ price, quantity }) => ({ price, quantity })));
      expect(sorted(levels.SELL, 1).slice(0, 20)).toEqual(rest.asks.map(({ price, quantity }) => ({ price, quantity })));
    }

    // each participant's own order updates, over the same burst: numbered 1, 2, 3… without a gap or
    // a repeat; a last order far from the book (nothing trades after it) gives the final number
    for (const p of [alice, bob]) {
      const last = await http(stack, 'POST', '/order/place', { token: p.token, body: { symbol: 'AAA', side: p === alice ? 'BUY' : 'SELL', price: p === alice ? 1 : 1000, quantity: 1 } });
      const final = last.body.data.order.u as number;
      const { updates } = own.get(p.id)!;
      await waitFor(`${p === alice ? 'alice' : 'bob'}'s order update ${final}`, () => updates.some((x) => x.u === final));
      expect(final).toBeGreaterThan(ORDERS / 2);
      expect(updates.map((x) => x.u)).toEqual(Array.from({ length: final }, (_, i) => i + 1));
      expect(updates.every((x) => x.pu === x.u - 1)).toBe(true);
    }
  }, 120_000);
});

import Redis from 'ioredis';
import { WebSocket } from 'ws';
import { ENTRY_FIELD } from '../../contracts/commands';
import { names } from '../../contracts/names';
import { admin, connectSocket, http, loginAdmin, register, waitFor, type Participant } from '../harness/client';
import { REDIS_URL, Stack } from '../harness/stack';

/** book changes per round of the flood; rounds go on until ws-server conflates (at most MAX_CHANGES) */
const CHANGES = Number(process.env.SLOW_CONSUMER_CHANGES ?? 100_000);
const MAX_CHANGES = 2_000_000;

/**
 * A client that stops reading while a symbol's book changes fast: ws-server stops writing it
 * market data once its send buffer is past the limit, and when it reads again it is told
 * (`conflated`), gets the latest book with its update id and depth from there, without a gap and
 * without the backlog; its own order updates, sent meanwhile, all arrive. A client that keeps up
 * beside it gets every depth message. The slow client speaks Engine.IO/Socket.IO over a raw
 * websocket so that the test can pause its TCP socket.
 */
describe('a slow consumer', () => {
  let stack: Stack;
  let redis: Redis;
  let maker: Participant;
  let slow: Participant;

  beforeAll(async () => {
    stack = await Stack.start({ WS_SEND_BUFFER_LIMIT_BYTES: String(64 * 1024) }, ['engine', 'api', 'ws-server']);
    redis = new Redis(REDIS_URL);
    const token = await loginAdmin(stack);
    await admin(stack, token, 'symbols', { symbol: 'FAST', tickSize: 0.01 });
    await admin(stack, token, 'session', { state: 'OPEN' });
    maker = await register(stack, 'maker');
    slow = await register(stack, 'slow-reader');
    await admin(stack, token, 'credit', { userId: maker.id, asset: 'CASH', amount: 100_000_000 });
    await admin(stack, token, 'credit', { userId: maker.id, asset: 'FAST', amount: 100_000_000 });
    await admin(stack, token, 'credit', { userId: slow.id, asset: 'CASH', amount: 10_000 });
  }, 60_000);

  afterAll(async () => {
    redis?.disconnect();
    await stack?.stop();
  });

  test('when a client stops reading during a flood of depth, then its market data is conflated to the latest book, and nothing private is lost', async () => {
    // the raw client: open, connect the namespace with the token, subscribe
    const ws = new WebSocket(`${stack.wsUrl.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const frames: string[] = [];
    ws.on('message', (data) => {
      const text = data.toString();
      if (text === '2') ws.send('3'); // answer Engine.IO's ping
      frames.push(text);
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(`40${JSON.stringify({ token: slow.token })}`);
    await waitFor('the namespace connected', () => frames.some((f) => f.startsWith('40')));
    ws.send('420["subscribe",{"channel":"market","symbol":"FAST"}]');
    const ackFrame = await waitFor('the subscribe ack', () => frames.find((f) => f.startsWith('430')));
    const snapshotU = (JSON.parse(ackFrame.slice(3))[0].snapshot?.u ?? 0) as number;
    // a client that keeps up
    const fastClient = await connectSocket(stack, (await register(stack, 'fast-reader')).token);
    const fastDepth: { pu: number; u: number }[] = [];
    fastClient.on('depth', (d) => fastDepth.push({ pu: d.pu, u: d.u }));
    const fastTicks: (number | null)[] = [];
    fastClient.on('tick', (t) => fastTicks.push(t.lastTradePrice));
    await fastClient.emitWithAck('subscribe', { channel: 'market', symbol: 'FAST' });

    // stop reading, then flood the book straight into the engine's stream until ws-server has had to
    // conflate: how many changes fill the paused socket's kernel buffers and then the send buffer's
    // limit depends on how the engine batches them (one message per batch), so the test does not guess
    (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const stream = names(stack.prefix).inputStream;
    const conflations = async () => {
      const text = await (await fetch(`http://127.0.0.1:${stack.env.WS_METRICS_PORT}/metrics`)).text();
      // a socket that stops reading passes its send buffer's limit (in bytes or packets), not the wait bound
      return [...text.matchAll(/^ws_market_data_conflated_total\{reason="(?:bytes|packets)"\} (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
    };
    let flooded = 0;
    while ((await conflations()) === 0) {
      if (flooded >= MAX_CHANGES) throw new Error(`no conflation after ${flooded} book changes`);
      for (let start = flooded; start < flooded + CHANGES; start += 1000) {
        const pipe = redis.pipeline();
        for (let k = start; k < start + 1000; k++) {
          const side = k % 2 === 0 ? 'BUY' : 'SELL';
          const price = side === 'BUY' ? 5_000 - (k % 500) : 15_000 + (k % 500);
          pipe.xadd(stream, '*', ENTRY_FIELD, JSON.stringify({ action: 'place', orderId: `flood-${k}`, userId: maker.id, symbol: 'FAST', side, type: 'LIMIT', timeInForce: 'GFD', price, quantity: 1 }));
        }
        await pipe.exec();
      }
      flooded += CHANGES;
      // let the engine and ws-server get through this round before asking again
      await waitFor('the round applied', async () => (await http(stack, 'GET', '/market/orderbook/FAST')).body.data.u >= flooded / 2, 60_000);
    }
    // its own orders meanwhile: private updates that must all arrive
    const mine: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await http(stack, 'POST', '/order/place', { token: slow.token, body: { symbol: 'FAST', side: 'BUY', price: 1, quantity: 1, clientOrderId: `slow-${i}` } });
      mine.push(res.body.data.orderId);
    }
    // and a trade while it is not reading: its tick (last price) is market data too, skipped meanwhile
    const seller = await register(stack, 'seller');
    await admin(stack, await loginAdmin(stack), 'credit', { userId: seller.id, asset: 'FAST', amount: 10 });
    const sold = await http(stack, 'POST', '/order/place', { token: seller.token, body: { symbol: 'FAST', side: 'SELL', type: 'MARKET', timeInForce: 'IOC', quantity: 1 } });
    expect(sold.body.data.status).toBe('FILLED');
    const final = await waitFor('the flood applied', async () => {
      const book = (await http(stack, 'GET', '/market/orderbook/FAST')).body.data;
      return fastDepth.length > 0 && fastDepth[fastDepth.length - 1].u === book.u ? book.u : null;
    }, 60_000);
    // the one that kept up: every message, no gap, and the trade's tick: ws-server has nothing more of FAST to send
    expect(fastDepth.filter((d, i) => i > 0 && d.pu !== fastDepth[i - 1].u)).toEqual([]);
    await waitFor('the trade\'s tick on the client that kept up', () => fastTicks[fastTicks.length - 1] === 50, 10_000);
    fastClient.close();

    // read again: a little market data that was under way, then the notice, the latest book and depth from it
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const events = () => frames.filter((f) => f.startsWith('42')).map((f) => JSON.parse(f.slice(2)) as [string, any]);
    // with nothing more of FAST coming, ws-server sees it has drained and resyncs it: the notice, the
    // latest book, the depth since and the latest tick, which carries the trade made while it was not reading
    await waitFor('the resync once it has drained', () => events().some(([name]) => name === 'conflated'), 10_000);
    // the ws-server's metrics count the time it was left without market data, once resynced
    const metrics = await (await fetch(`http://127.0.0.1:${stack.env.WS_METRICS_PORT}/metrics`)).text();
    expect(Number(/^ws_market_data_stage_seconds_count\{stage="behind"\} (\d+)/m.exec(metrics)?.[1] ?? 0)).toBeGreaterThanOrEqual(1);
    // and its garbage collection since the previous scrape, to tell a stall every client saw from a slow pass
    expect(metrics).toMatch(/^ws_gc_since_scrape_seconds\{stat="max"\} [\d.e-]+$/m);
    expect(metrics).toMatch(/^ws_gc_since_scrape_pauses\{kind="major"\} \d+$/m);
    const quote = (await http(stack, 'GET', '/market/quote/FAST')).body.data;
    expect(quote.lastTradePrice).toBe(50);
    const lastTick = () => events().filter(([name]) => name === 'tick').pop()?.[1] as { lastTradePrice: number | null } | undefined;
    await waitFor('the last trade price', () => lastTick()?.lastTradePrice === quote.lastTradePrice, 10_000);
    // one more change: depth goes on from the resynced book
    const after = await http(stack, 'POST', '/order/place', { token: maker.token, body: { symbol: 'FAST', side: 'BUY', price: 40, quantity: 1 } });
    expect(after.status).toBe(200);
    await waitFor('the depth after the flood', () => events().some(([name, d]) => name === 'depth' && d.u > final), 30_000);
    // the whole stream, as a client following the recipe would read it: depth on from the snapshot
    // without a gap; each `conflated` notice (one is sent only after market data was skipped) at once
    // followed by the latest book with the notice's id, and depth on from that book
    const all = events();
    expect(all.some(([name]) => name === 'conflated')).toBe(true);
    const levels = { BUY: new Map<number, number>(), SELL: new Map<number, number>() };
    const snapshotBook = JSON.parse(ackFrame.slice(3))[0].snapshot;
    for (const l of snapshotBook?.bids ?? []) levels.BUY.set(l.price, l.quantity);
    for (const l of snapshotBook?.asks ?? []) levels.SELL.set(l.price, l.quantity);
    let bookId = snapshotU;
    let sawDepth = false;
    let notices = 0;
    for (let k = 0; k < all.length; k++) {
      const [name, m] = all[k];
      if (name === 'conflated') {
        notices++;
        expect(all[k + 1][0]).toBe('orderbook');
        expect(all[k + 1][1].u).toBe(m.u);
      } else if (name === 'orderbook') {
        expect(all[k - 1][0]).toBe('conflated');
        levels.BUY = new Map(m.bids.map((l: { price: number; quantity: number }) => [l.price, l.quantity]));
        levels.SELL = new Map(m.asks.map((l: { price: number; quantity: number }) => [l.price, l.quantity]));
        bookId = m.u;
      } else if (name === 'depth') {
        // each depth follows the one before; only the first after the subscribe snapshot may begin
        // before it (ws-server merged it from batches it had not sent yet)
        if (bookId === snapshotU && !sawDepth) expect(m.pu).toBeLessThanOrEqual(bookId);
        else expect([m.pu, bookId]).toEqual([bookId, bookId]);
        sawDepth = true;
        for (const c of m.changes as { side: 'BUY' | 'SELL'; price: number; quantity: number }[]) {
          if (c.quantity === 0) levels[c.side].delete(c.price);
          else levels[c.side].set(c.price, c.quantity);
        }
        bookId = m.u;
      }
    }
    expect(notices).toBeGreaterThan(0);
    // the book it ends with is the exchange's (REST shows the top levels)
    const rest = (await http(stack, 'GET', '/market/orderbook/FAST')).body.data;
    expect(bookId).toBe(rest.u);
    const top = (m: Map<number, number>, dir: 1 | -1, n: number) => [...m].sort((a, b) => dir * (a[0] - b[0])).slice(0, n).map(([price, quantity]) => ({ price, quantity }));
    expect(top(levels.BUY, -1, rest.bids.length)).toEqual(rest.bids.map(({ price, quantity }: { price: number; quantity: number }) => ({ price, quantity })));
    expect(top(levels.SELL, 1, rest.asks.length)).toEqual(rest.asks.map(({ price, quantity }: { price: number; quantity: number }) => ({ price, quantity })));
    // every private update arrived: each of its orders accepted
    const ordersSeen = () => events().filter(([name]) => name === 'order').map(([, o]) => o.orderId as string);
    await waitFor(`its own order updates (missing: ${mine.filter((id) => !ordersSeen().includes(id)).length})`, () => mine.every((id) => ordersSeen().includes(id)), 10_000);
    ws.close();
  }, 120_000);
});

import Redis from 'ioredis';
import { WebSocket } from 'ws';
import { ENTRY_FIELD } from '../../contracts/commands';
import { names } from '../../contracts/names';
import { admin, connectSocket, http, loginAdmin, register, waitFor, type Participant } from '../harness/client';
import { REDIS_URL, Stack } from '../harness/stack';

/** enough depth to fill the kernel's buffers of a paused loopback socket (several MB) and then the send buffer's limit */
const CHANGES = Number(process.env.SLOW_CONSUMER_CHANGES ?? 200_000);

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
    await fastClient.emitWithAck('subscribe', { channel: 'market', symbol: 'FAST' });

    // stop reading, then flood the book straight into the engine's stream
    (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const stream = names(stack.prefix).inputStream;
    for (let start = 0; start < CHANGES; start += 1000) {
      const pipe = redis.pipeline();
      for (let k = start; k < Math.min(CHANGES, start + 1000); k++) {
        const side = k % 2 === 0 ? 'BUY' : 'SELL';
        const price = side === 'BUY' ? 5_000 - (k % 500) : 15_000 + (k % 500);
        pipe.xadd(stream, '*', ENTRY_FIELD, JSON.stringify({ action: 'place', orderId: `flood-${k}`, userId: maker.id, symbol: 'FAST', side, type: 'LIMIT', timeInForce: 'GFD', price, quantity: 1 }));
      }
      await pipe.exec();
    }
    // its own orders meanwhile: private updates that must all arrive
    const mine: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await http(stack, 'POST', '/order/place', { token: slow.token, body: { symbol: 'FAST', side: 'BUY', price: 1, quantity: 1, clientOrderId: `slow-${i}` } });
      mine.push(res.body.data.orderId);
    }
    const final = await waitFor('the flood applied', async () => {
      const book = (await http(stack, 'GET', '/market/orderbook/FAST')).body.data;
      return fastDepth.length > 0 && fastDepth[fastDepth.length - 1].u === book.u ? book.u : null;
    }, 60_000);
    // the one that kept up: every message, no gap
    expect(fastDepth.filter((d, i) => i > 0 && d.pu !== fastDepth[i - 1].u)).toEqual([]);
    fastClient.close();

    // read again: a little market data that was under way, then the notice, the latest book and depth from it
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await new Promise((r) => setTimeout(r, 200));
    // one more change, so that the resync (which rides on the next message) happens
    const after = await http(stack, 'POST', '/order/place', { token: maker.token, body: { symbol: 'FAST', side: 'BUY', price: 40, quantity: 1 } });
    expect(after.status).toBe(200);
    const events = () => frames.filter((f) => f.startsWith('42')).map((f) => JSON.parse(f.slice(2)) as [string, any]);
    await waitFor('the depth after the resync', () => events().some(([name, d]) => name === 'depth' && d.u > final), 30_000);
    const all = events();
    const notice = all.findIndex(([name]) => name === 'conflated');
    expect(notice).toBeGreaterThanOrEqual(0);
    const [, book] = all[notice + 1];
    expect(all[notice + 1][0]).toBe('orderbook');
    expect(book.u).toBe(all[notice][1].u);
    // before the notice: depth continuous from the snapshot, then stopped well short of the flood
    const before = all.slice(0, notice).filter(([name]) => name === 'depth').map(([, d]) => d);
    before.forEach((d, i) => expect(d.pu).toBe(i === 0 ? snapshotU : before[i - 1].u));
    // it skipped some of what the other got up to the book it was sent instead: the backlog was dropped
    expect(before.length).toBeLessThan(fastDepth.filter((d) => d.u <= book.u).length);
    // after it: depth from the book's id on, without a gap
    const resumed = all.slice(notice + 2).filter(([name]) => name === 'depth').map(([, d]) => d);
    resumed.forEach((d, i) => expect(d.pu).toBe(i === 0 ? book.u : resumed[i - 1].u));
    // every private update arrived: each of its orders accepted
    const ordersSeen = () => events().filter(([name]) => name === 'order').map(([, o]) => o.orderId as string);
    await waitFor(`its own order updates (missing: ${mine.filter((id) => !ordersSeen().includes(id)).length})`, () => mine.every((id) => ordersSeen().includes(id)), 10_000);
    ws.close();
  }, 120_000);
});

/**
 * A small participant bot: logs in (registering the first time), subscribes to a symbol's book,
 * and keeps one buy order a cent under the best bid, printing every fill it gets. Every order has
 * a clientOrderId, and a request that got no answer is sent again with the same body: the
 * exchange executes a clientOrderId at most once, and answers a retry with the first order.
 * Run: EXCHANGE_URL=http://127.0.0.1:3000 WS_URL=http://127.0.0.1:3001 node dist/examples/bot.js
 */
import { io } from 'socket.io-client';

const API = process.env.EXCHANGE_URL ?? 'http://127.0.0.1:3000';
const WS = process.env.WS_URL ?? 'http://127.0.0.1:3001';
const USER = process.env.BOT_USER ?? 'example-bot';
const PASSWORD = process.env.BOT_PASSWORD ?? 'change-me-bot-secret';
const SYMBOL = process.env.BOT_SYMBOL ?? 'ACME';

/** One request; sent again, the same body, when no answer came (the connection failed or timed out). */
async function call(method: string, path: string, body?: unknown, token?: string, attempts = 5) {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${API}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: res.status, body: (await res.json()) as any };
    } catch (err) {
      if (attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 250 * attempt));
    }
  }
}

export async function runBot(rounds = Number(process.env.BOT_ROUNDS ?? 10)): Promise<{ placed: string[]; updates: number }> {
  let auth = await call('POST', '/auth/register', { username: USER, password: PASSWORD });
  if (auth.status === 409) auth = await call('POST', '/auth/login', { username: USER, password: PASSWORD });
  const token: string = auth.body.data.accessToken;

  const socket = io(WS, { auth: { token }, transports: ['websocket'] });
  let updates = 0;
  socket.on('order', (o) => {
    updates++;
    console.log(`order ${o.orderId} ${o.status} ${o.filledQuantity}/${o.quantity}`);
  });
  // its own side of each trade it is in (the other party is never named)
  socket.on('fill', (f) => console.log(`fill ${f.side} ${f.quantity} ${f.symbol} @ ${f.price} (${f.liquidity})`));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));
  const sub = await socket.emitWithAck('subscribe', { channel: 'market', symbol: SYMBOL });
  let bestBid: number | null = sub.ok ? (sub.snapshot?.bids[0]?.price ?? null) : null;
  socket.on('depth', (d) => {
    if (d.side === 'BUY' && d.quantity > 0 && (bestBid === null || d.price > bestBid)) bestBid = d.price;
  });

  const placed: string[] = [];
  let working: string | null = null;
  // unique per order: a retry of the same order carries the same one
  const run = Date.now().toString(36);
  for (let i = 0; i < rounds; i++) {
    if (working !== null) await call('POST', '/order/cancel', { orderId: working }, token);
    const price = Math.max(0.01, Math.round(((bestBid ?? 100) - 0.01) * 100) / 100);
    const res = await call('POST', '/order/place', { symbol: SYMBOL, side: 'BUY', type: 'LIMIT', price, quantity: 1, clientOrderId: `${USER}-${run}-${i}` }, token);
    // 200 with the verdict (retried: true when it is one placed before), 202 in the stream
    if (res.status !== 202 && res.status !== 200) {
      console.log(`refused: ${res.body.code} ${res.body.error}`);
      break;
    }
    working = res.body.data.orderId;
    placed.push(res.body.data.orderId);
    await new Promise((r) => setTimeout(r, 200));
  }
  if (working !== null) await call('POST', '/order/cancel', { orderId: working }, token);
  await new Promise((r) => setTimeout(r, 200));
  socket.disconnect();
  return { placed, updates };
}

if (require.main === module) {
  runBot().then(
    ({ placed, updates }) => console.log(`done: ${placed.length} orders, ${updates} updates`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

/**
 * A small participant bot: logs in (registering the first time), keeps a local copy of a symbol's
 * book from the subscribe snapshot and the depth events (the recipe in docs/api.md: listen first,
 * then subscribe; apply events newer than the snapshot's update id; on a gap, subscribe again),
 * and keeps one buy order a cent under the best bid, printing every fill it gets. Every order has
 * a clientOrderId, and a request that got no answer is sent again with the same body: the
 * exchange executes a clientOrderId at most once, and answers a retry with the first order. Its
 * access token is renewed with the refresh token before it expires, and handed to the socket.
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
  let token: string = auth.body.data.accessToken;
  let refreshToken: string = auth.body.data.refreshToken;

  const socket = io(WS, { auth: (cb) => cb({ token }), transports: ['websocket'] });
  // renew well before the access token expires (its lifetime is in the token itself), and give the
  // open socket the new one so that it is not closed when the old one expires
  const lifetimeMs = () => {
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { iat: number; exp: number };
    return (claims.exp - claims.iat) * 1000;
  };
  let renewal: NodeJS.Timeout | null = null;
  const scheduleRenewal = () => {
    renewal = setTimeout(async () => {
      const res = await call('POST', '/auth/refresh', { refreshToken });
      if (res.status !== 200) return console.log(`could not renew the session: ${res.body.error}`);
      token = res.body.data.accessToken;
      refreshToken = res.body.data.refreshToken;
      socket.emit('auth', { token }, () => undefined);
      scheduleRenewal();
    }, lifetimeMs() * 0.75);
  };
  scheduleRenewal();
  let updates = 0;
  socket.on('order', (o) => {
    updates++;
    console.log(`order ${o.orderId} ${o.status} ${o.filledQuantity}/${o.quantity}`);
  });
  // its own side of each trade it is in (the other party is never named)
  socket.on('fill', (f) => console.log(`fill ${f.side} ${f.quantity} ${f.symbol} @ ${f.price} (${f.liquidity})`));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));

  // the local book: listen before subscribing, so that no event after the snapshot is missed
  const bids = new Map<number, number>();
  let bookId = -1; // the update id the local book is at; -1 while no snapshot is in
  type Depth = { changes: { price: number; quantity: number; side: string }[]; pu: number; u: number };
  let early: Depth[] = [];
  // each depth message holds every level one engine batch changed, with the ids before and after
  const apply = (d: Depth) => {
    if (d.u <= bookId) return; // already in the snapshot
    // a gap: this copy can no longer be trusted. Not `pu !== bookId`: a message merged from batches
    // not yet sent may begin before the book's id (its changes are totals, so applying them is exact)
    if (d.pu > bookId) return void resubscribe();
    for (const c of d.changes) {
      if (c.side !== 'BUY') continue;
      if (c.quantity === 0) bids.delete(c.price);
      else bids.set(c.price, c.quantity);
    }
    bookId = d.u;
  };
  socket.on('depth', (d) => (bookId < 0 ? early.push(d) : apply(d)));
  // fell behind (a full send buffer): the latest book follows, and depth goes on from its id
  socket.on('orderbook', (b) => {
    if (b.u === undefined) return;
    bids.clear();
    for (const l of b.bids) bids.set(l.price, l.quantity);
    bookId = b.u;
  });
  const resubscribe = async () => {
    bookId = -1;
    await socket.emitWithAck('unsubscribe', { channel: 'market', symbol: SYMBOL });
    const sub = await socket.emitWithAck('subscribe', { channel: 'market', symbol: SYMBOL });
    if (!sub.ok) throw new Error(`cannot subscribe: ${sub.message}`);
    bids.clear();
    for (const l of sub.snapshot?.bids ?? []) bids.set(l.price, l.quantity);
    bookId = sub.snapshot?.u ?? 0;
    const buffered = early;
    early = [];
    for (const d of buffered) apply(d);
  };
  await resubscribe();
  // the best bid of the others from the whole local book (it falls when the best level goes), not
  // counting the bot's own working order
  let mine: { price: number; quantity: number } | null = null;
  const bestBid = () => {
    const prices = [...bids].filter(([price, quantity]) => quantity - (mine !== null && mine.price === price ? mine.quantity : 0) > 0).map(([price]) => price);
    return prices.length === 0 ? null : Math.max(...prices);
  };

  const placed: string[] = [];
  let working: string | null = null;
  // unique per order: a retry of the same order carries the same one
  const run = Date.now().toString(36);
  for (let i = 0; i < rounds; i++) {
    const price = Math.max(0.01, Math.round(((bestBid() ?? 100) - 0.01) * 100) / 100);
    if (working !== null) await call('POST', '/order/cancel', { orderId: working }, token);
    const res = await call('POST', '/order/place', { symbol: SYMBOL, side: 'BUY', type: 'LIMIT', price, quantity: 1, clientOrderId: `${USER}-${run}-${i}` }, token);
    // 200 with the verdict (retried: true when it is one placed before), 202 in the stream
    if (res.status !== 202 && res.status !== 200) {
      console.log(`refused: ${res.body.code} ${res.body.error}`);
      break;
    }
    working = res.body.data.orderId;
    mine = { price, quantity: 1 };
    placed.push(res.body.data.orderId);
    await new Promise((r) => setTimeout(r, 200));
  }
  if (working !== null) await call('POST', '/order/cancel', { orderId: working }, token);
  await new Promise((r) => setTimeout(r, 200));
  if (renewal !== null) clearTimeout(renewal);
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

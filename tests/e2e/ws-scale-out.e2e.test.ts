import { admin, connectSocket, http, loginAdmin, record, register, waitFor } from '../harness/client';
import { freePort, Stack } from '../harness/stack';

/** Two ws-server processes serve one exchange: every client gets each of its updates exactly once. */
describe('ws-server scale-out', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start();
  }, 60_000);
  afterAll(async () => stack?.stop());

  test('when clients are spread over two ws-servers, then each gets its own updates once and the book updates reach both', async () => {
    const port = await freePort();
    await stack.startService('ws-server', 'ws-server-2', { WS_PORT: String(port), WS_METRICS_PORT: String(await freePort()) });
    const adminToken = await loginAdmin(stack);
    await admin(stack, adminToken, 'symbols', { symbol: 'ACME' });
    const seller = await register(stack, 'seller');
    const buyer = await register(stack, 'buyer');
    await admin(stack, adminToken, 'credit', { userId: seller.id, asset: 'ACME', amount: 10 });
    await admin(stack, adminToken, 'credit', { userId: buyer.id, asset: 'CASH', amount: 1_000 });
    await admin(stack, adminToken, 'session', { state: 'OPEN' });

    const onFirst = await connectSocket(stack, seller.token);
    const onSecond = await connectSocket(stack, buyer.token, `http://127.0.0.1:${port}`);
    try {
      const sellerSeen = record(onFirst, ['order', 'fill', 'depth']);
      const buyerSeen = record(onSecond, ['order', 'fill', 'depth']);
      await onFirst.emitWithAck('subscribe', { channel: 'market', symbol: 'ACME' });
      await onSecond.emitWithAck('subscribe', { channel: 'market', symbol: 'ACME' });

      const sell = await http(stack, 'POST', '/order/place', { token: seller.token, body: { symbol: 'ACME', side: 'SELL', price: 10, quantity: 5 } });
      await http(stack, 'POST', '/order/place', { token: buyer.token, body: { symbol: 'ACME', side: 'BUY', price: 10, quantity: 5 } });
      await waitFor('both to see their fill', () => sellerSeen.some((e) => e.name === 'fill') && buyerSeen.some((e) => e.name === 'fill'));
      await new Promise((r) => setTimeout(r, 300));

      expect(sellerSeen.filter((e) => e.name === 'fill')).toHaveLength(1);
      expect(buyerSeen.filter((e) => e.name === 'fill')).toHaveLength(1);
      const sellerOrders = sellerSeen.filter((e) => e.name === 'order');
      expect(sellerOrders.map((e) => e.data.status)).toEqual(['PENDING', 'FILLED']);
      expect(sellerOrders.every((e) => e.data.orderId === sell.body.data.orderId)).toBe(true);
      expect(buyerSeen.filter((e) => e.name === 'order').map((e) => e.data.status)).toEqual(['PENDING', 'FILLED']);
      const seqs = (seen: typeof sellerSeen) => seen.filter((e) => e.name === 'depth').map((e) => e.data.seq);
      expect(seqs(buyerSeen)).toEqual(seqs(sellerSeen));
      expect(new Set(seqs(buyerSeen)).size).toBe(seqs(buyerSeen).length);
    } finally {
      onFirst.disconnect();
      onSecond.disconnect();
    }
  });
});

import { admin, connectSocket, http, loginAdmin, record, register, waitFor, type ClientSocket, type Participant } from '../harness/client';
import { Stack } from '../harness/stack';

/**
 * The notification centre over real HTTP and socket.io-client against the running stack: fills
 * (told by db-writer once they are stored), orders the exchange cancelled, followers, comments,
 * likes, announcements, news and session changes; each to its owner only, stored (a reload finds
 * it), marked read, and only of the kinds the participant wants.
 */
describe('notifications', () => {
  let stack: Stack;
  let token: string;
  let alice: Participant;
  let bob: Participant;
  let carol: Participant;
  const sockets: ClientSocket[] = [];
  type Note = { notificationId: number; kind: string; text: string; data: Record<string, unknown>; read: boolean };
  let aliceLive: { name: string; data: Note }[];
  let bobLive: { name: string; data: Note }[];

  const list = async (who: Participant, query = '') => (await http(stack, 'GET', `/notifications${query}`, { token: who.token })).body.data as { items: Note[]; unread: number; nextCursor: number | null };
  const trade = async (price: number, quantity: number) => {
    await http(stack, 'POST', '/order/place', { token: bob.token, body: { symbol: 'ACME', side: 'SELL', price, quantity } });
    const res = await http(stack, 'POST', '/order/place', { token: alice.token, body: { symbol: 'ACME', side: 'BUY', price, quantity } });
    expect(res.body.data.status).toBe('FILLED');
    return res.body.data.trades[0].tradeId as number;
  };

  beforeAll(async () => {
    stack = await Stack.start({}, ['engine', 'db-writer', 'api', 'ws-server']);
    token = await loginAdmin(stack);
    await admin(stack, token, 'symbols', { symbol: 'ACME' });
    [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((n) => register(stack, n)));
    await admin(stack, token, 'credit', { userId: alice.id, asset: 'CASH', amount: 1_000 });
    await admin(stack, token, 'credit', { userId: bob.id, asset: 'ACME', amount: 50 });
    const [a, b] = await Promise.all([connectSocket(stack, alice.token), connectSocket(stack, bob.token)]);
    sockets.push(a, b);
    aliceLive = record(a, ['notification']) as never;
    bobLive = record(b, ['notification']) as never;
    await admin(stack, token, 'session', { state: 'OPEN' });
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await stack?.stop();
  });

  test('when alice buys from bob, then each is told of their own side only, live, and it is stored: a reload lists the same notification, unread', async () => {
    const tradeId = await trade(12.34, 5);
    const mine = await waitFor("alice's fill notification", () => aliceLive.find((e) => e.data.kind === 'FILL' && e.data.data.tradeId === tradeId));
    const his = await waitFor("bob's fill notification", () => bobLive.find((e) => e.data.kind === 'FILL' && e.data.data.tradeId === tradeId));
    expect(mine.data).toMatchObject({ text: 'Bought 5 shares of ACME at $12.34', read: false, data: { side: 'BUY', symbol: 'ACME' } });
    expect(his.data).toMatchObject({ text: 'Sold 5 shares of ACME at $12.34', data: { side: 'SELL' } });
    // each only their own: alice was never told bob's side, nor bob alice's
    expect(aliceLive.filter((e) => e.data.kind === 'FILL').map((e) => e.data.data.side)).toEqual(['BUY']);
    expect(bobLive.filter((e) => e.data.kind === 'FILL').map((e) => e.data.data.side)).toEqual(['SELL']);
    // the session opening reached both too
    expect(aliceLive.some((e) => e.data.kind === 'SESSION' && e.data.text === 'The market is open')).toBe(true);

    // a reload: a new socket, and the centre from REST
    sockets[0].close();
    const again = await connectSocket(stack, alice.token);
    sockets[0] = again;
    aliceLive = record(again, ['notification']) as never;
    const stored = await list(alice);
    expect(stored.items.find((n) => n.notificationId === mine.data.notificationId)).toEqual(mine.data);
    expect(stored.unread).toBe(stored.items.filter((n) => !n.read).length);
    expect((await list(bob)).items.some((n) => n.notificationId === mine.data.notificationId)).toBe(false);
  });

  test('when alice marks notifications read, then the unread count follows, someone else\'s ids change nothing, and all marks the rest', async () => {
    const before = await list(alice);
    const one = before.items.find((n) => !n.read)!;
    expect((await http(stack, 'POST', '/notifications/read', { token: alice.token, body: { ids: [one.notificationId] } })).body.data).toEqual({ marked: 1, unread: before.unread - 1 });
    const bobs = (await list(bob)).items[0];
    expect((await http(stack, 'POST', '/notifications/read', { token: alice.token, body: { ids: [bobs.notificationId] } })).body.data.marked).toBe(0);
    expect((await list(bob)).items[0].read).toBe(false);
    expect((await http(stack, 'POST', '/notifications/read', { token: alice.token, body: { all: true } })).body.data.unread).toBe(0);
    expect((await list(alice, '?unread=true')).items).toEqual([]);
    expect((await http(stack, 'POST', '/notifications/read', { token: alice.token, body: { ids: [] } })).status).toBe(400);
  });

  test('when alice turns fill notifications off, then her next fill tells her nothing while bob is still told of his', async () => {
    const prefs = (await http(stack, 'POST', '/notifications/preferences', { token: alice.token, body: { kinds: { FILL: false } } })).body.data.kinds;
    expect(prefs).toMatchObject({ FILL: false, COMMENT: true, SESSION: true });
    expect((await http(stack, 'GET', '/notifications/preferences', { token: alice.token })).body.data.kinds.FILL).toBe(false);
    const tradeId = await trade(12.5, 1);
    // both sides are stored by one statement: once bob's is there, alice's would be too
    await waitFor("bob's fill", async () => (await list(bob)).items.some((n) => n.data.tradeId === tradeId));
    expect((await list(alice)).items.some((n) => n.data.tradeId === tradeId)).toBe(false);
    expect(aliceLive.some((e) => e.data.data.tradeId === tradeId)).toBe(false);
    await http(stack, 'POST', '/notifications/preferences', { token: alice.token, body: { kinds: { FILL: true } } });
    expect((await http(stack, 'POST', '/notifications/preferences', { token: alice.token, body: { kinds: { PARTY: true } } })).status).toBe(400);
  });

  test('when carol follows alice, comments on and likes her post, then alice is told of each once (and of nothing she did herself)', async () => {
    const post = (await http(stack, 'POST', '/feed/posts', { token: alice.token, body: { text: 'ACME looks cheap' } })).body.data;
    await http(stack, 'POST', `/feed/posts/${post.postId}/like`, { token: alice.token });
    await http(stack, 'POST', `/follows/${alice.id}`, { token: carol.token });
    await http(stack, 'DELETE', `/follows/${alice.id}`, { token: carol.token });
    await http(stack, 'POST', `/follows/${alice.id}`, { token: carol.token });
    await http(stack, 'POST', `/feed/posts/${post.postId}/comments`, { token: carol.token, body: { text: 'Agreed, buying' } });
    await http(stack, 'POST', `/feed/posts/${post.postId}/like`, { token: carol.token });
    await http(stack, 'POST', `/feed/posts/${post.postId}/like`, { token: carol.token });
    const kinds = await waitFor('three notifications', () => {
      const got = aliceLive.filter((e) => ['FOLLOWER', 'COMMENT', 'LIKE'].includes(e.data.kind));
      return got.length >= 3 ? got : null;
    });
    expect(kinds.map((e) => [e.data.kind, e.data.text])).toEqual([
      ['FOLLOWER', 'carol started following you'],
      ['COMMENT', 'carol commented on your post: Agreed, buying'],
      ['LIKE', 'carol liked your post'],
    ]);
    const stored = (await list(alice)).items.filter((n) => ['FOLLOWER', 'COMMENT', 'LIKE'].includes(n.kind));
    expect(stored).toHaveLength(3);
    expect((await list(carol)).items.filter((n) => ['FOLLOWER', 'COMMENT', 'LIKE'].includes(n.kind))).toEqual([]);
  });

  test('when the organiser announces, publishes news and closes the session, then every participant is told, and alice of her order the close cancelled', async () => {
    const resting = await http(stack, 'POST', '/order/place', { token: alice.token, body: { symbol: 'ACME', side: 'BUY', price: 5, quantity: 3 } });
    expect(resting.body.data.status).toBe('PENDING');
    await http(stack, 'POST', '/admin/announcements', { token, body: { text: 'Prizes at 17:00' } });
    await http(stack, 'POST', '/admin/news', { token, body: { headline: 'ACME beats estimates', symbol: 'ACME' } });
    await http(stack, 'POST', '/admin/session', { token, body: { state: 'CLOSED' } });
    for (const who of [alice, bob, carol]) {
      await waitFor(`${who.username} told of the announcement, the news and the close`, async () => {
        const texts = (await list(who)).items.map((n) => `${n.kind}: ${n.text}`);
        return ['ANNOUNCEMENT: Prizes at 17:00', 'NEWS: ACME beats estimates', 'SESSION: The market is closed'].every((t) => texts.includes(t));
      });
    }
    const cancelled = await waitFor("alice's cancelled order", () => aliceLive.find((e) => e.data.kind === 'ORDER_CANCELLED'));
    expect(cancelled.data).toMatchObject({ text: 'Your order to buy 3 shares of ACME at $5.00 was cancelled: the session closed', data: { orderId: resting.body.data.orderId, reason: 'SESSION_CLOSED' } });
    expect(bobLive.some((e) => e.data.kind === 'ORDER_CANCELLED')).toBe(false);
    // organisers are not participants: their centre stays empty
    expect((await http(stack, 'GET', '/notifications', { token })).body.data.items).toEqual([]);
  });
});

import { ErrorCode } from '../../contracts/errors';
import { admin, connectSocket, http, loginAdmin, record, register, waitFor, type ClientSocket, type Participant } from '../harness/client';
import { Stack } from '../harness/stack';

/**
 * The event's feed over real HTTP and a real socket.io-client against the running stack: posts
 * with a real fill attached, live delivery to followers only, comments, likes, pages, pinned
 * announcements, and the organisers' moderation (hide, delete, mute), audited.
 */
describe('the feed', () => {
  // posts and comments per participant per minute: room for every test's, and a test of its own that passes it
  const LIMIT = 10;
  let stack: Stack;
  let token: string;
  let alice: Participant;
  let bob: Participant;
  let carol: Participant;
  let dave: Participant;
  const sockets: ClientSocket[] = [];
  let aliceTrade: { tradeId: number; symbol: string; side: string; price: number; quantity: number; executedAt: string };

  beforeAll(async () => {
    stack = await Stack.start({ FEED_POSTS_PER_MINUTE: String(LIMIT) }, ['engine', 'db-writer', 'api', 'ws-server']);
    token = await loginAdmin(stack);
    await admin(stack, token, 'symbols', { symbol: 'ACME' });
    [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((n) => register(stack, n)));
    await admin(stack, token, 'credit', { userId: alice.id, asset: 'CASH', amount: 1_000 });
    await admin(stack, token, 'credit', { userId: bob.id, asset: 'ACME', amount: 10 });
    await admin(stack, token, 'session', { state: 'OPEN' });
    await http(stack, 'POST', '/order/place', { token: bob.token, body: { symbol: 'ACME', side: 'SELL', price: 12.34, quantity: 5 } });
    const buy = await http(stack, 'POST', '/order/place', { token: alice.token, body: { symbol: 'ACME', side: 'BUY', price: 12.34, quantity: 5 } });
    expect(buy.body.data.status).toBe('FILLED');
    aliceTrade = await waitFor('alice\'s fill stored', async () => (await http(stack, 'GET', '/history/trades', { token: alice.token })).body.data.items[0]);
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await stack?.stop();
  });

  const post = (who: Participant, body: unknown) => http(stack, 'POST', '/feed/posts', { token: who.token, body });

  test('when alice posts one of her fills, then the post shows the real trade (symbol, side, price, quantity, time) and her text exactly as given', async () => {
    const text = 'Bought the dip <img src=x onerror=alert(1)> & held';
    const res = await post(alice, { text, tradeId: aliceTrade.tradeId });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ kind: 'POST', text, pinned: false, likes: 0, comments: 0, author: { userId: alice.id, username: 'alice' } });
    expect(res.body.data.fill).toEqual({ tradeId: aliceTrade.tradeId, symbol: 'ACME', side: 'BUY', price: 12.34, quantity: 5, executedAt: aliceTrade.executedAt });
    expect((await http(stack, 'GET', `/feed/posts/${res.body.data.postId}`, { token: dave.token })).body.data).toMatchObject({ text, fill: res.body.data.fill });
    // bob was the other side of the same trade: attached by him, it shows his side
    const his = await post(bob, { text: 'Sold some', tradeId: aliceTrade.tradeId });
    expect(his.body.data.fill).toMatchObject({ side: 'SELL', price: 12.34, quantity: 5 });
  });

  test('when a participant attaches a fill that is not theirs, or one that does not exist, then the post is refused with 404/21 and nothing is posted', async () => {
    const before = (await http(stack, 'GET', '/feed', { token: carol.token })).body.data.items.length;
    for (const tradeId of [aliceTrade.tradeId, 987_654_321]) {
      const res = await post(carol, { text: 'look at my trade', tradeId });
      expect([res.status, res.body.code]).toEqual([404, ErrorCode.NOT_FOUND]);
      expect(res.body.error).toContain(`You have no fill with trade id ${tradeId}`);
    }
    // and no way to describe a fill by hand
    const invented = await post(carol, { text: 'I bought 1,000,000 at 0.01', fill: { symbol: 'ACME', side: 'BUY', price: 0.01, quantity: 1_000_000 } });
    expect([invented.status, invented.body.code]).toEqual([400, ErrorCode.VALIDATION_ERROR]);
    expect((await http(stack, 'GET', '/feed', { token: carol.token })).body.data.items.length).toBe(before);
  });

  test('when alice posts, then her followers get it live and others only read it in the global feed', async () => {
    await http(stack, 'POST', `/follows/${alice.id}`, { token: carol.token });
    const [carolSocket, daveSocket] = await Promise.all([connectSocket(stack, carol.token), connectSocket(stack, dave.token)]);
    sockets.push(carolSocket, daveSocket);
    const carolGot = record(carolSocket, ['post']);
    const daveGot = record(daveSocket, ['post']);
    const mine = (await post(alice, { text: 'for my followers' })).body.data;
    // an announcement after it, to everyone: once dave has it, alice's post would have come before it
    const announcement = (await http(stack, 'POST', '/admin/announcements', { token, body: { text: 'Trading closes at 16:00' } })).body.data;
    await waitFor('carol gets both', () => carolGot.length === 2);
    await waitFor('dave gets the announcement', () => daveGot.length === 1);
    expect(carolGot.map((e) => e.data.postId)).toEqual([mine.postId, announcement.postId]);
    expect(carolGot[0].data).toMatchObject({ text: 'for my followers', author: { userId: alice.id } });
    expect(daveGot.map((e) => e.data.postId)).toEqual([announcement.postId]);
    expect(daveGot[0].data).toMatchObject({ kind: 'ANNOUNCEMENT', pinned: true });
    // the event does not say who else it went to
    expect(Object.keys(carolGot[0].data)).not.toContain('to');

    const ids = (page: { items: { postId: number }[] }) => page.items.map((p) => p.postId);
    expect(ids((await http(stack, 'GET', '/feed', { token: dave.token })).body.data)).toContain(mine.postId);
    expect(ids((await http(stack, 'GET', '/feed/following', { token: dave.token })).body.data)).not.toContain(mine.postId);
    expect(ids((await http(stack, 'GET', '/feed/following', { token: carol.token })).body.data)).toContain(mine.postId);
    // the announcement is pinned above both feeds, not among their items
    for (const path of ['/feed', '/feed/following']) {
      const page = (await http(stack, 'GET', path, { token: dave.token })).body.data;
      expect(page.pinned.map((p: { postId: number }) => p.postId)).toContain(announcement.postId);
      expect(ids(page)).not.toContain(announcement.postId);
    }
  });

  test('when participants comment and like, then counts and likedByMe follow, twice is once, and comments read oldest first by cursor', async () => {
    const p = (await post(dave, { text: 'What do you make of ACME?' })).body.data;
    for (const text of ['Overvalued', 'Momentum says up', 'Wait for news']) {
      expect((await http(stack, 'POST', `/feed/posts/${p.postId}/comments`, { token: carol.token, body: { text } })).status).toBe(201);
    }
    for (let i = 0; i < 2; i++) expect((await http(stack, 'POST', `/feed/posts/${p.postId}/like`, { token: bob.token })).body.data).toEqual({ postId: p.postId, liked: true, likes: 1 });
    expect((await http(stack, 'GET', `/feed/posts/${p.postId}`, { token: bob.token })).body.data).toMatchObject({ likes: 1, comments: 3, likedByMe: true });
    expect((await http(stack, 'GET', `/feed/posts/${p.postId}`, { token: dave.token })).body.data.likedByMe).toBe(false);
    const first = (await http(stack, 'GET', `/feed/posts/${p.postId}/comments?limit=2`, { token: dave.token })).body.data;
    const rest = (await http(stack, 'GET', `/feed/posts/${p.postId}/comments?limit=2&cursor=${first.nextCursor}`, { token: dave.token })).body.data;
    expect([...first.items, ...rest.items].map((c: { text: string }) => c.text)).toEqual(['Overvalued', 'Momentum says up', 'Wait for news']);
    expect(rest.nextCursor).toBeNull();
    expect((await http(stack, 'DELETE', `/feed/posts/${p.postId}/like`, { token: bob.token })).body.data).toEqual({ postId: p.postId, liked: false, likes: 0 });
    expect((await http(stack, 'POST', '/feed/posts/999999/like', { token: bob.token })).body.code).toBe(ErrorCode.NOT_FOUND);
  });

  test('when the global feed is read page by page, then every post comes once, newest first', async () => {
    const whole = (await http(stack, 'GET', '/feed?limit=100', { token: carol.token })).body.data.items.map((p: { postId: number }) => p.postId);
    expect(whole.length).toBeGreaterThanOrEqual(4);
    const paged: number[] = [];
    let cursor: number | null = null;
    do {
      const page: { items: { postId: number }[]; nextCursor: number | null; pinned: unknown[] } = (await http(stack, 'GET', `/feed?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`, { token: carol.token })).body.data;
      // pinned announcements head the first page only
      if (cursor !== null) expect(page.pinned).toEqual([]);
      paged.push(...page.items.map((p) => p.postId));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(paged).toEqual(whole);
    expect([...whole].sort((a, b) => b - a)).toEqual(whole);
  });

  test('when an organiser mutes a participant, then their posts and comments are refused with code 31 until it is lifted, and the mute is audited', async () => {
    const target = (await post(alice, { text: 'before the mute' })).body.data;
    expect((await http(stack, 'POST', '/admin/mutes', { token, body: { userId: dave.id, minutes: 30, reason: 'spam' } })).status).toBe(200);
    const refused = await post(dave, { text: 'am I heard?' });
    expect([refused.status, refused.body.code]).toEqual([403, ErrorCode.MUTED]);
    expect(refused.body.error).toMatch(/^You are muted in the feed until \d{4}-/);
    expect((await http(stack, 'POST', `/feed/posts/${target.postId}/comments`, { token: dave.token, body: { text: 'hello?' } })).body.code).toBe(ErrorCode.MUTED);
    expect((await http(stack, 'GET', '/admin/mutes', { token })).body.data).toEqual([expect.objectContaining({ userId: dave.id, username: 'dave' })]);
    await http(stack, 'POST', '/admin/mutes', { token, body: { userId: dave.id, minutes: 0 } });
    expect((await post(dave, { text: 'heard again' })).status).toBe(201);
    const audit = await waitFor('the mutes audited', async () => {
      const rows = (await http(stack, 'GET', '/admin/audit', { token })).body.data as { action: string; details: { userId?: string; minutes?: number } }[];
      const mutes = rows.filter((a) => a.action === '/mutes');
      return mutes.length === 2 ? mutes : null;
    });
    expect(audit.map((a) => a.details)).toEqual([expect.objectContaining({ userId: dave.id, minutes: 0 }), expect.objectContaining({ userId: dave.id, minutes: 30, reason: 'spam' })]);
    // only organisers moderate
    expect((await http(stack, 'POST', '/admin/mutes', { token: alice.token, body: { userId: bob.id, minutes: 5 } })).status).toBe(403);
  });

  test('when an organiser hides, unhides and deletes posts and comments, then the feed shows only what is visible, and every action is audited', async () => {
    const p = (await post(bob, { text: 'a post to moderate' })).body.data;
    const c = (await http(stack, 'POST', `/feed/posts/${p.postId}/comments`, { token: carol.token, body: { text: 'a rude comment' } })).body.data;
    const moderate = (path: string, action: string) => http(stack, 'POST', `/admin/${path}/moderate`, { token, body: { action } });
    const inFeed = async () => (await http(stack, 'GET', '/feed?limit=100', { token: carol.token })).body.data.items.some((x: { postId: number }) => x.postId === p.postId);

    expect((await moderate(`comments/${c.commentId}`, 'hide')).status).toBe(200);
    expect((await http(stack, 'GET', `/feed/posts/${p.postId}/comments`, { token: carol.token })).body.data.items).toEqual([]);
    expect((await http(stack, 'GET', `/feed/posts/${p.postId}`, { token: carol.token })).body.data.comments).toBe(0);

    expect((await moderate(`posts/${p.postId}`, 'hide')).status).toBe(200);
    expect(await inFeed()).toBe(false);
    expect((await http(stack, 'GET', `/feed/posts/${p.postId}`, { token: carol.token })).body.code).toBe(ErrorCode.NOT_FOUND);
    await moderate(`posts/${p.postId}`, 'unhide');
    expect(await inFeed()).toBe(true);
    await moderate(`posts/${p.postId}`, 'delete');
    expect(await inFeed()).toBe(false);
    // deleted is for good
    expect((await moderate(`posts/${p.postId}`, 'unhide')).body.code).toBe(ErrorCode.NOT_FOUND);
    expect((await moderate('posts/999999', 'hide')).status).toBe(404);
    expect((await moderate(`posts/${p.postId}`, 'shred')).status).toBe(400);

    const actions = await waitFor('the moderation audited', async () => {
      const rows = (await http(stack, 'GET', '/admin/audit', { token })).body.data as { action: string; details: { action?: string } }[];
      return rows.filter((a) => a.action === `/posts/${p.postId}/moderate`).length === 3 ? rows : null;
    });
    expect(actions.filter((a) => a.action === `/posts/${p.postId}/moderate`).map((a) => a.details.action)).toEqual(['delete', 'unhide', 'hide']);
    expect(actions.filter((a) => a.action === `/comments/${c.commentId}/moderate`).map((a) => a.details.action)).toEqual(['hide']);
  });

  test('when a participant posts past the per-minute limit, then the surplus is refused with 429/20 and not stored', async () => {
    const eager = await register(stack, 'eager');
    const results = [];
    for (let i = 0; i <= LIMIT; i++) results.push(await post(eager, { text: `post ${i}` }));
    expect(results.map((r) => r.status)).toEqual([...Array(LIMIT).fill(201), 429]);
    expect(results[LIMIT].body.code).toBe(ErrorCode.RATE_LIMITED);
    const theirs = (await http(stack, 'GET', '/feed?limit=100', { token: eager.token })).body.data.items.filter((p: { author: { userId: string } }) => p.author.userId === eager.id);
    expect(theirs).toHaveLength(LIMIT);
    // bad text: empty, only spaces, a control character, too long
    const careful = await register(stack, 'careful');
    for (const text of ['', '   ', 'a\u0000b', 'x'.repeat(1001)]) expect((await post(careful, { text })).body.code).toBe(ErrorCode.VALIDATION_ERROR);
  });
});

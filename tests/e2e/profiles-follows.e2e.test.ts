import { ErrorCode } from '../../contracts/errors';
import { admin, http, loginAdmin, register, waitFor, type Participant } from '../harness/client';
import { Stack } from '../harness/stack';

/** The social layer's first part: public profiles, follows and the leaderboard's "following" tab, over real HTTP against the real stack. */
describe('profiles and follows', () => {
  let stack: Stack;
  let token: string;
  let alice: Participant;
  let bob: Participant;
  let carol: Participant;

  beforeAll(async () => {
    stack = await Stack.start({ LEADERBOARD_INTERVAL_MS: '200', REFERENCE_INTERVAL_MS: '100' }, ['engine', 'db-writer', 'api', 'data-server']);
    token = await loginAdmin(stack);
    await admin(stack, token, 'symbols', { symbol: 'ACME' });
    alice = await register(stack, 'alice');
    bob = await register(stack, 'bob');
    carol = await register(stack, 'carol');
    await admin(stack, token, 'credit', { userId: alice.id, asset: 'CASH', amount: 1_000 });
    await admin(stack, token, 'credit', { userId: bob.id, asset: 'ACME', amount: 50 });
    await admin(stack, token, 'session', { state: 'OPEN' });
    await waitFor('a reference price', async () => (await http(stack, 'GET', '/market/reference/ACME')).status === 200);
    // alice buys 7 from bob in two trades
    for (const quantity of [3, 4]) {
      await http(stack, 'POST', '/order/place', { token: bob.token, body: { symbol: 'ACME', side: 'SELL', price: 10, quantity } });
      const res = await http(stack, 'POST', '/order/place', { token: alice.token, body: { symbol: 'ACME', side: 'BUY', price: 10, quantity } });
      expect(res.body.data.status).toBe('FILLED');
    }
  }, 60_000);
  afterAll(async () => stack?.stop());

  test('when a participant sets a display name and bio, then they are stored exactly as given, and the public profile shows them with the leaderboard figures and the trade count', async () => {
    const displayName = '<img src=x onerror=alert(1)>';
    const bio = 'Momentum & mean reversion.\nNo "advice".';
    const set = await http(stack, 'POST', '/account/profile', { token: alice.token, body: { displayName, bio } });
    expect(set).toMatchObject({ status: 200, body: { data: { displayName, bio, showPositions: false } } });
    expect((await http(stack, 'GET', '/account/profile', { token: alice.token })).body.data).toEqual({ displayName, bio, showPositions: false });

    // the figures are the leaderboard's, once data-server has ranked her, and her trades in this event
    const board = await waitFor('alice on the leaderboard', async () => (await http(stack, 'GET', '/leaderboard')).body.data.entries.find((e: { userId: string }) => e.userId === alice.id));
    expect(board.displayName).toBe(displayName);
    await waitFor('both fills stored', async () => (await http(stack, 'GET', '/history/trades', { token: alice.token })).body.data.items.length === 2);
    const profile = (await http(stack, 'GET', `/profiles/${alice.id}`)).body.data;
    expect(profile).toMatchObject({ userId: alice.id, username: 'alice', displayName, bio, trades: 2, followers: 0, following: 0, positions: null });
    expect(profile.rank).toBeGreaterThanOrEqual(1);
    expect(typeof profile.equity).toBe('number');
    // no token needed: profiles are public
    expect(profile.joinedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  test('when a participant chooses to show their positions, then the profile lists what they hold (and not before)', async () => {
    expect((await http(stack, 'GET', `/profiles/${alice.id}`)).body.data.positions).toBeNull();
    await http(stack, 'POST', '/account/profile', { token: alice.token, body: { showPositions: true } });
    const shown = (await http(stack, 'GET', `/profiles/${alice.id}`)).body.data.positions;
    expect(shown).toEqual([expect.objectContaining({ symbol: 'ACME', quantity: 7, averageCost: 10 })]);
    // and nothing of her cash
    expect(JSON.stringify(shown)).not.toContain('cash');
    await http(stack, 'POST', '/account/profile', { token: alice.token, body: { showPositions: false } });
    expect((await http(stack, 'GET', `/profiles/${alice.id}`)).body.data.positions).toBeNull();
  });

  test('when a profile update is not valid, then it is refused with a code that names the field, and nothing changes', async () => {
    const before = (await http(stack, 'GET', '/account/profile', { token: alice.token })).body.data;
    for (const body of [{ displayName: 'bell\u0007' }, { displayName: '   ' }, { displayName: 'x'.repeat(41) }, { bio: 'y'.repeat(281) }, { nickname: 'z' }, {}]) {
      const res = await http(stack, 'POST', '/account/profile', { token: alice.token, body });
      expect([res.status, res.body.code]).toEqual([400, ErrorCode.VALIDATION_ERROR]);
      expect(res.body.error.length).toBeGreaterThan(0);
    }
    expect((await http(stack, 'GET', '/account/profile', { token: alice.token })).body.data).toEqual(before);
    expect((await http(stack, 'POST', '/account/profile', { body: { bio: 'anyone' } })).status).toBe(401);
    expect((await http(stack, 'GET', '/profiles/no-such-participant')).body.code).toBe(ErrorCode.NOT_FOUND);
  });

  test('when bob follows alice, then his list, her follower count and his "following" tab show it, twice is once, and unfollowing undoes it', async () => {
    expect((await http(stack, 'POST', `/follows/${alice.id}`, { token: bob.token })).body.data).toEqual({ userId: alice.id, following: true });
    expect((await http(stack, 'POST', `/follows/${alice.id}`, { token: bob.token })).status).toBe(200);
    await http(stack, 'POST', `/follows/${alice.id}`, { token: carol.token });
    const mine = (await http(stack, 'GET', '/follows', { token: bob.token })).body.data;
    expect(mine.following).toEqual([expect.objectContaining({ userId: alice.id, username: 'alice', displayName: '<img src=x onerror=alert(1)>' })]);
    expect((await http(stack, 'GET', '/follows', { token: alice.token })).body.data).toEqual({ following: [], followers: 2 });
    expect((await http(stack, 'GET', `/profiles/${alice.id}`)).body.data).toMatchObject({ followers: 2, following: 0 });
    expect((await http(stack, 'GET', `/profiles/${bob.id}`)).body.data).toMatchObject({ followers: 0, following: 1 });

    // the "following" tab: bob and alice (carol is not followed), each at their place on the whole board
    const whole = await waitFor('alice and bob ranked', async () => {
      const entries = (await http(stack, 'GET', '/leaderboard')).body.data.entries as { userId: string; rank: number }[];
      return entries.some((e) => e.userId === alice.id) && entries.some((e) => e.userId === bob.id) ? entries : null;
    });
    const tab = (await http(stack, 'GET', '/leaderboard/following', { token: bob.token })).body.data.entries as { userId: string; rank: number }[];
    expect(tab.map((e) => e.userId).sort()).toEqual([alice.id, bob.id].sort());
    for (const e of tab) expect(Math.abs(e.rank - whole.find((w) => w.userId === e.userId)!.rank)).toBeLessThanOrEqual(1);
    expect(tab.map((e) => e.rank)).toEqual([...tab.map((e) => e.rank)].sort((a, b) => a - b));

    expect((await http(stack, 'DELETE', `/follows/${alice.id}`, { token: bob.token })).body.data).toEqual({ userId: alice.id, following: false });
    expect((await http(stack, 'DELETE', `/follows/${alice.id}`, { token: bob.token })).status).toBe(200);
    expect((await http(stack, 'GET', '/follows', { token: bob.token })).body.data.following).toEqual([]);
    expect((await http(stack, 'GET', `/profiles/${alice.id}`)).body.data.followers).toBe(1);
    expect((await http(stack, 'GET', '/leaderboard/following', { token: bob.token })).body.data.entries.map((e: { userId: string }) => e.userId)).toEqual([bob.id]);
  });

  test('when a follow names oneself or nobody, or comes without a token, then it is refused with a clear code', async () => {
    expect(await http(stack, 'POST', `/follows/${bob.id}`, { token: bob.token })).toMatchObject({ status: 400, body: { code: ErrorCode.VALIDATION_ERROR, error: 'You cannot follow yourself' } });
    expect(await http(stack, 'POST', '/follows/nobody-at-all', { token: bob.token })).toMatchObject({ status: 404, body: { code: ErrorCode.NOT_FOUND } });
    expect((await http(stack, 'POST', `/follows/${alice.id}`)).status).toBe(401);
    expect((await http(stack, 'GET', '/leaderboard/following')).status).toBe(401);
    expect((await http(stack, 'POST', `/follows/${encodeURIComponent('bad id')}`, { token: bob.token })).body.code).toBe(ErrorCode.VALIDATION_ERROR);
  });
});

import type { Browser } from 'playwright-core';
import { admin, http, loginAdmin } from '../harness/client';
import { Stack } from '../harness/stack';
import { launchBrowser, openTrader, participantId, seriousAxeViolations, signUp, type Trader } from './browser';

/**
 * The social layer on the participant's screen, in a real browser against the real stack: a fill
 * shared from the trade history reaches a follower live, a post's markup shows as text, profiles
 * open from the leaderboard and follow from there, and notifications count up live.
 */
describe('browser social UI', () => {
  let stack: Stack;
  let browser: Browser;
  let adminToken: string;
  let alice: Trader;
  let bob: Trader;

  const userId = (username: string) => participantId(stack, adminToken, username);
  const tab = (t: Trader, name: string) => t.page.click(`#activity-tabs [data-tab="${name}"]`);

  beforeAll(async () => {
    stack = await Stack.start({ LEADERBOARD_INTERVAL_MS: '300' }, ['engine', 'db-writer', 'api', 'ws-server', 'data-server']);
    adminToken = await loginAdmin(stack);
    await admin(stack, adminToken, 'symbols', { symbol: 'ACME', tickSize: 0.01, lotSize: 1, referencePrice: 100 });
    await admin(stack, adminToken, 'session', { state: 'OPEN' });
    browser = await launchBrowser();
    alice = await openTrader(browser, stack);
    await signUp(alice.page, 'alice');
    bob = await openTrader(browser, stack);
    await signUp(bob.page, 'bob');
    const [aliceId, bobId] = [await userId('alice'), await userId('bob')];
    await admin(stack, adminToken, 'credit', { userId: aliceId, asset: 'CASH', amount: 10_000 });
    await admin(stack, adminToken, 'credit', { userId: bobId, asset: 'ACME', amount: 20 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  afterEach(() => {
    expect(alice?.errors ?? []).toEqual([]);
    expect(bob?.errors ?? []).toEqual([]);
  });

  it('bob follows alice from her profile on the leaderboard, and his "following" tab shows her', async () => {
    // a trade between them, so that both are ranked (and alice has a fill to share)
    const [aliceId, bobId] = [await userId('alice'), await userId('bob')];
    const bobToken = (await http(stack, 'POST', '/auth/login', { body: { username: 'bob', password: 'browser-password' } })).body.data.accessToken;
    const aliceToken = (await http(stack, 'POST', '/auth/login', { body: { username: 'alice', password: 'browser-password' } })).body.data.accessToken;
    await http(stack, 'POST', '/order/place', { token: bobToken, body: { symbol: 'ACME', side: 'SELL', price: 101.5, quantity: 3 } });
    expect((await http(stack, 'POST', '/order/place', { token: aliceToken, body: { symbol: 'ACME', side: 'BUY', price: 101.5, quantity: 3 } })).body.data.status).toBe('FILLED');

    await tab(bob, 'leaderboard');
    await bob.page.waitForSelector(`#leaderboard button[data-profile="${aliceId}"]`);
    await bob.page.click(`#leaderboard button[data-profile="${aliceId}"]`);
    await bob.page.waitForSelector('#profile-follow');
    expect(await bob.page.textContent('#profile h3')).toContain('alice');
    await bob.page.click('#profile-follow');
    await bob.page.waitForFunction(() => document.getElementById('profile-follow')?.textContent === 'Unfollow');
    expect((await http(stack, 'GET', '/follows', { token: bobToken })).body.data.following.map((f: { userId: string }) => f.userId)).toEqual([aliceId]);
    await bob.page.click('#leaderboard-scope [data-scope="following"]');
    await bob.page.waitForFunction(
      ([a, b]) => {
        const ids = [...document.querySelectorAll<HTMLButtonElement>('#leaderboard button[data-profile]')].map((x) => x.dataset.profile);
        return ids.length === 2 && ids.includes(a) && ids.includes(b);
      },
      [aliceId, bobId],
    );
    expect(await seriousAxeViolations(bob.page)).toEqual([]);
  });

  it('alice shares a fill from her trade history with a text full of markup: bob sees it live, as text, with the real trade', async () => {
    await tab(alice, 'trades');
    await alice.page.waitForSelector('#trade-history button[data-share]');
    await alice.page.click('#trade-history button[data-share]');
    // the Share button opens the feed with the fill attached
    await alice.page.waitForSelector('[data-panel="feed"]:not([hidden])');
    expect(await alice.page.textContent('#post-fill')).toContain('Bought 3 ACME @ 101.50');
    const text = 'Look <img src=x onerror=alert(1)> at this';
    await alice.page.fill('#post-text', text);
    await alice.page.click('#post-form button[type=submit]');
    await alice.page.waitForFunction(() => document.getElementById('post-verdict')?.textContent === 'Posted');

    // bob, a follower, gets it live in his feed
    await tab(bob, 'feed');
    await bob.page.waitForFunction((t) => [...document.querySelectorAll('#feed .post-text')].some((p) => p.textContent === t), text);
    const post = bob.page.locator('#feed .post', { hasText: 'Look' }).first();
    expect(await post.locator('.post-fill').textContent()).toBe('Bought 3 ACME @ 101.50');
    // the markup is text: no image element was made, nothing ran
    expect(await bob.page.locator('#feed img').count()).toBe(0);
    expect(await alice.page.locator('#feed img').count()).toBe(0);
    // and nobody was told by a dialog
    let dialogs = 0;
    bob.page.on('dialog', () => dialogs++);
    await bob.page.reload();
    await bob.page.waitForSelector('#connection[data-state=live]');
    await tab(bob, 'feed');
    await bob.page.waitForFunction((t) => [...document.querySelectorAll('#feed .post-text')].some((p) => p.textContent === t), text);
    expect(dialogs).toBe(0);
    // bob likes it: alice's notification count goes up live, and the centre lists it
    await bob.page.click('#feed .post button[data-like]');
    await bob.page.waitForFunction(() => document.querySelector('#feed .post button[data-like]')?.getAttribute('aria-pressed') === 'true');
    await alice.page.waitForFunction(() => Number(document.getElementById('notification-count')?.textContent || '0') > 0);
    await tab(alice, 'notifications');
    await alice.page.waitForFunction(() => document.getElementById('notifications')?.textContent?.includes('bob liked your post'));
    await alice.page.click('#notifications-read');
    await alice.page.waitForFunction(() => document.getElementById('notification-count')?.textContent === '');
    expect(await seriousAxeViolations(alice.page)).toEqual([]);
  });

  it('bob comments from the feed and alice chooses her notifications; an organiser hides the post from the feed', async () => {
    await tab(bob, 'feed');
    await bob.page.click('#feed .post button[data-comments]');
    await bob.page.fill('#feed .comment-form input[name=text]', 'Nice <b>entry</b>');
    await bob.page.click('#feed .comment-form button[type=submit]');
    await bob.page.waitForFunction(() => [...document.querySelectorAll('#feed .comments .post-text')].some((c) => c.textContent === 'Nice <b>entry</b>'));
    expect(await bob.page.locator('#feed .comments b').count()).toBe(0);
    await alice.page.waitForFunction(() => document.getElementById('notifications')?.textContent?.includes('bob commented on your post: Nice <b>entry</b>'));

    // alice turns like notifications off from the centre: stored for her
    await tab(alice, 'notifications');
    await alice.page.click('#notification-kinds summary');
    await alice.page.uncheck('#notification-kind-list input[data-kind="LIKE"]');
    const aliceToken = (await http(stack, 'POST', '/auth/login', { body: { username: 'alice', password: 'browser-password' } })).body.data.accessToken;
    await waitForValue(async () => (await http(stack, 'GET', '/notifications/preferences', { token: aliceToken })).body.data.kinds.LIKE === false);

    // the organiser hides it from the feed on the same screen
    const org = await openTrader(browser, stack);
    try {
      await org.page.fill('#auth-form input[name=username]', 'organiser');
      await org.page.fill('#auth-form input[name=password]', 'organiser-password');
      await org.page.click('#auth-submit');
      await org.page.waitForSelector('#connection[data-state=live]');
      await tab(org, 'feed');
      // an announcement from the same form: pinned on every participant's feed, live
      await org.page.check('#post-form input[name=announce]');
      await org.page.fill('#post-text', 'Prizes at 5 pm');
      await org.page.click('#post-form button[type=submit]');
      await bob.page.waitForFunction(() => [...document.querySelectorAll('#feed .post.pinned .post-text')].some((p) => p.textContent === 'Prizes at 5 pm'));
      await org.page.waitForSelector('#feed .post:not(.pinned) button[data-moderate="hide"]');
      await org.page.click('#feed .post:not(.pinned) button[data-moderate="hide"]');
      await org.page.waitForFunction(() => document.querySelectorAll('#feed .post:not(.pinned)').length === 0);
      expect(org.errors).toEqual([]);
    } finally {
      await org.context.close();
    }
    await bob.page.reload();
    await bob.page.waitForSelector('#connection[data-state=live]');
    await tab(bob, 'feed');
    await bob.page.waitForFunction(() => document.querySelectorAll('#feed .post').length === 1 && document.querySelector('#feed .post.pinned') !== null);
  });

  it('alice names herself and shows her positions from her own profile; bob sees the name on the leaderboard and her positions', async () => {
    await tab(alice, 'leaderboard');
    await alice.page.click('#my-profile');
    await alice.page.waitForSelector('#profile-edit');
    await alice.page.fill('#profile-edit input[name=displayName]', 'Alice <i>the</i> Bold');
    await alice.page.fill('#profile-edit textarea[name=bio]', 'Value investor');
    await alice.page.check('#profile-edit input[name=showPositions]');
    await alice.page.click('#profile-edit button[type=submit]');
    await alice.page.waitForFunction(() => document.getElementById('profile-verdict')?.textContent === 'Saved');
    expect(await alice.page.textContent('#profile h3')).toContain('Alice <i>the</i> Bold');

    const aliceId = await userId('alice');
    await tab(bob, 'leaderboard');
    await bob.page.click('#leaderboard-scope [data-scope="all"]');
    await bob.page.waitForFunction((id) => document.querySelector(`#leaderboard button[data-profile="${id}"]`)?.textContent === 'Alice <i>the</i> Bold', aliceId);
    await bob.page.click(`#leaderboard button[data-profile="${aliceId}"]`);
    await bob.page.waitForFunction(() => document.getElementById('profile')?.textContent?.includes('ACME 3'));
    expect(await bob.page.locator('#profile i').count()).toBe(0);
    expect(await bob.page.textContent('#profile')).toContain('Value investor');
  });
});

/** Polls a condition the page does not show (a stored setting), failing after 10 s. */
async function waitForValue(done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('the value never came');
    await new Promise((r) => setTimeout(r, 50));
  }
}

import { existsSync, statSync } from 'fs';
import type { Browser } from 'playwright-core';
import { admin, http, loginAdmin, register } from '../harness/client';
import { Stack } from '../harness/stack';
import { fillTicket, launchBrowser, participantId, logIn, openTrader, rows, screenshot, seriousAxeViolations, signUp, submitTicket, type Trader } from './browser';

/**
 * The browser UI against the real running stack (api, engine, ws-server, db-writer on the real
 * Redis and PostgreSQL), in headless Chromium: two participants in two browser contexts.
 */
describe('browser trading UI', () => {
  let stack: Stack;
  let browser: Browser;
  let adminToken: string;
  let alice: Trader;
  let bob: Trader;

  const userId = (username: string) => participantId(stack, adminToken, username);
  const bookLevels = async (t: Trader, side: 'asks' | 'bids') => (await rows(t.page, `#book-${side}`)).map(([price, qty]) => `${price} x ${qty}`);

  beforeAll(async () => {
    // data-server too: it ranks the leaderboard (its bots stay off until the organiser test)
    stack = await Stack.start({ LEADERBOARD_INTERVAL_MS: '500' }, ['engine', 'db-writer', 'api', 'ws-server', 'data-server']);
    adminToken = await loginAdmin(stack);
    await admin(stack, adminToken, 'symbols', { symbol: 'ACME', tickSize: 0.01, lotSize: 1, referencePrice: 100 });
    await admin(stack, adminToken, 'session', { state: 'OPEN' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  afterEach(() => {
    // nothing the pages did may have thrown or logged an error
    expect(alice?.errors ?? []).toEqual([]);
    expect(bob?.errors ?? []).toEqual([]);
  });

  /** the requests refused since the last look, emptied */
  const refusedSince = (t: Trader) => t.refused.splice(0);

  it('a participant signs up, places a limit order and sees it in open orders and in the book', async () => {
    alice = await openTrader(browser, stack);
    await signUp(alice.page, 'alice');
    expect(await alice.page.textContent('#who')).toBe('alice');
    // the organiser screen is for the admin role only
    expect(await alice.page.isVisible('#nav-organiser')).toBe(false);
    expect(await alice.page.isVisible('#organiser-view')).toBe(false);
    await admin(stack, adminToken, 'credit', { userId: await userId('alice'), asset: 'CASH', amount: 10_000 });
    // the credit arrives live as a balance event
    await alice.page.waitForFunction(() => document.getElementById('cash-available')?.textContent === '$10,000.00');

    await fillTicket(alice.page, { side: 'BUY', quantity: '10', price: '100.00' });
    expect(await alice.page.textContent('#ticket-cost')).toBe('Costs $1,000.00');
    expect(await submitTicket(alice.page)).toBe('Accepted: BUY 10 ACME @ 100.00, resting in the book');

    const open = await rows(alice.page, '#open-orders');
    expect(open).toHaveLength(1);
    expect(open[0].slice(1, 7)).toEqual(['ACME', 'Buy', 'Limit, good for day', '100.00', '0 / 10', 'Open']);
    await alice.page.waitForFunction(() => document.querySelector('#book-bids tr[data-price="100"]') !== null);
    expect(await bookLevels(alice, 'bids')).toEqual(['100.00 x 10']);
    expect(await alice.page.textContent('#cash-locked')).toBe('$1,000.00');
    // the page loaded everything it needed: no request was refused
    expect(refusedSince(alice)).toEqual([]);
  });

  it('a second participant crosses it in a second browser context; both see the fill, their positions and cash change', async () => {
    bob = await openTrader(browser, stack);
    await signUp(bob.page, 'bob');
    await admin(stack, adminToken, 'credit', { userId: await userId('bob'), asset: 'ACME', amount: 50 });
    await bob.page.waitForFunction(() => document.querySelector('#positions tr[data-symbol="ACME"] td:nth-child(2)')?.textContent === '50');
    // bob sees alice's bid from the moment he signs in
    expect(await bookLevels(bob, 'bids')).toEqual(['100.00 x 10']);

    await fillTicket(bob.page, { side: 'SELL', quantity: '10', price: '100.00' });
    expect(await submitTicket(bob.page)).toBe('Filled: SELL 10 ACME @ 100.00');
    // alice was doing nothing: her resting order's fill is announced
    await alice.page.waitForFunction(() => [...document.querySelectorAll('#toasts .toast.fill')].some((t) => t.textContent === 'Your order filled: bought 10 ACME at $100.00'));
    // bob took liquidity: his verdict says it, no toast
    expect(await bob.page.$$('#toasts .toast')).toHaveLength(0);

    // alice: her order is filled and gone from open orders, she holds 10 shares, her cash paid for them
    await alice.page.waitForFunction(() => document.getElementById('open-orders')?.textContent?.includes('No open orders'));
    await alice.page.waitForFunction(() => document.querySelector('#positions tr[data-symbol="ACME"] td:nth-child(2)')?.textContent === '10');
    expect(await alice.page.textContent('#cash-available')).toBe('$9,000.00');
    expect(await alice.page.textContent('#cash-locked')).toBe('$0.00');
    // bob: 40 shares left and the proceeds
    await bob.page.waitForFunction(() => document.querySelector('#positions tr[data-symbol="ACME"] td:nth-child(2)')?.textContent === '40');
    expect(await bob.page.textContent('#cash-available')).toBe('$1,000.00');

    for (const t of [alice, bob]) {
      // the trade on both tapes, once, and the book empty again
      await t.page.waitForFunction(() => document.querySelectorAll('#tape tr').length === 1 && document.querySelector('#tape td')?.textContent === '100.00');
      expect((await rows(t.page, '#tape'))[0].slice(0, 2)).toEqual(['100.00', '10']);
      expect(await bookLevels(t, 'bids')).toEqual([]);
      // the candle chart is drawn (lightweight-charts paints on canvases)
      expect(await t.page.$$eval('#chart canvas', (c) => c.length)).toBeGreaterThan(0);
      // the symbol list's last price and volume
      const acme = (await rows(t.page, '#symbol-list'))[0];
      expect([acme[0], acme[1], acme[4]]).toEqual(['ACME', '100.00', '10']);
    }
    // average cost and history arrive once db-writer has persisted the fill
    await alice.page.waitForFunction(() => document.querySelector('#positions tr[data-symbol="ACME"] td:nth-child(3)')?.textContent === '100.00');
    await alice.page.click('[data-tab=trades]');
    // the chosen tab is said to a screen reader, not only shown
    expect(await alice.page.$$eval('#activity-tabs [aria-pressed="true"]', (bs) => bs.map((b) => b.getAttribute('data-tab')))).toEqual(['trades']);
    await alice.page.waitForFunction(() => document.getElementById('trade-history')?.textContent?.includes('Maker'));
    expect((await rows(alice.page, '#trade-history'))[0].slice(1)).toEqual(['ACME', 'Bought', '100.00', '10', 'Maker', '$0.00', 'Share']);
    await bob.page.click('[data-tab=orders]');
    await bob.page.waitForFunction(() => document.getElementById('order-history')?.textContent?.includes('Filled'));
    expect((await rows(bob.page, '#order-history'))[0].slice(1, 7)).toEqual(['ACME', 'Sell', 'Limit, good for day', '100.00', '10 / 10', 'Filled']);
    // the leaderboard, live: alice $9,000 + 10 x 100.00, bob $1,000 + 40 x 100.00
    await alice.page.click('[data-tab=leaderboard]');
    await alice.page.waitForFunction(() => document.getElementById('leaderboard')?.textContent?.includes('$5,000.00'));
    expect((await rows(alice.page, '#leaderboard')).map((r) => r.slice(0, 3))).toEqual([['1', 'alice', '$10,000.00'], ['2', 'bob', '$5,000.00']]);
    await alice.page.click('[data-tab=open]');
    await bob.page.click('[data-tab=open]');
    expect(refusedSince(alice)).toEqual([]);
    expect(refusedSince(bob)).toEqual([]);
  });

  it('cancel works: the order leaves open orders and the book, and its cash is released', async () => {
    await fillTicket(alice.page, { side: 'BUY', quantity: '5', price: '99.00' });
    expect(await submitTicket(alice.page)).toContain('Accepted');
    await alice.page.waitForSelector('#open-orders button[data-cancel]');
    expect(await alice.page.textContent('#cash-locked')).toBe('$495.00');
    await bob.page.waitForFunction(() => document.querySelector('#book-bids tr[data-price="99"]') !== null);

    await alice.page.click('#open-orders button[data-cancel]');
    await alice.page.waitForFunction(() => document.getElementById('open-orders')?.textContent?.includes('No open orders'));
    expect(await alice.page.textContent('#verdict')).toBe('Cancelled BUY 5 ACME');
    await alice.page.waitForFunction(() => document.getElementById('cash-locked')?.textContent === '$0.00');
    for (const t of [alice, bob]) {
      await t.page.waitForFunction(() => document.querySelector('#book-bids tr[data-price="99"]') === null);
    }
  });

  it('amend and stop orders from the screen: the amend form changes a resting order, a stop order waits off the book', async () => {
    await fillTicket(alice.page, { side: 'BUY', quantity: '5', price: '98.00' });
    expect(await submitTicket(alice.page)).toContain('Accepted');
    await alice.page.click('#open-orders button[data-amend]');
    expect(await alice.page.textContent('#amend-what')).toBe('Buy 5 ACME @ 98.00 (0 filled)');
    await alice.page.fill('#amend-form input[name=price]', '98.50');
    await alice.page.fill('#amend-form input[name=quantity]', '4');
    await alice.page.click('#amend-form button[type=submit]');
    await alice.page.waitForFunction(() => document.getElementById('amend-form')?.hidden === true);
    expect(await alice.page.textContent('#verdict')).toBe('Amended: Accepted: BUY 4 ACME @ 98.50, resting in the book');
    expect((await rows(alice.page, '#open-orders'))[0].slice(4, 7)).toEqual(['98.50', '0 / 4', 'Open']);
    await bob.page.waitForFunction(() => document.querySelector('#book-bids tr[data-price="98.5"]') !== null);
    await alice.page.click('#open-orders button[data-cancel]');
    await alice.page.waitForFunction(() => document.getElementById('open-orders')?.textContent?.includes('No open orders'));

    // a stop-limit buy above the last trade: it waits, locks its cash, shows no amend, and cancels
    await alice.page.selectOption('#ticket select[name=type]', 'STOP_LIMIT');
    expect(await alice.page.isVisible('#ticket input[name=stopPrice]')).toBe(true);
    await fillTicket(alice.page, { side: 'BUY', type: 'STOP_LIMIT', quantity: '2', price: '150.00', stopPrice: '150.00' });
    expect(await submitTicket(alice.page)).toBe('Accepted: BUY 2 ACME @ 150.00, waiting for a trade at 150.00');
    const [row] = await rows(alice.page, '#open-orders');
    expect(row.slice(3, 7)).toEqual(['Stop limit, good for day', '150.00stop 150.00', '0 / 2', 'Waiting for its stop']);
    expect(await alice.page.$('#open-orders button[data-amend]')).toBeNull();
    await alice.page.waitForFunction(() => document.getElementById('cash-locked')?.textContent === '$300.00');
    expect(await bookLevels(bob, 'bids')).not.toContain('150.00 x 2');
    await alice.page.click('#open-orders button[data-cancel]');
    await alice.page.waitForFunction(() => document.getElementById('cash-locked')?.textContent === '$0.00');
    await alice.page.selectOption('#ticket select[name=type]', 'LIMIT');
    expect(await alice.page.isVisible('#ticket input[name=stopPrice]')).toBe(false);
    expect(refusedSince(alice)).toEqual([]);
  });

  it('a bad order shows the reason: inline for bad fields, the engine\'s verdict for a refused order', async () => {
    await fillTicket(alice.page, { side: 'BUY', quantity: '0', price: '100.005' });
    expect(await submitTicket(alice.page)).toBe('Fix the highlighted fields');
    expect(await alice.page.textContent('[data-error-for=quantity]')).toBe('Quantity must be at least 1');
    expect(await alice.page.textContent('[data-error-for=price]')).toBe('Price: a positive amount with at most two decimals');
    expect(await alice.page.getAttribute('#ticket input[name=price]', 'aria-invalid')).toBe('true');

    // valid to the ticket, refused by the engine: alice has $9,000 and this costs $100,000; in dollars and words
    await fillTicket(alice.page, { side: 'BUY', quantity: '1000', price: '100.00' });
    expect(await alice.page.textContent('[data-error-for=quantity]')).toBe('');
    expect(await alice.page.textContent('#ticket-available')).toBe('$9,000.00 available: up to 90 shares');
    expect(await submitTicket(alice.page)).toBe('Not placed: Not enough cash: $100,000.00 needed, $9,000.00 available');
    // selling shares she does not have
    await fillTicket(alice.page, { side: 'SELL', quantity: '11', price: '100.00' });
    expect(await alice.page.textContent('#ticket-available')).toBe('10 shares available to sell');
    expect(await submitTicket(alice.page)).toBe('Not placed: Not enough ACME shares: 11 needed, 10 available');
    // the quick buttons fill in what she can: all 10 shares, half of them
    await alice.page.click('#ticket [data-fraction="1"]');
    expect(await alice.page.inputValue('#ticket input[name=quantity]')).toBe('10');
    await alice.page.click('#ticket [data-fraction="0.5"]');
    expect(await alice.page.inputValue('#ticket input[name=quantity]')).toBe('5');
    expect(await rows(alice.page, '#open-orders')).toEqual([['No open orders']]);
    // the two refusals were the engine's, and the ticket never sent the malformed order
    expect(refusedSince(alice)).toEqual(['422 POST /order/place', '422 POST /order/place']);
  });

  it('after the ws-server restarts, the page reconnects and shows the right book without stale or doubled rows', async () => {
    await fillTicket(alice.page, { side: 'BUY', quantity: '2', price: '98.00' });
    expect(await submitTicket(alice.page)).toContain('Accepted');
    await stack.stopService('ws-server');
    await alice.page.waitForSelector('#connection[data-state=reconnecting]');

    // while alice is cut off: bob rests an ask (REST still works) and alice's bid is taken by his market sell
    await fillTicket(bob.page, { side: 'SELL', quantity: '3', price: '101.00' });
    expect(await submitTicket(bob.page)).toContain('Accepted');
    await fillTicket(bob.page, { side: 'SELL', quantity: '2', type: 'MARKET', timeInForce: 'IOC' });
    expect(await submitTicket(bob.page)).toBe('Filled: SELL 2 ACME at market');

    await stack.startService('ws-server');
    for (const t of [alice, bob]) {
      await t.page.waitForSelector('#connection[data-state=live]', { timeout: 20_000 });
      await t.page.waitForFunction(() => document.querySelector('#book-asks tr[data-price="101"]') !== null);
      expect(await bookLevels(t, 'asks')).toEqual(['101.00 x 3']);
      expect(await bookLevels(t, 'bids')).toEqual([]);
      // the reload after the reconnect brings the trade missed meanwhile, once
      await t.page.waitForFunction(() => document.querySelector('#tape td')?.textContent === '98.00');
      const tape = await rows(t.page, '#tape');
      expect(tape.map((r) => r.slice(0, 2))).toEqual([['98.00', '2'], ['100.00', '10']]);
    }
    // alice's order filled while she was away: not left open, and her position counts it
    expect(await rows(alice.page, '#open-orders')).toEqual([['No open orders']]);
    await alice.page.waitForFunction(() => document.querySelector('#positions tr[data-symbol="ACME"] td:nth-child(2)')?.textContent === '12');
    expect(refusedSince(alice)).toEqual([]);
    const bobOpen = await rows(bob.page, '#open-orders');
    expect(bobOpen.map((r) => r.slice(1, 7))).toEqual([['ACME', 'Sell', 'Limit, good for day', '101.00', '0 / 3', 'Open']]);
    // the screen with a book, a tape, candles and a position on it
    await alice.page.waitForFunction(() => document.querySelector('#positions tr[data-symbol="ACME"] td:nth-child(3)')?.textContent !== '—');
    await screenshot(alice.page, 'trader', 1280);
    await screenshot(alice.page, 'trader', 390);
    await alice.page.setViewportSize({ width: 1280, height: 900 });
  });

  it('others trading moves her P&L, the symbol list agrees with the book, the chart switches interval, the book works by keyboard', async () => {
    // carol buys 1 of bob's 3 at 101.00: alice does nothing, yet her 12 shares are now marked at 101.00
    const carol = await register(stack, 'carol');
    await admin(stack, adminToken, 'credit', { userId: carol.id, asset: 'CASH', amount: 1_000 });
    const equityBefore = await alice.page.textContent('#equity');
    const bought = await http(stack, 'POST', '/order/place', { token: carol.token, body: { symbol: 'ACME', side: 'BUY', type: 'MARKET', timeInForce: 'IOC', quantity: 1 } });
    expect(bought.body.data.status).toBe('FILLED');
    await alice.page.waitForFunction(() => document.querySelector('#positions tr[data-symbol="ACME"] td:nth-child(4)')?.textContent === '101.00');
    // cash 9,000 - 2 x 98.00, plus 12 x 101.00
    await alice.page.waitForFunction(() => document.getElementById('equity')?.textContent === '$10,016.00');
    expect(equityBefore).not.toBe('$10,016.00');
    // cost 10 x 100 + 2 x 98 = 1,196.00 against 1,212.00
    await alice.page.waitForFunction(() => document.getElementById('pnl')?.textContent === '+$16.00');

    // the symbol list's bid and ask are the book's own best levels
    await alice.page.waitForFunction(() => document.querySelector('#book-asks tr[data-price="101"] td:nth-child(2)')?.textContent === '2');
    const acme = (await rows(alice.page, '#symbol-list')).find((r) => r[0] === 'ACME')!;
    expect([acme[2], acme[3]]).toEqual(['—', '101.00']);
    expect(await bookLevels(alice, 'asks')).toEqual(['101.00 x 2']);

    // a market order's cost is estimated from the book, and the book says when it is too thin
    await fillTicket(alice.page, { side: 'BUY', quantity: '2', type: 'MARKET', timeInForce: 'IOC' });
    expect(await alice.page.textContent('#ticket-cost')).toBe("About $202.00 at today's book");
    await fillTicket(alice.page, { side: 'BUY', quantity: '3', type: 'MARKET', timeInForce: 'IOC' });
    expect(await alice.page.textContent('#ticket-cost')).toBe("About $202.00 at today's book (it holds only 2 shares)");

    // a book level by keyboard: focus it, Enter takes its price into the ticket
    await fillTicket(alice.page, { side: 'BUY', quantity: '1', price: '' });
    await alice.page.focus('#book-asks tr[data-price="101"]');
    await alice.page.keyboard.press('Enter');
    expect(await alice.page.inputValue('#ticket input[name=price]')).toBe('101.00');

    // the chart's interval: 5 minutes asks the api for 5-minute candles
    const asked = alice.page.waitForRequest((r) => r.url().includes('/market/candles/ACME?interval=5m'));
    await alice.page.click('#chart-intervals [data-interval="5m"]');
    await asked;
    expect(await alice.page.getAttribute('#chart-intervals [data-interval="5m"]', 'aria-pressed')).toBe('true');
    expect(await alice.page.getAttribute('#chart-intervals [data-interval="1m"]', 'aria-pressed')).toBe('false');
    expect(await alice.page.$$eval('#chart canvas', (c) => c.length)).toBeGreaterThan(0);
    expect(refusedSince(alice)).toEqual([]);
  });

  it('on a phone every control is within its card and at least 32 px tall; axe-core finds no serious violation', async () => {
    await bob.page.setViewportSize({ width: 390, height: 900 });
    // bob still has 2 shares resting at 101.00
    const cancel = (await bob.page.$('#open-orders button[data-cancel]'))!;
    const box = (await cancel.boundingBox())!;
    const card = (await (await bob.page.$('.activity'))!.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(32);
    expect(box.x + box.width).toBeLessThanOrEqual(card.x + card.width);
    const small = await bob.page.$$eval('#trade-view button, #trade-view input, #trade-view select', (els) =>
      els.filter((e) => (e as HTMLElement).offsetParent !== null && e.getBoundingClientRect().height < 32).map((e) => e.outerHTML.slice(0, 80)),
    );
    expect(small).toEqual([]);
    expect(await seriousAxeViolations(bob.page)).toEqual([]);
    await bob.page.setViewportSize({ width: 1280, height: 900 });
    expect(await seriousAxeViolations(bob.page)).toEqual([]);
  });

  it('the organiser screen: session control, symbols, funding, bots and volume', async () => {
    const org = await openTrader(browser, stack);
    await logIn(org.page, 'organiser', 'organiser-password');
    await org.page.click('#nav-organiser');
    await org.page.waitForFunction(() => document.getElementById('org-participants')?.textContent?.includes('alice'));
    // the session comes with the trader screen's own sync, which may finish after the participants load
    await org.page.waitForFunction(() => document.getElementById('org-session')?.textContent === 'OPEN');

    // list a symbol: it appears on the participants' screens live
    await org.page.fill('#org-add-symbol input[name=symbol]', 'BETA');
    await org.page.fill('#org-add-symbol input[name=referencePrice]', '25.00');
    await org.page.click('#org-add-symbol button[type=submit]');
    await org.page.waitForFunction(() => document.getElementById('org-symbol-result')?.textContent === 'Listed BETA (tick 0.01, lot 1)');
    await alice.page.waitForFunction(() => document.querySelector('#symbol-list tr[data-symbol="BETA"]') !== null);

    // fund bob with BETA shares
    await org.page.selectOption('#org-credit-user', { label: 'bob' });
    await org.page.waitForFunction(() => document.querySelector('#org-credit-asset option[value="BETA"]') !== null);
    await org.page.selectOption('#org-credit-asset', 'BETA');
    await org.page.fill('#org-credit input[name=amount]', '20');
    await org.page.click('#org-credit button[type=submit]');
    await org.page.waitForFunction(() => document.getElementById('org-credit-result')?.textContent === 'Credited bob with 20 BETA');
    await bob.page.waitForFunction(() => document.querySelector('#positions tr[data-symbol="BETA"] td:nth-child(2)')?.textContent === '20');

    // volume by symbol from PostgreSQL: ACME traded 10 + 2 + 1 shares
    await org.page.click('#org-volume-refresh');
    await org.page.waitForFunction(() => document.getElementById('org-volume')?.textContent?.includes('ACME'));
    expect((await rows(org.page, '#org-volume'))[0].slice(1)).toEqual(['ACME', '13', '$1,297.00', '3']);

    // bots on with an intensity, as stored for data-server
    await org.page.check('#org-bots input[name=enabled]');
    await org.page.fill('#org-bots input[name=intensity]', '3');
    await org.page.click('#org-bots button[type=submit]');
    await org.page.waitForFunction(() => document.getElementById('org-bots-result')?.textContent === 'Bots on, intensity 3');
    expect((await http(stack, 'GET', '/admin/bots', { token: adminToken })).body.data).toEqual({ enabled: true, intensity: 3 });

    // halting shows on the participant's screen live, and her orders are refused with the reason
    await org.page.click('[data-session=HALTED]');
    await alice.page.waitForFunction(() => document.getElementById('session-state')?.textContent === 'Market halted');
    await fillTicket(alice.page, { side: 'BUY', quantity: '1', price: '100.00' });
    expect(await submitTicket(alice.page)).toBe('Not placed: Trading is halted');
    await org.page.click('[data-session=OPEN]');
    await alice.page.waitForFunction(() => document.getElementById('session-state')?.textContent === 'Market open');
    await org.page.waitForFunction(() => document.getElementById('org-audit')?.textContent?.includes('/session'));
    expect(refusedSince(alice)).toEqual(['409 POST /order/place']);
    expect(refusedSince(org)).toEqual([]);

    expect(await seriousAxeViolations(org.page)).toEqual([]);
    await screenshot(org.page, 'organiser', 1280);
    await screenshot(org.page, 'organiser', 390);
    expect(org.errors).toEqual([]);
    await org.context.close();
  });

  it('saved the screenshots as artifacts', () => {
    for (const name of ['trader-1280', 'trader-390', 'organiser-1280', 'organiser-390']) {
      const path = `${__dirname}/../../artifacts/ui/${name}.png`;
      expect(existsSync(path)).toBe(true);
      expect(statSync(path).size).toBeGreaterThan(10_000);
    }
  });
});

import { join } from 'path';
import type { Browser } from 'playwright-core';
import { http } from '../harness/client';
import { Stack } from '../harness/stack';
import { fillTicket, launchBrowser, logIn, openTrader, signUp, submitTicket, type Trader } from './browser';

const DEMO = join(__dirname, '..', '..', 'events', 'demo.yaml');
const SYMBOLS = ['ACME', 'GLOBX', 'NOVA'];
/** how long the books are watched for an empty side (LIQUIDITY_WATCH_MS for longer runs) */
const WATCH_MS = Number(process.env.LIQUIDITY_WATCH_MS ?? 8000);

/**
 * A fresh exchange started as `npm start` starts it (EVENT_FILE = the demo): a newcomer signs up
 * in the browser and fills a market order, with no organiser step at all.
 */
describe('the demo event on a fresh exchange', () => {
  let stack: Stack;
  let browser: Browser;
  let newcomer: Trader;

  beforeAll(async () => {
    stack = await Stack.start({ EVENT_FILE: DEMO, REFERENCE_INTERVAL_MS: '250', LEADERBOARD_INTERVAL_MS: '1000' }, ['engine', 'db-writer', 'api', 'ws-server', 'data-server']);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test('when the bots have quoted, then every book has both sides, and keeps them on every look while they trade', async () => {
    const sides = async () => Promise.all(SYMBOLS.map(async (s) => (await http(stack, 'GET', `/market/orderbook/${s}`)).body.data as { bids: unknown[]; asks: unknown[] }));
    const deadline = Date.now() + 30_000;
    while (!(await sides()).every((b) => b.bids.length > 0 && b.asks.length > 0)) {
      if (Date.now() > deadline) throw new Error('the demo books never had both sides');
      await new Promise((r) => setTimeout(r, 100));
    }
    // then looked at as often as the api answers, across many of the bots' requoting steps
    let looks = 0;
    const until = Date.now() + WATCH_MS;
    while (Date.now() < until) {
      const books = await sides();
      books.forEach((b, i) => {
        if (b.bids.length === 0 || b.asks.length === 0) throw new Error(`${SYMBOLS[i]} had an empty side at look ${looks}: ${JSON.stringify(b)}`);
      });
      looks++;
    }
    expect(looks).toBeGreaterThan(20);
  }, 60_000);

  test('when a newcomer signs up in the browser, then they start with the demo money and a 50-share market order fills completely', async () => {
    newcomer = await openTrader(browser, stack);
    await signUp(newcomer.page, 'newcomer');
    await newcomer.page.waitForFunction(() => document.getElementById('cash-available')?.textContent === '$100,000.00');
    await newcomer.page.click('#symbol-list tr[data-symbol=ACME]');
    await fillTicket(newcomer.page, { side: 'BUY', quantity: '50', type: 'MARKET', timeInForce: 'IOC' });
    expect(await submitTicket(newcomer.page)).toBe('Filled: BUY 50 ACME at market');
    expect(newcomer.errors).toEqual([]);
    const login = await http(stack, 'POST', '/auth/login', { body: { username: 'newcomer', password: 'browser-password' } });
    const balance = (await http(stack, 'GET', '/account/balance', { token: login.body.data.accessToken })).body.data;
    expect(balance.positions.ACME.available + balance.positions.ACME.locked).toBe(150);
  }, 60_000);

  test('when the organiser posts news from their screen, then the newcomer sees it live as text, and an event cannot be loaded while open', async () => {
    const org = await openTrader(browser, stack);
    await logIn(org.page, 'organiser', 'organiser-password');
    await org.page.click('#nav-organiser');
    await org.page.waitForFunction(() => document.getElementById('org-event')?.textContent?.startsWith('Demo market: loaded'));

    const headline = 'Breaking <img src=x onerror=alert(1)> ACME';
    await org.page.fill('#org-news input[name=headline]', headline);
    await org.page.selectOption('#org-news-symbol', 'ACME');
    await org.page.click('#org-news button[type=submit]');
    await org.page.waitForFunction(() => document.getElementById('org-news-result')?.textContent?.startsWith('Published'));
    // the newcomer's page, already open: the headline arrives over Socket.IO, as text
    await newcomer.page.waitForFunction((h) => [...document.querySelectorAll('#news tr')].some((tr) => tr.textContent?.includes(h)), headline);
    expect(await newcomer.page.$$('#news img')).toHaveLength(0);

    await org.page.setInputFiles('#org-event-file', { name: 'again.yaml', mimeType: 'application/yaml', buffer: Buffer.from('name: Again\nsymbols: [{ symbol: ACME, tickSize: 0.01, referencePrice: 100 }]') });
    await org.page.click('#org-event-form button[type=submit]');
    await org.page.waitForFunction(() => document.getElementById('org-event-result')?.textContent?.startsWith('Refused'));
    expect(await org.page.textContent('#org-event-result')).toContain('Close the session before loading an event');
    await org.page.setInputFiles('#org-event-file', { name: 'bad.yaml', mimeType: 'application/yaml', buffer: Buffer.from('name: Bad\nsymbols: [{ symbol: acme, referencePrice: 1 }]') });
    await org.page.click('#org-event-form button[type=submit]');
    await org.page.waitForFunction(() => (document.getElementById('org-event-problems')?.textContent ?? '').includes('symbols.0.symbol'));
    expect(org.errors).toEqual([]);
    expect(newcomer.errors).toEqual([]);
  }, 60_000);
});

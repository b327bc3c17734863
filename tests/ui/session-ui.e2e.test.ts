import type { Browser } from 'playwright-core';
import { admin, loginAdmin } from '../harness/client';
import { Stack } from '../harness/stack';
import { fillTicket, launchBrowser, openTrader, signUp, submitTicket } from './browser';

/**
 * Access tokens that expire within seconds: the page refreshes them silently for REST and for the
 * Socket.IO handshake, and two tabs of one browser share the rotation instead of tripping the
 * refresh-token reuse detection (which would sign the participant out everywhere).
 */
describe('browser UI sessions', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await Stack.start({ ACCESS_TOKEN_TTL_SECONDS: '2' });
    const token = await loginAdmin(stack);
    await admin(stack, token, 'symbols', { symbol: 'ACME' });
    await admin(stack, token, 'session', { state: 'OPEN' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('keeps trading and reconnecting after the access token expires, in two tabs at once', async () => {
    const tab1 = await openTrader(browser, stack);
    await signUp(tab1.page, 'carol');
    // a second tab of the same browser: same storage, same session
    const tab2Page = await tab1.context.newPage();
    await tab2Page.goto(`${stack.apiUrl}/app/`);
    await tab2Page.waitForSelector('#connection[data-state=live]');
    expect(await tab2Page.textContent('#who')).toBe('carol');

    await new Promise((r) => setTimeout(r, 3000)); // both access tokens are now expired
    // each tab's next request is refused once, refreshed and retried: tab 1 rotates the refresh
    // token, and tab 2 must take the rotated one from storage rather than present the spent one
    await fillTicket(tab1.page, { side: 'BUY', quantity: '1', price: '1.00' });
    expect(await submitTicket(tab1.page)).toMatch(/^Rejected: .*\(code 4\)$/); // no cash: the engine's verdict, so the request got through
    await fillTicket(tab2Page, { side: 'BUY', quantity: '1', price: '1.00' });
    expect(await submitTicket(tab2Page)).toMatch(/^Rejected: .*\(code 4\)$/);

    // both tabs find the token expired at the same moment: one rotates, the other waits for it and
    // takes the new tokens instead of presenting the spent refresh token (which would end the session)
    await new Promise((r) => setTimeout(r, 3000));
    await fillTicket(tab1.page, { side: 'BUY', quantity: '1', price: '1.00' });
    await fillTicket(tab2Page, { side: 'BUY', quantity: '1', price: '1.00' });
    // refreshes held back a little, so that the two tabs' certainly overlap
    await tab1.context.route('**/auth/refresh', async (route) => {
      await new Promise((r) => setTimeout(r, 300));
      await route.continue();
    });
    const both = await Promise.all([submitTicket(tab1.page), submitTicket(tab2Page)]);
    await tab1.context.unroute('**/auth/refresh');
    for (const verdict of both) expect(verdict).toMatch(/^Rejected: .*\(code 4\)$/);

    // the ws-server restarts while the tokens are expired again: the handshake is refused, the
    // page refreshes and reconnects
    await new Promise((r) => setTimeout(r, 3000));
    await stack.stopService('ws-server');
    await stack.startService('ws-server');
    for (const page of [tab1.page, tab2Page]) {
      await page.waitForSelector('#connection[data-state=live]', { timeout: 20_000 });
      expect(await page.isVisible('#auth-view')).toBe(false);
    }
    expect(tab1.errors).toEqual([]);
    // every refusal was an expired access token or the engine's verdict, and every refresh went
    // through: nobody was signed out
    expect(tab1.refused.filter((r) => !(r.startsWith('401 ') && !r.includes('/auth/')) && r !== '422 POST /order/place')).toEqual([]);
    expect(tab1.refused.some((r) => r === '401 POST /order/place')).toBe(true);
  });
});

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
    const tab2Refused: string[] = [];
    const tab2Errors: string[] = [];
    tab2Page.on('pageerror', (e) => tab2Errors.push(e.message));
    tab2Page.on('response', (r) => {
      if (r.status() >= 400) tab2Refused.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
    });
    await tab2Page.goto(`${stack.apiUrl}/app/`);
    await tab2Page.waitForSelector('#connection[data-state=live]');
    expect(await tab2Page.textContent('#who')).toBe('carol');

    await new Promise((r) => setTimeout(r, 3000)); // both access tokens are now expired
    // tab 1 renews its token before using it (the verdict is the engine's, so the order got through)
    await fillTicket(tab1.page, { side: 'BUY', quantity: '1', price: '1.00' });
    expect(await submitTicket(tab1.page)).toBe('Not placed: Not enough cash: $1.00 needed, $0.00 available');
    // by the time tab 2 needs a token, the one tab 1 rotated has expired as well (what a slow
    // machine did by itself): tab 2 must neither use it nor present the spent refresh token, but
    // rotate the newest refresh token
    await new Promise((r) => setTimeout(r, 2100));
    await fillTicket(tab2Page, { side: 'BUY', quantity: '1', price: '1.00' });
    expect(await submitTicket(tab2Page)).toBe('Not placed: Not enough cash: $1.00 needed, $0.00 available');

    // the api refuses a token the page still counted as good (a clock that jumped, a machine that
    // slept): the page renews it and sends the order once more
    let refusedOnce = false;
    await tab1.context.route('**/order/place', async (route) => {
      if (refusedOnce) return route.continue();
      refusedOnce = true;
      await route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ success: false, error: 'Access token expired', code: 18 }) });
    });
    await fillTicket(tab1.page, { side: 'BUY', quantity: '1', price: '1.00' });
    expect(await submitTicket(tab1.page)).toBe('Not placed: Not enough cash: $1.00 needed, $0.00 available');
    await tab1.context.unroute('**/order/place');
    expect(refusedOnce).toBe(true);

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
    // with two-second tokens a renewal can be inside the handler now: let it finish rather than have
    // the route fall back under it ("Route is already handled")
    await tab1.context.unrouteAll({ behavior: 'wait' });
    for (const verdict of both) expect(verdict).toBe('Not placed: Not enough cash: $1.00 needed, $0.00 available');

    // the ws-server restarts while the tokens are expired again: each page renews its token for the
    // handshake and reconnects
    await new Promise((r) => setTimeout(r, 3000));
    await stack.stopService('ws-server');
    await stack.startService('ws-server');
    for (const page of [tab1.page, tab2Page]) {
      await page.waitForSelector('#connection[data-state=live]', { timeout: 20_000 });
      expect(await page.isVisible('#auth-view')).toBe(false);
    }
    expect(tab1.errors).toEqual([]);
    expect(tab2Errors).toEqual([]);
    // tokens were renewed before they expired: apart from the one refusal the test made up and the
    // engine's verdicts, nothing was refused, and nobody was signed out
    for (const refused of [tab1.refused, tab2Refused]) {
      expect(refused.filter((r) => r !== '422 POST /order/place')).toEqual(refused === tab1.refused ? ['401 POST /order/place'] : []);
    }
  });
});

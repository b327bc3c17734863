/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (the callbacks given to page.waitForFunction and $$eval run in the browser)
import { mkdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { http } from '../harness/client';
import type { Stack } from '../harness/stack';

/** Debian's Chromium, driven headless by playwright-core; fails loudly when it is not installed. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(__dirname, '..', '..', 'artifacts', 'ui');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'] });
}

export interface Trader {
  context: BrowserContext;
  page: Page;
  /** what the page threw or logged as an error (network refusals aside): a test fails on any */
  errors: string[];
  /** requests the exchange answered with 4xx/5xx, for the tests that expect them */
  refused: string[];
}

export async function openTrader(browser: Browser, stack: Stack, width = 1280): Promise<Trader> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const refused: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // the browser logs every refused request and every failed reconnect attempt itself
    if (m.type() === 'error' && !/^Failed to load resource|^WebSocket connection to .* failed/.test(m.text())) errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400) refused.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  await page.goto(`${stack.apiUrl}/`);
  return { context, page, errors, refused };
}

export async function signUp(page: Page, username: string, password = 'browser-password'): Promise<void> {
  await page.click('[data-kind=register]');
  await page.fill('#auth-form input[name=username]', username);
  await page.fill('#auth-form input[name=password]', password);
  await page.click('#auth-submit');
  await page.waitForSelector('#connection[data-state=live]');
}

/** Logs in with the form (an existing account: the organiser, say) and waits for the live connection. */
export async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.fill('#auth-form input[name=username]', username);
  await page.fill('#auth-form input[name=password]', password);
  await page.click('#auth-submit');
  await page.waitForSelector('#connection[data-state=live]');
}

export async function fillTicket(page: Page, t: { side: 'BUY' | 'SELL'; quantity: string; price?: string; type?: 'LIMIT' | 'MARKET' | 'STOP_MARKET' | 'STOP_LIMIT'; timeInForce?: string; stopPrice?: string }): Promise<void> {
  const type = t.type ?? 'LIMIT';
  await page.click(`#ticket [data-side=${t.side}]`);
  await page.selectOption('#ticket select[name=type]', type);
  await page.selectOption('#ticket select[name=timeInForce]', t.timeInForce ?? (type === 'STOP_MARKET' ? 'IOC' : 'GFD'));
  await page.fill('#ticket input[name=quantity]', t.quantity);
  if (type === 'LIMIT' || type === 'STOP_LIMIT') await page.fill('#ticket input[name=price]', t.price ?? '');
  if (type === 'STOP_LIMIT' || type === 'STOP_MARKET') await page.fill('#ticket input[name=stopPrice]', t.stopPrice ?? '');
}

/** Submits the ticket and returns the verdict the page shows. */
export async function submitTicket(page: Page): Promise<string> {
  await page.evaluate(() => {
    document.getElementById('verdict')!.textContent = '';
  });
  await page.click('#ticket-submit');
  await page.waitForFunction(() => {
    const text = document.getElementById('verdict')?.textContent ?? '';
    return text !== '' && text !== 'Sending…';
  });
  return (await page.textContent('#verdict')) ?? '';
}

/**
 * Rows of a table body as their cells' text, once the page has drawn: it coalesces redraws to the
 * next animation frame, so a table read right after a verdict could still show the frame before.
 */
export async function rows(page: Page, tbody: string): Promise<string[][]> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  return page.$$eval(`${tbody} tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
}

export async function screenshot(page: Page, name: string, width: number): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.setViewportSize({ width, height: 900 });
  await page.waitForTimeout(250); // the chart redraws on resize
  const path = join(ARTIFACTS, `${name}-${width}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** axe-core, from npm, run inside the page (evaluated over the DevTools protocol, so the page's CSP does not apply to it) */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** The serious and critical accessibility violations axe-core finds in the page as it is now. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A participant's id by username, from the organiser's list (the page itself shows no ids). */
export async function participantId(stack: Stack, adminToken: string, username: string): Promise<string> {
  const res = await http(stack, 'GET', '/admin/participants', { token: adminToken });
  return res.body.data.find((p: { username: string }) => p.username === username).id as string;
}

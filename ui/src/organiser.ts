import { Text, type Api } from './api.js';
import { byId, emptyRow, setText } from './dom.js';
import { esc, formatMoney, formatPrice, formatShares, formatTime } from './format.js';
import { refusalText } from './messages.js';
import type { LiveSocket } from './live.js';
import type { TraderScreen } from './trader.js';

/**
 * The organiser's screen (admin role): session control, symbols, funding, the liquidity bots and
 * traded volume. Actions go through the api's /admin endpoints; their results and every
 * organiser's actions arrive back live.
 */
export class OrganiserScreen {
  private assetsShown = '';
  private participants: { id: string; username: string; role: string; cash: { available: number; locked: number } }[] = [];

  constructor(
    private readonly api: Api,
    private readonly trader: TraderScreen,
  ) {
    document.querySelectorAll<HTMLButtonElement>('[data-session]').forEach((b) =>
      b.addEventListener('click', () => {
        // closing expires every resting order of every participant: not one to do by a slip
        if (b.dataset.session === 'CLOSED' && !confirm('Close the session? Every resting order expires and every portfolio is snapshotted.')) return;
        void this.act('org-session-result', 'POST', '/admin/session', { state: b.dataset.session }, (d) => `Session ${String(d.state).toLowerCase()}${d.snapshot ? `; ${d.snapshot.participants} portfolios snapshotted` : ''}`);
      }),
    );
    byId('org-reset').addEventListener('click', () => {
      if (confirm('Reset every balance to zero for a new event?')) void this.act('org-session-result', 'POST', '/admin/reset', {}, () => 'Reset: balances are zero, a new event can be funded');
    });
    this.form('org-add-symbol', (v) => {
      const body: Record<string, unknown> = { symbol: v.symbol.trim().toUpperCase() };
      if (v.tickSize.trim() !== '') body.tickSize = v.tickSize.trim();
      if (v.lotSize.trim() !== '') body.lotSize = Number(v.lotSize);
      if (v.referencePrice.trim() !== '') body.referencePrice = v.referencePrice.trim();
      return this.act('org-symbol-result', 'POST', '/admin/symbols', body, (d) => `Listed ${d.symbol} (tick ${d.tickSize}, lot ${d.lotSize})`);
    });
    this.form('org-credit', (v) => {
      const asset = v.asset;
      const amount = asset === 'CASH' ? v.amount.trim() : Number(v.amount);
      const who = this.participants.find((p) => p.id === v.userId)?.username ?? v.userId;
      const path = v.userId === '*' ? '/admin/credit/bulk' : '/admin/credit';
      const body = v.userId === '*' ? { asset, amount } : { userId: v.userId, asset, amount };
      return this.act('org-credit-result', 'POST', path, body, (d) =>
        d.credited !== undefined ? `Credited ${d.credited} participants with ${asset === 'CASH' ? formatMoney(Number(amount)) : `${formatShares(Number(amount))} ${asset}`}` : `Credited ${who} with ${asset === 'CASH' ? formatMoney(Number(amount)) : `${formatShares(Number(amount))} ${asset}`}`,
      ).then(() => this.loadParticipants());
    });
    this.form('org-bots', (_v, form) => {
      const enabled = (form.elements.namedItem('enabled') as HTMLInputElement).checked;
      const intensityText = (form.elements.namedItem('intensity') as HTMLInputElement).value.trim();
      const body: Record<string, unknown> = { enabled };
      if (intensityText !== '') body.intensity = Number(intensityText);
      return this.act('org-bots-result', 'POST', '/admin/bots', body, (d) => `Bots ${d.enabled ? 'on' : 'off'}${d.intensity !== undefined ? `, intensity ${d.intensity}` : ''}`);
    });
    byId('org-volume-refresh').addEventListener('click', () => void this.loadVolume());
    this.form('org-event-form', async () => {
      const file = byId<HTMLInputElement>('org-event-file').files?.[0];
      byId('org-event-problems').innerHTML = '';
      if (file === undefined) return setText('org-event-result', 'Choose an event file first', 'down');
      const res = await this.api.call('POST', '/admin/event', new Text(await file.text(), 'application/yaml'));
      if (res.ok) {
        setText('org-event-result', `Loaded ${res.data.name}: ${res.data.symbols.join(', ')}, ${res.data.news} news items${res.data.opened ? '; the session is open' : ''}`, 'up');
        void this.loadEvent();
      } else {
        setText('org-event-result', `Refused: ${res.error}`, 'down');
        for (const p of (res.data as { problems?: string[] } | undefined)?.problems ?? []) {
          const li = document.createElement('li');
          li.textContent = p;
          byId('org-event-problems').append(li);
        }
      }
    });
    byId('org-results').addEventListener('click', () => void this.downloadResults());
    this.form('org-news', (v) => {
      const body: Record<string, unknown> = { headline: v.headline.trim() };
      if (v.body.trim() !== '') body.body = v.body.trim();
      if (v.symbol !== '') body.symbol = v.symbol;
      if (v.movePercent.trim() !== '') body.movePercent = Number(v.movePercent);
      return this.act('org-news-result', 'POST', '/admin/news', body, () => `Published: ${String(body.headline)}`);
    });
  }

  private async loadEvent(): Promise<void> {
    const res = await this.api.call('GET', '/admin/event');
    if (!res.ok) return;
    const e = res.data as { name: string; loadedAt: string; openedAt: string | null; news: { published: boolean }[] } | null;
    setText('org-event', e === null ? 'No event loaded.' : `${e.name}: loaded ${formatTime(e.loadedAt)}${e.openedAt === null ? ', not opened yet' : `, opened ${formatTime(e.openedAt)}`}; ${e.news.filter((n) => n.published).length} of ${e.news.length} scripted news out.`);
  }

  private async downloadResults(): Promise<void> {
    const res = await this.api.text('/admin/results?format=csv');
    if (!res.ok) return setText('org-event-result', 'The results could not be read', 'down');
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([res.text], { type: 'text/csv' }));
    link.download = 'results.csv';
    link.click();
    URL.revokeObjectURL(link.href);
  }

  attach(socket: LiveSocket): void {
    socket.on('exchange', (e: any) => {
      if (e.type !== 'audit') return;
      this.prependAudit(e);
      if (e.action === '/credit' || e.action === '/credit/bulk' || e.action === '/reset') void this.loadParticipants();
    });
  }

  /** Loads everything the screen shows; called when it is opened and after every reconnect. */
  async load(): Promise<void> {
    await this.loadParticipants();
    const [bots, audit] = await Promise.all([this.api.call('GET', '/admin/bots'), this.api.call('GET', '/admin/audit?limit=30'), this.loadVolume(), this.loadEvent()]);
    if (bots.ok) {
      const form = byId<HTMLFormElement>('org-bots');
      (form.elements.namedItem('enabled') as HTMLInputElement).checked = bots.data.enabled === true;
      (form.elements.namedItem('intensity') as HTMLInputElement).value = bots.data.intensity === undefined ? '' : String(bots.data.intensity);
    }
    if (audit.ok) {
      // participants loaded first, so that the feed names them
      byId('org-audit').innerHTML = '';
      for (const a of [...audit.data].reverse()) this.prependAudit({ ...a, timestamp: a.at });
    }
    this.draw();
  }

  /** Session and symbols come from the trader screen's live state. */
  draw(): void {
    const state = this.trader.session;
    setText('org-session', state);
    document.querySelectorAll<HTMLButtonElement>('[data-session]').forEach((b) => (b.disabled = b.dataset.session === state));
    const symbols = [...this.trader.symbols.values()].sort((a, b) => a.symbol.localeCompare(b.symbol));
    byId('org-symbols').innerHTML = symbols.map((s) =>
      `<tr><td>${esc(s.symbol)}</td><td class="num">${formatPrice(s.tickSize)}</td><td class="num">${formatShares(s.lotSize)}</td><td class="num">${formatPrice(s.tick?.lastTradePrice)}</td><td class="num">${formatShares(s.tick?.totalVolume ?? 0)}</td></tr>`).join('') || emptyRow(5, 'No symbols yet');
    // rebuilt only when the list changes: rebuilding closes a dropdown the organiser has open
    const assets = ['CASH', ...symbols.map((s) => s.symbol)];
    if (assets.join() === this.assetsShown) return;
    this.assetsShown = assets.join();
    const asset = byId<HTMLSelectElement>('org-credit-asset');
    const chosen = asset.value;
    asset.innerHTML = assets.map((a) => `<option value="${esc(a)}">${a === 'CASH' ? 'Cash' : `${esc(a)} shares`}</option>`).join('');
    if (chosen !== '') asset.value = chosen;
    byId('org-news-symbol').innerHTML = '<option value="">None</option>' + symbols.map((s) => `<option value="${esc(s.symbol)}">${esc(s.symbol)}</option>`).join('');
  }

  private async loadParticipants(): Promise<void> {
    const res = await this.api.call('GET', '/admin/participants');
    if (!res.ok) return;
    this.participants = res.data;
    byId('org-participants').innerHTML = this.participants.map((p) =>
      `<tr><td>${esc(p.username)}</td><td>${esc(p.role.toLowerCase())}</td><td class="num">${formatMoney(p.cash.available)}</td><td class="num">${formatMoney(p.cash.locked)}</td></tr>`).join('');
    const select = byId<HTMLSelectElement>('org-credit-user');
    const chosen = select.value;
    select.innerHTML = '<option value="*">Every participant</option>' + this.participants.filter((p) => p.role === 'PARTICIPANT').map((p) => `<option value="${esc(p.id)}">${esc(p.username)}</option>`).join('');
    if (chosen !== '' && [...select.options].some((o) => o.value === chosen)) select.value = chosen;
  }

  private async loadVolume(): Promise<void> {
    const res = await this.api.call('GET', '/admin/volume?period=1h');
    if (!res.ok) return;
    byId('org-volume').innerHTML = res.data.map((v: any) =>
      `<tr><td>${esc(new Date(v.period).toISOString().slice(0, 13).replace('T', ' '))}:00</td><td>${esc(v.symbol)}</td><td class="num">${formatShares(v.volume)}</td><td class="num">${formatMoney(v.notional)}</td><td class="num">${formatShares(v.trades)}</td></tr>`).join('') || emptyRow(5, 'No trades yet');
  }

  private prependAudit(a: { actor: string; action: string; details: unknown; timestamp: number | string }): void {
    const li = document.createElement('li');
    li.textContent = `${formatTime(a.timestamp)} ${a.actor} ${a.action} ${this.describeDetails(a.details)}`;
    byId('org-audit').prepend(li);
  }

  /** An action's body with participants named, not numbered */
  private describeDetails(details: unknown): string {
    if (typeof details === 'string') return details.length > 80 ? `${details.slice(0, 80)}…` : details;
    if (details === null || typeof details !== 'object') return '';
    const named = (id: unknown) => this.participants.find((p) => p.id === id)?.username ?? String(id);
    const d = { ...(details as Record<string, unknown>) };
    if (typeof d.userId === 'string') d.userId = named(d.userId);
    if (Array.isArray(d.userIds)) d.userIds = d.userIds.map(named);
    return Object.entries(d).map(([k, v]) => `${k === 'userId' ? 'participant' : k === 'userIds' ? 'participants' : k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
  }

  private form(id: string, submit: (values: Record<string, string>, form: HTMLFormElement) => Promise<unknown> | void): void {
    const form = byId<HTMLFormElement>(id);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const values: Record<string, string> = {};
      for (const el of [...form.elements] as HTMLInputElement[]) if (el.name) values[el.name] = el.value;
      void submit(values, form);
    });
  }

  private async act(resultId: string, method: string, path: string, body: unknown, describe: (data: any) => string): Promise<void> {
    const res = await this.api.call(method, path, body);
    setText(resultId, res.ok ? describe(res.data) : `Refused: ${refusalText(res.code, res.error)}`, res.ok ? 'up' : 'down');
  }
}

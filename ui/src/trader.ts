import { CandlestickSeries, ColorType, createChart, HistogramSeries, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts';
import type { WireTick } from '../../contracts/wire';
import type { Api } from './api.js';
import { LiveBook, type BookMessage } from './book.js';
import { addTrade, type Candle } from './candles.js';
import { byId, emptyRow, frameScheduler, setText, signClass } from './dom.js';
import { DASH, esc, formatMoney, formatPercent, formatPnl, formatPrice, formatShares, formatTime } from './format.js';
import type { LiveSocket } from './live.js';
import { OrderStore, type OrderRow } from './orders.js';
import { TradeTape, type TapeTrade } from './tape.js';
import { checkTicket, ticketCost, type Side, type TicketInput } from './ticket.js';

export interface ListedSymbol {
  symbol: string;
  tickSize: number;
  lotSize: number;
  tick: WireTick | null;
  book: LiveBook;
}

const BOOK_ROWS = 12;
const CANDLE_SECONDS = 60;
const SELECTED_KEY = 'mock-exchange.symbol';

/**
 * The participant's trading screen: symbols with live quotes, the chosen symbol's book, tape and
 * candles, the order ticket, open orders, history, account and leaderboard. Everything live comes
 * from Socket.IO; REST loads the starting state at every (re)connect and answers actions.
 */
export class TraderScreen {
  readonly symbols = new Map<string, ListedSymbol>();
  selected: string | null = localStorage.getItem(SELECTED_KEY);
  session = '—';
  private readonly orders = new OrderStore();
  private readonly tape = new TradeTape(40);
  private candles: Candle[] = [];
  private cash: { available: number | null; locked: number | null } = { available: null, locked: null };
  private shares: Record<string, { available: number; locked: number }> = {};
  private balanceSeq = -1;
  private portfolio: any = null;
  private socket: LiveSocket | null = null;
  /** order updates that arrive while a resync is loading, applied on top of what it loaded */
  private syncBuffer: OrderRow[] | null = null;
  private syncGeneration = 0;
  private side: Side = 'BUY';
  private chart: IChartApi | null = null;
  private candleSeries: ISeriesApi<'Candlestick'> | null = null;
  private volumeSeries: ISeriesApi<'Histogram'> | null = null;
  private historyTimer: ReturnType<typeof setTimeout> | null = null;
  /** every change of exchange-wide state (session, symbols, ticks), for the organiser screen */
  onMarketChange: () => void = () => {};

  private readonly redraw = frameScheduler({
    symbols: () => this.drawSymbols(),
    book: () => this.drawBook(),
    tape: () => this.drawTape(),
    orders: () => this.drawOpenOrders(),
    account: () => this.drawAccount(),
    session: () => this.drawSession(),
  });

  constructor(private readonly api: Api) {
    this.wireTicket();
    this.wireTabs();
    byId('symbol-list').addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest('tr[data-symbol]');
      if (row !== null) void this.select(row.getAttribute('data-symbol')!);
    });
    byId('open-orders').addEventListener('click', (e) => {
      const button = (e.target as HTMLElement).closest('button[data-cancel]');
      if (button !== null) void this.cancel(button as HTMLButtonElement);
    });
    for (const id of ['book-asks', 'book-bids']) {
      byId(id).addEventListener('click', (e) => {
        const row = (e.target as HTMLElement).closest('tr[data-price]');
        if (row === null) return;
        const price = byId<HTMLInputElement>('ticket').querySelector<HTMLInputElement>('input[name=price]')!;
        price.value = Number(row.getAttribute('data-price')).toFixed(2);
        this.validateTicket(false);
      });
    }
  }

  /** Called at every (re)connect: subscribe again and reload, replacing whatever was shown. */
  async sync(socket: LiveSocket): Promise<void> {
    this.socket = socket;
    const generation = ++this.syncGeneration;
    this.syncBuffer = [];
    const user = this.api.user!;
    const listed = await this.api.call<{ symbol: string; tickSize: number; lotSize: number }[]>('GET', '/market/symbols');
    if (generation !== this.syncGeneration) return;
    for (const s of listed.ok ? listed.data : []) this.listSymbol(s.symbol, s.tickSize, s.lotSize);
    for (const s of this.symbols.values()) s.book.clear();
    if (this.selected === null || !this.symbols.has(this.selected)) this.selected = [...this.symbols.keys()].sort()[0] ?? null;

    const [, session, orders, balance] = await Promise.all([
      Promise.all([...this.symbols.keys()].map((s) => this.subscribeMarket(s))),
      this.api.call('GET', '/market/session'),
      this.api.call<OrderRow[]>('GET', `/order/user/${encodeURIComponent(user.id)}?limit=500`),
      this.api.call('GET', '/account/balance'),
      socket.emitWithAck('subscribe', { channel: 'leaderboard' }),
    ]);
    if (generation !== this.syncGeneration) return;
    if (session.ok) this.session = session.data.state;
    if (orders.ok) this.orders.replaceAll(orders.data);
    for (const o of this.syncBuffer) this.orders.upsert(o);
    this.syncBuffer = null;
    if (balance.ok) this.applyBalance(balance.data);
    this.fillSymbolSelect();
    await Promise.all([this.loadSelected(), this.loadPortfolio(), this.loadHistory(), this.loadLeaderboard()]);
    for (const part of ['symbols', 'book', 'tape', 'orders', 'account', 'session']) this.redraw(part);
    this.onMarketChange();
  }

  attach(socket: LiveSocket): void {
    socket.on('order', (o) => {
      const row = o as unknown as OrderRow;
      if (this.syncBuffer !== null) this.syncBuffer.push(row);
      if (this.orders.upsert(row)) {
        this.redraw('orders');
        this.historySoon();
      }
    });
    socket.on('depth', (d) => {
      const s = this.symbols.get(d.symbol);
      if (s !== undefined && s.book.applyDepth(d) && d.symbol === this.selected) this.redraw('book');
    });
    socket.on('orderbook', (b) => {
      // the paced full book heals anything a client could have missed
      const s = this.symbols.get(b.symbol);
      if (s !== undefined && s.book.applySnapshot(b as BookMessage) && b.symbol === this.selected) this.redraw('book');
    });
    socket.on('tick', (t) => this.applyTick(t));
    socket.on('trade', (t) => {
      if (t.symbol !== this.selected) return;
      if (this.tape.add(t as TapeTrade)) this.redraw('tape');
      this.addCandle(t);
    });
    socket.on('balance', (b) => this.applyBalance(b));
    socket.on('portfolio', (p) => {
      this.portfolio = p;
      this.redraw('account');
      this.historySoon();
    });
    socket.on('leaderboard', () => void this.loadLeaderboard());
    socket.on('exchange', (e: any) => {
      if (e.type === 'session') {
        this.session = e.state;
        this.redraw('session');
        this.onMarketChange();
      } else if (e.type === 'symbolAdded') {
        this.listSymbol(e.symbol, e.tickSize, e.lotSize);
        this.fillSymbolSelect();
        void this.subscribeMarket(e.symbol).then(() => this.redraw('symbols'));
        if (this.selected === null) void this.select(e.symbol);
        this.onMarketChange();
      } else if (e.type === 'reset') {
        void this.sync(socket);
      }
    });
  }

  async select(symbol: string): Promise<void> {
    if (!this.symbols.has(symbol) || symbol === this.selected) return;
    const previous = this.selected;
    this.selected = symbol;
    localStorage.setItem(SELECTED_KEY, symbol);
    byId<HTMLSelectElement>('ticket-symbol').value = symbol;
    if (this.socket !== null && previous !== null) await this.socket.emitWithAck('unsubscribe', { channel: 'trades', symbol: previous });
    await this.loadSelected();
    this.redraw('symbols');
    this.redraw('book');
    this.redraw('tape');
  }

  private listSymbol(symbol: string, tickSize: number, lotSize: number): void {
    if (!this.symbols.has(symbol)) this.symbols.set(symbol, { symbol, tickSize, lotSize, tick: null, book: new LiveBook() });
  }

  private async subscribeMarket(symbol: string): Promise<void> {
    if (this.socket === null) return;
    const ack = await this.socket.emitWithAck('subscribe', { channel: 'market', symbol });
    const s = this.symbols.get(symbol);
    if (!ack.ok || s === undefined) return;
    s.book.applySnapshot(ack.snapshot as BookMessage | null);
    if (ack.tick !== null) this.applyTick(ack.tick);
    if (symbol === this.selected) this.redraw('book');
  }

  private applyTick(t: WireTick): void {
    const s = this.symbols.get(t.symbol);
    if (s === undefined || (s.tick !== null && s.tick.seq > t.seq)) return;
    s.tick = t;
    this.redraw('symbols');
    this.onMarketChange();
  }

  /** The live event and the reload can cross: the higher seq wins. */
  private applyBalance(b: { seq: number; cash: { available: number; locked: number }; positions: Record<string, { available: number; locked: number }> }): void {
    if (b.seq < this.balanceSeq) return;
    this.balanceSeq = b.seq;
    this.cash = { ...b.cash };
    this.shares = b.positions;
    this.redraw('account');
  }

  /** The chosen symbol's tape and candles, from the api, with its trades subscribed. */
  private async loadSelected(): Promise<void> {
    const symbol = this.selected;
    setText('chart-title', symbol ?? DASH);
    if (symbol === null) return;
    if (this.socket !== null) await this.socket.emitWithAck('subscribe', { channel: 'trades', symbol });
    const [trades, candles] = await Promise.all([
      this.api.call<TapeTrade[]>('GET', `/market/trades/${symbol}`),
      this.api.call<{ candles: { time: string; open: number; high: number; low: number; close: number; volume: number }[] }>('GET', `/market/candles/${symbol}?interval=1m&limit=300`),
    ]);
    if (symbol !== this.selected) return;
    this.tape.replaceAll(trades.ok ? trades.data : []);
    this.candles = (candles.ok ? candles.data.candles : []).map((c) => ({ ...c, time: Math.floor(new Date(c.time).getTime() / 1000) }));
    // a trade already on the tape may be newer than the candles PostgreSQL had
    for (const t of [...this.tape.list()].reverse()) addTrade(this.candles, t, CANDLE_SECONDS);
    this.drawChart();
    this.redraw('tape');
  }

  private addCandle(t: { price: number; quantity: number; timestamp: number }): void {
    const changed = addTrade(this.candles, t, CANDLE_SECONDS);
    if (changed === null || this.candleSeries === null) return;
    this.candleSeries.update({ ...changed, time: changed.time as UTCTimestamp });
    this.volumeSeries?.update({ time: changed.time as UTCTimestamp, value: changed.volume, color: changed.close >= changed.open ? 'rgba(46,189,133,.4)' : 'rgba(246,70,93,.4)' });
  }

  private async loadPortfolio(): Promise<void> {
    const res = await this.api.call('GET', '/portfolio');
    if (res.ok) {
      this.portfolio = res.data;
      this.redraw('account');
    }
  }

  /** History comes from PostgreSQL, a moment behind the engine: reload shortly after our own activity. */
  private historySoon(): void {
    if (this.historyTimer !== null) clearTimeout(this.historyTimer);
    this.historyTimer = setTimeout(() => void this.loadHistory(), 400);
  }

  private async loadHistory(): Promise<void> {
    const [orders, trades] = await Promise.all([this.api.call('GET', '/history/orders?limit=50'), this.api.call('GET', '/history/trades?limit=50')]);
    if (orders.ok) {
      byId('order-history').innerHTML = orders.data.items.map((o: any) =>
        `<tr><td>${formatTime(o.createdAt)}</td><td>${esc(o.symbol)}</td><td class="${o.side === 'BUY' ? 'buy-text' : 'sell-text'}">${esc(o.side)}</td><td>${esc(o.orderType)} ${esc(o.timeInForce)}</td><td class="num">${o.price === null ? 'MKT' : formatPrice(o.price)}</td><td class="num">${formatShares(o.filledQuantity)} / ${formatShares(o.quantity)}</td><td>${esc(o.status)}</td><td class="muted">${esc(o.reason ?? '')}</td></tr>`).join('') || emptyRow(8, 'No orders yet');
    }
    if (trades.ok) {
      byId('trade-history').innerHTML = trades.data.items.map((t: any) =>
        `<tr><td>${formatTime(t.executedAt)}</td><td>${esc(t.symbol)}</td><td class="${t.side === 'BUY' ? 'buy-text' : 'sell-text'}">${esc(t.side)}</td><td class="num">${formatPrice(t.price)}</td><td class="num">${formatShares(t.quantity)}</td><td>${esc(t.liquidity)}</td></tr>`).join('') || emptyRow(6, 'No trades yet');
    }
  }

  private async loadLeaderboard(): Promise<void> {
    const res = await this.api.call('GET', '/leaderboard?limit=20');
    if (!res.ok) return;
    const me = this.api.user?.id;
    byId('leaderboard').innerHTML = res.data.entries.map((e: any) =>
      `<tr${e.userId === me ? ' class="selected"' : ''}><td>${e.rank}</td><td>${esc(e.username ?? e.userId)}</td><td class="num">${formatMoney(e.equity)}</td><td class="num ${signClass(e.returnPct)}">${formatPercent(e.returnPct / 100)}</td><td class="num">${formatPercent(-e.maxDrawdownPct / 100)}</td></tr>`).join('') || emptyRow(5, 'Nobody ranked yet');
  }

  private drawSymbols(): void {
    byId('symbol-list').innerHTML = [...this.symbols.values()].sort((a, b) => a.symbol.localeCompare(b.symbol)).map((s) => {
      const t = s.tick;
      return `<tr data-symbol="${esc(s.symbol)}"${s.symbol === this.selected ? ' class="selected"' : ''}><td><strong>${esc(s.symbol)}</strong></td><td class="num">${formatPrice(t?.lastTradePrice)}</td><td class="num buy-text">${formatPrice(t?.bidPrice)}</td><td class="num sell-text">${formatPrice(t?.askPrice)}</td><td class="num">${formatShares(t?.totalVolume ?? 0)}</td></tr>`;
    }).join('') || emptyRow(5, 'No symbols listed yet');
    const t = this.selected === null ? null : this.symbols.get(this.selected)?.tick;
    setText('chart-last', t?.lastTradePrice === null || t === undefined || t === null ? '' : `last ${formatMoney(t.lastTradePrice)}`);
  }

  private drawBook(): void {
    const s = this.selected === null ? undefined : this.symbols.get(this.selected);
    const { bids, asks } = s?.book.levels(BOOK_ROWS) ?? { bids: [], asks: [] };
    const max = Math.max(1, ...bids.map((l) => l.quantity), ...asks.map((l) => l.quantity));
    const row = (l: { price: number; quantity: number }) =>
      `<tr data-price="${l.price}"><td class="num">${formatPrice(l.price)}</td><td class="num">${formatShares(l.quantity)}<span class="bar" style="width:${Math.round((100 * l.quantity) / max)}%"></span></td></tr>`;
    byId('book-asks').innerHTML = [...asks].reverse().map(row).join('');
    byId('book-bids').innerHTML = bids.map(row).join('');
    const spread = bids[0] !== undefined && asks[0] !== undefined ? `spread ${formatPrice(asks[0].price - bids[0].price)}` : bids.length + asks.length === 0 ? 'empty book' : 'one-sided book';
    setText('book-spread', spread);
    setText('book-seq', s === undefined || s.book.seq < 0 ? '' : `seq ${s.book.seq}`);
  }

  private drawTape(): void {
    byId('tape').innerHTML = this.tape.list().map((t) =>
      `<tr><td class="num ${t.takerSide === 'BUY' ? 'buy-text' : 'sell-text'}">${formatPrice(t.price)}</td><td class="num">${formatShares(t.quantity)}</td><td class="muted">${formatTime(t.timestamp)}</td></tr>`).join('') || emptyRow(3, 'No trades yet');
  }

  private drawOpenOrders(): void {
    const open = this.orders.open();
    setText('open-count', open.length === 0 ? '' : `(${open.length})`);
    byId('open-orders').innerHTML = open.map((o) =>
      `<tr data-order-id="${esc(o.orderId)}"><td>${formatTime(o.timestamp)}</td><td>${esc(o.symbol)}</td><td class="${o.side === 'BUY' ? 'buy-text' : 'sell-text'}">${esc(o.side)}</td><td>${esc(o.orderType)} ${esc(o.timeInForce)}</td><td class="num">${o.price === null ? 'MKT' : formatPrice(o.price)}</td><td class="num">${formatShares(o.filledQuantity)} / ${formatShares(o.quantity)}</td><td>${esc(o.status)}</td><td><button type="button" class="link" data-cancel="${esc(o.orderId)}">Cancel</button></td></tr>`).join('') || emptyRow(8, 'No open orders');
  }

  private drawAccount(): void {
    const p = this.portfolio;
    setText('cash-available', formatMoney(this.cash.available ?? p?.cash?.available));
    setText('cash-locked', formatMoney(this.cash.locked ?? p?.cash?.locked));
    setText('equity', formatMoney(p?.equity));
    const pnl = p === null ? null : (p.realizedPnl ?? 0) + (p.unrealizedPnl ?? 0);
    setText('pnl', formatPnl(pnl), signClass(pnl));
    const rows = new Map<string, any>();
    for (const pos of p?.positions ?? []) rows.set(pos.symbol, pos);
    for (const symbol of Object.keys(this.shares)) if (!rows.has(symbol)) rows.set(symbol, { symbol });
    byId('positions').innerHTML = [...rows.values()].sort((a, b) => a.symbol.localeCompare(b.symbol)).map((pos) => {
      // the engine's share count is exact at once; cost and P&L follow when the fills are persisted
      const held = this.shares[pos.symbol];
      const quantity = held === undefined ? pos.quantity : held.available + held.locked;
      return `<tr data-symbol="${esc(pos.symbol)}"><td>${esc(pos.symbol)}</td><td class="num">${formatShares(quantity)}</td><td class="num">${formatPrice(pos.averageCost)}</td><td class="num">${formatPrice(pos.marketPrice)}</td><td class="num ${signClass(pos.unrealizedPnl)}">${formatPnl(pos.unrealizedPnl)}</td><td class="num ${signClass(pos.realizedPnl)}">${formatPnl(pos.realizedPnl)}</td></tr>`;
    }).join('') || emptyRow(6, 'No positions');
  }

  private drawSession(): void {
    const el = byId('session-state');
    el.textContent = `Market ${this.session.toLowerCase()}`;
    el.dataset.state = this.session;
  }

  private drawChart(): void {
    if (this.chart === null) {
      this.chart = createChart(byId('chart'), {
        autoSize: true,
        layout: { background: { type: ColorType.Solid, color: '#17202b' }, textColor: '#8b98a8' },
        grid: { vertLines: { color: '#1f2a37' }, horzLines: { color: '#1f2a37' } },
        timeScale: { timeVisible: true, secondsVisible: false },
      });
      this.candleSeries = this.chart.addSeries(CandlestickSeries, { upColor: '#2ebd85', downColor: '#f6465d', wickUpColor: '#2ebd85', wickDownColor: '#f6465d', borderVisible: false });
      this.volumeSeries = this.chart.addSeries(HistogramSeries, { priceScaleId: '', priceFormat: { type: 'volume' } });
      this.volumeSeries.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    }
    this.candleSeries!.setData(this.candles.map((c) => ({ ...c, time: c.time as UTCTimestamp })));
    this.volumeSeries!.setData(this.candles.map((c) => ({ time: c.time as UTCTimestamp, value: c.volume, color: c.close >= c.open ? 'rgba(46,189,133,.4)' : 'rgba(246,70,93,.4)' })));
    // fitting a handful of candles would stretch each across the chart
    if (this.candles.length > 40) this.chart.timeScale().fitContent();
    else this.chart.timeScale().scrollToRealTime();
  }

  private fillSymbolSelect(): void {
    const select = byId<HTMLSelectElement>('ticket-symbol');
    select.innerHTML = [...this.symbols.keys()].sort().map((s) => `<option value="${esc(s)}">${esc(s)}</option>`).join('');
    if (this.selected !== null) select.value = this.selected;
  }

  private ticketInput(): TicketInput {
    const form = byId<HTMLFormElement>('ticket');
    const v = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;
    return { symbol: v('symbol'), side: this.side, type: v('type') as TicketInput['type'], timeInForce: v('timeInForce') as TicketInput['timeInForce'], price: v('price'), quantity: v('quantity') };
  }

  /** Shows each field's problem beside it; `all` also flags fields not typed in yet (on submit). */
  private validateTicket(all: boolean): ReturnType<typeof checkTicket> {
    const input = this.ticketInput();
    const s = this.symbols.get(input.symbol);
    const check = checkTicket(input, s === undefined ? null : { tickSize: s.tickSize, lotSize: s.lotSize });
    const form = byId<HTMLFormElement>('ticket');
    for (const field of ['price', 'quantity', 'symbol'] as const) {
      const input = form.elements.namedItem(field) as HTMLInputElement | null;
      const touched = all || (input !== null && input.value !== '');
      const message = check.ok || !touched ? '' : (check.errors[field] ?? '');
      form.querySelector(`[data-error-for="${field}"]`)!.textContent = message;
      input?.setAttribute('aria-invalid', String(message !== ''));
    }
    const cost = check.ok ? ticketCost(check.body) : null;
    setText('ticket-cost', cost === null ? '' : `${this.side === 'BUY' ? 'Costs' : 'Receives'} ${formatMoney(cost)}`);
    return check;
  }

  private wireTicket(): void {
    const form = byId<HTMLFormElement>('ticket');
    const submit = byId<HTMLButtonElement>('ticket-submit');
    form.querySelectorAll<HTMLButtonElement>('[data-side]').forEach((b) =>
      b.addEventListener('click', () => {
        this.side = b.dataset.side as Side;
        form.querySelectorAll('[data-side]').forEach((x) => x.classList.toggle('active', x === b));
        submit.textContent = this.side === 'BUY' ? 'Buy' : 'Sell';
        submit.className = `primary ${this.side === 'BUY' ? 'buy' : 'sell'}`;
        this.validateTicket(false);
      }),
    );
    const type = form.elements.namedItem('type') as HTMLSelectElement;
    const price = form.elements.namedItem('price') as HTMLInputElement;
    type.addEventListener('change', () => {
      price.disabled = type.value === 'MARKET';
      if (price.disabled) price.value = '';
      this.validateTicket(false);
    });
    form.addEventListener('input', () => this.validateTicket(false));
    byId<HTMLSelectElement>('ticket-symbol').addEventListener('change', (e) => void this.select((e.target as HTMLSelectElement).value));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.place();
    });
  }

  private async place(): Promise<void> {
    const check = this.validateTicket(true);
    const verdict = byId('verdict');
    if (!check.ok) {
      verdict.textContent = 'Fix the highlighted fields';
      verdict.className = 'rejected';
      return;
    }
    const submit = byId<HTMLButtonElement>('ticket-submit');
    submit.disabled = true;
    verdict.textContent = 'Sending…';
    verdict.className = '';
    const res = await this.api.call('POST', '/order/place', check.body);
    submit.disabled = false;
    if (res.ok && res.data.order) {
      if (this.orders.upsert(res.data.order as OrderRow)) this.redraw('orders');
      verdict.textContent = describeVerdict(res.data.order);
      verdict.className = res.data.order.status === 'CANCELLED' ? 'rejected' : 'accepted';
    } else if (res.ok) {
      verdict.textContent = `Submitted (${res.data.orderId}); the engine's verdict will arrive live`;
      verdict.className = 'accepted';
    } else {
      verdict.textContent = `Rejected: ${res.error} (code ${res.code})`;
      verdict.className = 'rejected';
    }
  }

  private async cancel(button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    const res = await this.api.call('POST', '/order/cancel', { orderId: button.dataset.cancel });
    const verdict = byId('verdict');
    if (res.ok && res.data.order) {
      if (this.orders.upsert(res.data.order as OrderRow)) this.redraw('orders');
      verdict.textContent = `Cancelled ${res.data.order.side} ${formatShares(res.data.order.quantity - res.data.order.filledQuantity)} ${res.data.order.symbol}`;
      verdict.className = 'accepted';
    } else if (!res.ok) {
      button.disabled = false;
      verdict.textContent = `Cancel refused: ${res.error} (code ${res.code})`;
      verdict.className = 'rejected';
    }
  }

  private wireTabs(): void {
    const tabs = byId('activity-tabs');
    tabs.addEventListener('click', (e) => {
      const b = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-tab]');
      if (b === null) return;
      tabs.querySelectorAll('button').forEach((x) => x.classList.toggle('active', x === b));
      document.querySelectorAll<HTMLElement>('.activity [data-panel]').forEach((p) => (p.hidden = p.dataset.panel !== b.dataset.tab));
    });
  }
}

export function describeVerdict(o: { status: string; side: string; quantity: number; filledQuantity: number; symbol: string; price: number | null; reason: string | null }): string {
  const what = `${o.side} ${formatShares(o.quantity)} ${o.symbol}${o.price === null ? ' at market' : ` @ ${formatPrice(o.price)}`}`;
  switch (o.status) {
    case 'PENDING':
      return `Accepted: ${what}, resting in the book`;
    case 'PARTIALLY_FILLED':
      return `Partly filled: ${formatShares(o.filledQuantity)} of ${what}, the rest rests`;
    case 'FILLED':
      return `Filled: ${what}`;
    case 'CANCELLED':
      return `Cancelled after ${formatShares(o.filledQuantity)} filled: ${what} (${o.reason ?? 'no reason'})`;
    default:
      return `${o.status}: ${what}`;
  }
}

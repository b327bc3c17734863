import type { WireTick } from '../../contracts/wire';
import type { Api } from './api.js';
import { LiveBook, type BookMessage } from './book.js';
import { addTrade, type Candle } from './candles.js';
import { INTERVALS, PriceChart, type Interval, type OwnFill } from './chart.js';
import { markAccount } from './marks.js';
import { orderKindText, reasonText, refusalText, statusText } from './messages.js';
import { marketEstimate, maxQuantity, share } from './ticket-help.js';
import { toast } from './toast.js';
import { byId, chooser, emptyRow, frameScheduler, setText, signClass } from './dom.js';
import { DASH, esc, formatMoney, formatPercent, formatPnl, formatPrice, formatShares, formatTime } from './format.js';
import type { LiveSocket } from './live.js';
import { isOpen, OrderStore, type OrderRow } from './orders.js';
import { TradeTape, type TapeTrade } from './tape.js';
import { checkTicket, isMarket, isStop, ticketCost, type Side, type TicketInput } from './ticket.js';

export interface ListedSymbol {
  symbol: string;
  tickSize: number;
  lotSize: number;
  tick: WireTick | null;
  book: LiveBook;
}

const BOOK_ROWS = 12;
const SELECTED_KEY = 'mock-exchange.symbol';

/** The loaded event's rules as GET /market/rules gives them (the event file's units). */
interface EventRules {
  event: string | null;
  rules: { maxOrderQuantity: number | null; maxOrderValue: number | null; positionLimits: Record<string, { net?: number; gross?: number }>; fees: { unit: 'bps' | 'perShare'; maker: number; taker: number } | null; shortSelling: boolean } | null;
}

/**
 * A socket request whose answer the socket dropped (it disconnected first, say when its access token
 * ran out and the server closed it) is no answer rather than an error: the reconnect's sync asks
 * again. An error on a socket still connected is still thrown.
 */
function unlessDropped<T>(socket: LiveSocket, asked: Promise<T>): Promise<T | null> {
  return asked.catch((err: unknown) => {
    if (socket.connected) throw err;
    return null;
  });
}

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
  private cash: { available: number | null; locked: number | null } = { available: null, locked: null };
  private shares: Record<string, { available: number; locked: number }> = {};
  private balanceSeq = -1;
  private portfolio: any = null;
  private socket: LiveSocket | null = null;
  /** order updates that arrive while a resync is loading, applied on top of what it loaded */
  private syncBuffer: OrderRow[] | null = null;
  private syncGeneration = 0;
  private side: Side = 'BUY';
  private readonly chart = new PriceChart(byId('chart'));
  private ownFills: (OwnFill & { symbol: string })[] = [];
  private rules: EventRules = { event: null, rules: null };
  private historyTimer: ReturnType<typeof setTimeout> | null = null;
  /** every change of exchange-wide state (session, symbols, ticks), for the organiser screen */
  onMarketChange: () => void = () => {};
  /** the trade history's Share button: a fill to post to the feed */
  onShare: (fill: { tradeId: number; symbol: string; side: 'BUY' | 'SELL'; price: number; quantity: number }) => void = () => {};
  /** a participant's name on the leaderboard: their profile */
  onProfile: (userId: string) => void = () => {};
  private leaderboardScope: 'all' | 'following' = 'all';
  private shareable = new Map<number, { tradeId: number; symbol: string; side: 'BUY' | 'SELL'; price: number; quantity: number }>();

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
    this.wireChart();
    byId('symbol-list').addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest('tr[data-symbol]');
      if (row !== null) void this.select(row.getAttribute('data-symbol')!);
    });
    byId('cancel-all').addEventListener('click', () => void this.cancelAll());
    byId('open-orders').addEventListener('click', (e) => {
      const button = (e.target as HTMLElement).closest('button[data-cancel]');
      if (button !== null) void this.cancel(button as HTMLButtonElement);
      const amend = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-amend]');
      if (amend !== null) this.openAmend(amend.dataset.amend!);
    });
    this.wireAmend();
    for (const id of ['book-asks', 'book-bids']) {
      // a book level is a control: Enter or Space takes its price, as a click does
      byId(id).addEventListener('keydown', (e) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        const row = (e.target as HTMLElement).closest('tr[data-price]');
        if (row === null) return;
        e.preventDefault();
        (row as HTMLElement).click();
      });
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

    const [, session, orders, balance, rules] = await Promise.all([
      Promise.all([...this.symbols.keys()].map((s) => this.subscribeMarket(s))),
      this.api.call('GET', '/market/session'),
      this.api.call<OrderRow[]>('GET', `/order/user/${encodeURIComponent(user.id)}?limit=500`),
      this.api.call('GET', '/account/balance'),
      this.api.call<EventRules>('GET', '/market/rules'),
      unlessDropped(socket, socket.emitWithAck('subscribe', { channel: 'leaderboard' })),
    ]);
    if (generation !== this.syncGeneration) return;
    if (session.ok) this.session = session.data.state;
    if (rules.ok) this.rules = rules.data;
    this.drawRules();
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
      const before = this.orders.get(row.orderId);
      // the exchange ended an order that was resting (the close, a self-trade): say so
      if (row.status === 'CANCELLED' && before !== undefined && isOpen(before) && before.seq < row.seq && row.reason !== 'USER_CANCELLED') {
        toast(`${statusText('CANCELLED')}: ${row.side === 'BUY' ? 'buy' : 'sell'} ${formatShares(row.quantity - row.filledQuantity)} ${row.symbol}, ${reasonText(row.reason)}`, 'cancel');
      }
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
      // after a `conflated` notice (this page fell behind): the latest book, then depth goes on from it
      const s = this.symbols.get(b.symbol);
      if (s !== undefined && s.book.applySnapshot(b as BookMessage) && b.symbol === this.selected) this.redraw('book');
    });
    socket.on('tick', (t) => this.applyTick(t));
    socket.on('trade', (t) => {
      if (t.symbol !== this.selected) return;
      if (this.tape.add(t as TapeTrade)) this.redraw('tape');
      this.chart.addTrade(t);
    });
    socket.on('fill', (f) => {
      const fill = { symbol: f.symbol, side: f.side, price: f.price, quantity: f.quantity, timestamp: f.timestamp };
      this.ownFills.push(fill);
      if (f.symbol === this.selected) this.chart.addFill(fill);
      // a resting order filled while one was doing something else (a taker's fill is the ticket's verdict)
      if (f.liquidity === 'MAKER') toast(`Your order filled: ${f.side === 'BUY' ? 'bought' : 'sold'} ${formatShares(f.quantity)} ${f.symbol} at ${formatMoney(f.price)}`, 'fill');
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
    if (this.socket !== null && previous !== null) await unlessDropped(this.socket, this.socket.emitWithAck('unsubscribe', { channel: 'trades', symbol: previous }));
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
    const ack = await unlessDropped(this.socket, this.socket.emitWithAck('subscribe', { channel: 'market', symbol }));
    const s = this.symbols.get(symbol);
    if (ack === null || !ack.ok || s === undefined) return;
    s.book.applySnapshot(ack.snapshot as BookMessage | null);
    if (ack.tick !== null) this.applyTick(ack.tick);
    if (symbol === this.selected) this.redraw('book');
  }

  private applyTick(t: WireTick): void {
    const s = this.symbols.get(t.symbol);
    if (s === undefined || (s.tick !== null && s.tick.seq > t.seq)) return;
    s.tick = t;
    this.redraw('symbols');
    // positions are marked to the last trade as it happens, not only after one's own fills
    this.redraw('account');
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
    if (this.socket !== null) await unlessDropped(this.socket, this.socket.emitWithAck('subscribe', { channel: 'trades', symbol }));
    const interval = this.chart.interval;
    const [trades, candles, fills] = await Promise.all([
      this.api.call<TapeTrade[]>('GET', `/market/trades/${symbol}`),
      this.api.call<{ candles: { time: string; open: number; high: number; low: number; close: number; volume: number }[] }>('GET', `/market/candles/${symbol}?interval=${interval}&limit=300`),
      this.api.call<{ items: { side: 'BUY' | 'SELL'; price: number; quantity: number; executedAt: string }[] }>('GET', `/history/trades?symbol=${symbol}&limit=200`),
    ]);
    if (symbol !== this.selected || interval !== this.chart.interval) return;
    this.tape.replaceAll(trades.ok ? trades.data : []);
    const candleList: Candle[] = (candles.ok ? candles.data.candles : []).map((c) => ({ ...c, time: Math.floor(new Date(c.time).getTime() / 1000) }));
    // a trade already on the tape may be newer than the candles PostgreSQL had
    for (const t of [...this.tape.list()].reverse()) addTrade(candleList, t, INTERVALS[interval]);
    const stored = fills.ok ? fills.data.items.map((f) => ({ side: f.side, price: f.price, quantity: f.quantity, timestamp: new Date(f.executedAt).getTime() })) : [];
    const newest = stored.reduce((m, f) => Math.max(m, f.timestamp), 0);
    // live fills newer than what history holds yet
    const live = this.ownFills.filter((f) => f.symbol === symbol && f.timestamp > newest);
    this.chart.show(candleList, [...stored, ...live]);
    this.redraw('tape');
  }

  private wireChart(): void {
    chooser('chart-intervals', 'interval', (interval) => {
      if (interval === this.chart.interval) return;
      this.chart.interval = interval as Interval;
      void this.loadSelected();
    });
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
        `<tr><td>${formatTime(o.createdAt)}</td><td>${esc(o.symbol)}</td><td class="${o.side === 'BUY' ? 'buy-text' : 'sell-text'}">${o.side === 'BUY' ? 'Buy' : 'Sell'}</td><td>${esc(orderKindText(o.orderType, o.timeInForce))}</td><td class="num">${o.price === null ? 'Market' : formatPrice(o.price)}</td><td class="num">${formatShares(o.filledQuantity)} / ${formatShares(o.quantity)}</td><td>${esc(statusText(o.status))}</td><td class="muted">${esc(o.status === 'REJECTED' ? refusalText(o.code, o.reason ?? '') : reasonText(o.reason))}</td></tr>`).join('') || emptyRow(8, 'No orders yet: place one from the ticket');
    }
    if (trades.ok) {
      for (const t of trades.data.items) this.shareable.set(t.tradeId, { tradeId: t.tradeId, symbol: t.symbol, side: t.side, price: t.price, quantity: t.quantity });
      byId('trade-history').innerHTML = trades.data.items.map((t: any) =>
        `<tr><td>${formatTime(t.executedAt)}</td><td>${esc(t.symbol)}</td><td class="${t.side === 'BUY' ? 'buy-text' : 'sell-text'}">${t.side === 'BUY' ? 'Bought' : 'Sold'}</td><td class="num">${formatPrice(t.price)}</td><td class="num">${formatShares(t.quantity)}</td><td>${t.liquidity === 'MAKER' ? 'Maker' : 'Taker'}</td><td class="num">${formatMoney(t.fee ?? 0)}</td><td><button type="button" data-share="${t.tradeId}">Share</button></td></tr>`).join('') || emptyRow(8, 'No trades yet');
    }
  }

  private async loadLeaderboard(): Promise<void> {
    const res = await this.api.call('GET', this.leaderboardScope === 'all' ? '/leaderboard?limit=20' : '/leaderboard/following');
    if (!res.ok) return;
    const me = this.api.user?.id;
    byId('leaderboard').innerHTML = res.data.entries.map((e: any) =>
      `<tr${e.userId === me ? ' class="selected"' : ''}><td>${e.rank}</td><td><button type="button" class="link" data-profile="${esc(e.userId)}">${esc(e.displayName ?? e.username ?? e.userId)}</button></td><td class="num">${formatMoney(e.equity)}</td><td class="num ${signClass(e.returnPct)}">${formatPercent(e.returnPct / 100)}</td><td class="num">${formatPercent(-e.maxDrawdownPct / 100)}</td></tr>`).join('') || emptyRow(5, this.leaderboardScope === 'all' ? 'Nobody ranked yet: the leaderboard fills once participants hold something' : 'Follow participants from their profiles to see them here'); // percent, not cents
  }

  private drawSymbols(): void {
    byId('symbol-list').innerHTML = [...this.symbols.values()].sort((a, b) => a.symbol.localeCompare(b.symbol)).map((s) => {
      const t = s.tick;
      // best bid and ask from the same book the ladder shows (kept exact by depth events), not the paced tick
      const best = s.book.seq >= 0 ? s.book.levels(1) : null;
      const bid = best === null ? t?.bidPrice : (best.bids[0]?.price ?? null);
      const ask = best === null ? t?.askPrice : (best.asks[0]?.price ?? null);
      return `<tr data-symbol="${esc(s.symbol)}" tabindex="0"${s.symbol === this.selected ? ' class="selected" aria-current="true"' : ''}><td><strong>${esc(s.symbol)}</strong></td><td class="num">${formatPrice(t?.lastTradePrice)}</td><td class="num buy-text">${formatPrice(bid)}</td><td class="num sell-text">${formatPrice(ask)}</td><td class="num">${formatShares(t?.totalVolume ?? 0)}</td></tr>`;
    }).join('') || emptyRow(5, 'No symbols yet: the organiser lists them (or loads an event)');
    const t = this.selected === null ? null : this.symbols.get(this.selected)?.tick;
    setText('chart-last', t?.lastTradePrice === null || t === undefined || t === null ? '' : `last ${formatMoney(t.lastTradePrice)}`);
  }

  private drawBook(): void {
    const s = this.selected === null ? undefined : this.symbols.get(this.selected);
    const { bids, asks } = s?.book.levels(BOOK_ROWS) ?? { bids: [], asks: [] };
    // depth: each bar is the shares available up to its price, from the touch outwards
    const cumulative = (levels: { price: number; quantity: number }[]) => {
      let total = 0;
      return levels.map((l) => ({ ...l, total: (total += l.quantity) }));
    };
    const bidRows = cumulative(bids);
    const askRows = cumulative(asks);
    const max = Math.max(1, bidRows[bidRows.length - 1]?.total ?? 0, askRows[askRows.length - 1]?.total ?? 0);
    const row = (side: string) => (l: { price: number; quantity: number; total: number }) =>
      `<tr data-price="${l.price}" tabindex="0" aria-label="${side} ${formatShares(l.quantity)} at ${formatPrice(l.price)}, ${formatShares(l.total)} up to here"><td class="num">${formatPrice(l.price)}</td><td class="num">${formatShares(l.quantity)}<span class="bar" style="width:${Math.round((100 * l.total) / max)}%"></span></td></tr>`; // percent, not cents
    byId('book-asks').innerHTML = [...askRows].reverse().map(row('Ask')).join('');
    byId('book-bids').innerHTML = bidRows.map(row('Bid')).join('');
    const spread =
      bids[0] !== undefined && asks[0] !== undefined
        ? `Spread ${formatPrice(asks[0].price - bids[0].price)} (${((100 * (asks[0].price - bids[0].price)) / asks[0].price).toFixed(2)}%)` // percent, not cents
        : bids.length + asks.length === 0
          ? s === undefined ? 'Choose a symbol' : 'No orders in the book yet'
          : bids.length === 0 ? 'No buyers yet' : 'No sellers yet';
    setText('book-spread', spread);
  }

  private drawTape(): void {
    byId('tape').innerHTML = this.tape.list().map((t) =>
      `<tr><td class="num ${t.takerSide === 'BUY' ? 'buy-text' : 'sell-text'}">${formatPrice(t.price)}</td><td class="num">${formatShares(t.quantity)}</td><td class="muted">${formatTime(t.timestamp)}</td></tr>`).join('') || emptyRow(3, 'No trades yet');
  }

  private drawOpenOrders(): void {
    const open = this.orders.open();
    setText('open-count', open.length === 0 ? '' : `(${open.length})`);
    byId('cancel-all').hidden = open.length < 2;
    byId('open-orders').innerHTML = open.map((o) =>
      `<tr data-order-id="${esc(o.orderId)}"><td>${formatTime(o.timestamp)}</td><td>${esc(o.symbol)}</td><td class="${o.side === 'BUY' ? 'buy-text' : 'sell-text'}">${o.side === 'BUY' ? 'Buy' : 'Sell'}</td><td>${esc(orderKindText(o.orderType, o.timeInForce))}</td><td class="num">${o.price === null ? 'Market' : formatPrice(o.price)}${o.stopPrice != null ? `<br><span class="muted">stop ${formatPrice(o.stopPrice)}</span>` : ''}</td><td class="num">${formatShares(o.filledQuantity)} / ${formatShares(o.quantity)}</td><td>${o.triggered === false ? 'Waiting for its stop' : esc(statusText(o.status))}</td><td>${o.price !== null && o.triggered !== false ? `<button type="button" class="link" data-amend="${esc(o.orderId)}" aria-label="Amend ${o.side === 'BUY' ? 'buy' : 'sell'} ${formatShares(o.quantity - o.filledQuantity)} ${esc(o.symbol)}">Amend</button> ` : ''}<button type="button" class="link" data-cancel="${esc(o.orderId)}" aria-label="Cancel ${o.side === 'BUY' ? 'buy' : 'sell'} ${formatShares(o.quantity - o.filledQuantity)} ${esc(o.symbol)}">Cancel</button></td></tr>`).join('') || emptyRow(8, 'No open orders');
  }

  private drawAccount(): void {
    const p = this.portfolio;
    const cash = { available: this.cash.available ?? p?.cash?.available ?? null, locked: this.cash.locked ?? p?.cash?.locked ?? null };
    const last: Record<string, number | null> = {};
    for (const s of this.symbols.values()) last[s.symbol] = s.tick?.lastTradePrice ?? null;
    // marked to the market as it trades: the same marks as the leaderboard and GET /portfolio
    const marked = markAccount(cash, this.shares, p, last);
    setText('cash-available', formatMoney(cash.available));
    setText('cash-locked', formatMoney(cash.locked));
    setText('equity', formatMoney(marked.equity));
    setText('pnl', formatPnl(marked.pnl), signClass(marked.pnl));
    byId('positions').innerHTML = marked.positions.map((pos) =>
      `<tr data-symbol="${esc(pos.symbol)}"><td>${esc(pos.symbol)}</td><td class="num">${formatShares(pos.quantity)}</td><td class="num">${formatPrice(pos.averageCost)}</td><td class="num">${formatPrice(pos.marketPrice)}</td><td class="num ${signClass(pos.unrealizedPnl)}">${formatPnl(pos.unrealizedPnl)}</td><td class="num ${signClass(pos.realizedPnl)}">${formatPnl(pos.realizedPnl)}</td></tr>`,
    ).join('') || emptyRow(6, 'No positions yet: buy from the ticket');
    this.drawAvailable();
  }

  /** The event's limits and fees, when it has any, under the ticket. */
  private drawRules(): void {
    const r = this.rules.rules;
    const items: string[] = [];
    if (r !== null) {
      if (r.maxOrderQuantity !== null) items.push(`At most ${formatShares(r.maxOrderQuantity)} shares per order`);
      if (r.maxOrderValue !== null) items.push(`At most ${formatMoney(r.maxOrderValue)} per order`);
      for (const [symbol, l] of Object.entries(r.positionLimits)) {
        const parts = [l.net === undefined ? null : `${formatShares(l.net)} net`, l.gross === undefined ? null : `${formatShares(l.gross)} gross`].filter(Boolean);
        if (parts.length > 0) items.push(`${symbol}: position limit ${parts.join(', ')} (working orders count)`);
      }
      if (r.fees !== null) {
        const unit = (v: number) => (r.fees!.unit === 'bps' ? `${v} bp` : `${formatMoney(v)} a share`);
        items.push(`Fees: taker ${unit(r.fees.taker)}, maker ${r.fees.maker < 0 ? `rebate ${unit(-r.fees.maker)}` : unit(r.fees.maker)}`);
      }
      items.push(r.shortSelling ? 'Short selling: allowed, down to minus the net position limit' : 'Short selling: not allowed (a sell needs the shares)');
    }
    const box = byId('rules');
    box.hidden = items.length === 0;
    byId('rules').querySelector('summary')!.textContent = this.rules.event === null ? 'Event rules' : `Rules of ${this.rules.event}`;
    byId('rules-list').innerHTML = items.map((i) => `<li>${esc(i)}</li>`).join('');
  }

  /** The largest fee a buy may owe, as a fraction of its value (per-share fees at the price). */
  private feeRate(price: number): number {
    const f = this.rules.rules?.fees ?? null;
    if (f === null) return 0;
    const top = Math.max(f.maker, f.taker, 0);
    return f.unit === 'bps' ? top / 10_000 : price > 0 ? top / price : 0;
  }

  /** Cash or shares on hand and the most the ticket may ask for, beside the quantity. */
  private drawAvailable(): void {
    const max = this.maxForTicket();
    if (max === null) return setText('ticket-available', '');
    const input = this.ticketInput();
    const held = this.shares[input.symbol]?.available ?? 0;
    if (input.side === 'BUY') setText('ticket-available', `${formatMoney(this.cash.available ?? 0)} available: up to ${formatShares(max)} shares`);
    else setText('ticket-available', this.shortRoom(input.symbol) > 0 ? `${formatShares(held)} shares available: up to ${formatShares(max)} with a short sale` : `${formatShares(held)} shares available to sell`);
  }

  /** How far below zero the event lets a sell of `symbol` go: its net limit where short selling is on (as the engine's mayShort). */
  private shortRoom(symbol: string): number {
    const r = this.rules.rules;
    if (r === null || !r.shortSelling) return 0;
    return r.positionLimits[symbol]?.net ?? 0;
  }

  private maxForTicket(): number | null {
    const input = this.ticketInput();
    const s = this.symbols.get(input.symbol);
    if (s === undefined || this.cash.available === null) return null;
    const price = input.type !== 'MARKET' ? Number(input.price) : null;
    if (input.side === 'BUY' && price !== null && !(price > 0)) return null;
    const asks = s.book.levels(BOOK_ROWS * 4).asks;
    const ref = price ?? asks[0]?.price ?? 0;
    return maxQuantity(input.side, { cash: this.cash.available, sharesAvailable: this.shares[input.symbol]?.available ?? 0, price, asks, lotSize: s.lotSize, feeRate: this.feeRate(ref), shortRoom: this.shortRoom(input.symbol) });
  }

  private drawSession(): void {
    const el = byId('session-state');
    el.textContent = `Market ${this.session.toLowerCase()}`;
    el.dataset.state = this.session;
  }

  private fillSymbolSelect(): void {
    const select = byId<HTMLSelectElement>('ticket-symbol');
    select.innerHTML = [...this.symbols.keys()].sort().map((s) => `<option value="${esc(s)}">${esc(s)}</option>`).join('');
    if (this.selected !== null) select.value = this.selected;
  }

  private ticketInput(): TicketInput {
    const form = byId<HTMLFormElement>('ticket');
    const v = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;
    return { symbol: v('symbol'), side: this.side, type: v('type') as TicketInput['type'], timeInForce: v('timeInForce') as TicketInput['timeInForce'], price: v('price'), stopPrice: v('stopPrice'), quantity: v('quantity') };
  }

  /** Shows each field's problem beside it; `all` also flags fields not typed in yet (on submit). */
  private validateTicket(all: boolean): ReturnType<typeof checkTicket> {
    const input = this.ticketInput();
    const s = this.symbols.get(input.symbol);
    const check = checkTicket(input, s === undefined ? null : { tickSize: s.tickSize, lotSize: s.lotSize });
    const form = byId<HTMLFormElement>('ticket');
    for (const field of ['price', 'stopPrice', 'quantity', 'symbol'] as const) {
      const input = form.elements.namedItem(field) as HTMLInputElement | null;
      const touched = all || (input !== null && input.value !== '');
      const message = check.ok || !touched ? '' : (check.errors[field] ?? '');
      form.querySelector(`[data-error-for="${field}"]`)!.textContent = message;
      input?.setAttribute('aria-invalid', String(message !== ''));
    }
    const cost = check.ok ? ticketCost(check.body) : null;
    if (cost !== null) setText('ticket-cost', `${this.side === 'BUY' ? 'Costs' : 'Receives'} ${formatMoney(cost)}`);
    else if (check.ok && check.body.type === 'MARKET' && s !== undefined) {
      // a market order's price is the book's: walk it for an estimate
      const levels = s.book.levels(BOOK_ROWS * 4);
      const est = marketEstimate(this.side === 'BUY' ? levels.asks : levels.bids, check.body.quantity);
      setText('ticket-cost', est.filled === 0 ? 'The book has nothing to trade against' : `About ${formatMoney(est.cost)} at today's book${est.filled < check.body.quantity ? ` (it holds only ${formatShares(est.filled)} shares)` : ''}`);
    } else setText('ticket-cost', '');
    this.drawAvailable();
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
    const stopPrice = form.elements.namedItem('stopPrice') as HTMLInputElement;
    type.addEventListener('change', () => {
      const t = type.value as TicketInput['type'];
      price.disabled = isMarket(t);
      if (price.disabled) price.value = '';
      // the stop price only for stop orders; a stop-market order trades at market, immediately or cancel
      byId('stop-price-field').hidden = byId('stop-price-help').hidden = !isStop(t);
      if (!isStop(t)) stopPrice.value = '';
      const tif = form.elements.namedItem('timeInForce') as HTMLSelectElement;
      if (t === 'STOP_MARKET' && tif.value === 'GFD') tif.value = 'IOC';
      this.validateTicket(false);
    });
    form.addEventListener('input', () => this.validateTicket(false));
    form.querySelectorAll<HTMLButtonElement>('[data-fraction]').forEach((b) =>
      b.addEventListener('click', () => {
        const max = this.maxForTicket();
        const s = this.symbols.get(this.ticketInput().symbol);
        if (max === null || s === undefined) return;
        (form.elements.namedItem('quantity') as HTMLInputElement).value = String(share(max, Number(b.dataset.fraction), s.lotSize));
        this.validateTicket(false);
      }),
    );
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
      verdict.textContent = `Not placed: ${refusalText(res.code, res.error)}`;
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
      verdict.textContent = `Not cancelled: ${refusalText(res.code, res.error)}`;
      verdict.className = 'rejected';
    }
  }

  /** The amend form, filled with the order's terms. */
  private openAmend(orderId: string): void {
    const o = this.orders.open().find((x) => x.orderId === orderId);
    if (o === undefined || o.price === null) return;
    const form = byId<HTMLFormElement>('amend-form');
    form.dataset.orderId = orderId;
    setText('amend-what', `${o.side === 'BUY' ? 'Buy' : 'Sell'} ${formatShares(o.quantity)} ${o.symbol} @ ${formatPrice(o.price)} (${formatShares(o.filledQuantity)} filled)`);
    (form.elements.namedItem('price') as HTMLInputElement).value = o.price.toFixed(2);
    (form.elements.namedItem('quantity') as HTMLInputElement).value = String(o.quantity);
    setText('amend-verdict', '');
    form.hidden = false;
    (form.elements.namedItem('price') as HTMLInputElement).focus();
  }

  private wireAmend(): void {
    const form = byId<HTMLFormElement>('amend-form');
    byId('amend-close').addEventListener('click', () => (form.hidden = true));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.amend(form);
    });
  }

  /** Sends only what changed; the exchange's verdict (or refusal, in words) under the form. */
  private async amend(form: HTMLFormElement): Promise<void> {
    const o = this.orders.open().find((x) => x.orderId === form.dataset.orderId);
    const verdict = byId('amend-verdict');
    if (o === undefined || o.price === null) {
      verdict.textContent = 'That order is no longer open';
      return;
    }
    const priceText = (form.elements.namedItem('price') as HTMLInputElement).value;
    const quantityText = (form.elements.namedItem('quantity') as HTMLInputElement).value.trim();
    const s = this.symbols.get(o.symbol);
    // the ticket's own checks, on the new terms
    const check = checkTicket({ symbol: o.symbol, side: o.side, type: 'LIMIT', timeInForce: 'GFD', price: priceText, quantity: quantityText }, s === undefined ? null : { tickSize: s.tickSize, lotSize: s.lotSize });
    if (!check.ok) {
      verdict.textContent = Object.values(check.errors).join('; ');
      verdict.className = 'rejected';
      return;
    }
    const body: { orderId: string; price?: number; quantity?: number } = { orderId: o.orderId };
    if (check.body.price !== o.price) body.price = check.body.price;
    if (check.body.quantity !== o.quantity) body.quantity = check.body.quantity;
    if (body.price === undefined && body.quantity === undefined) {
      verdict.textContent = 'Change the price or the quantity first';
      verdict.className = 'rejected';
      return;
    }
    const res = await this.api.call('POST', '/order/amend', body);
    if (res.ok && res.data.order) {
      if (this.orders.upsert(res.data.order as OrderRow)) this.redraw('orders');
      verdict.textContent = `Amended: ${describeVerdict(res.data.order)}`;
      verdict.className = 'accepted';
      form.hidden = true;
      byId('verdict').textContent = `Amended: ${describeVerdict(res.data.order)}`;
      byId('verdict').className = 'accepted';
    } else if (!res.ok) {
      verdict.textContent = `Not amended: ${refusalText(res.code, res.error)}`;
      verdict.className = 'rejected';
    }
  }

  private async cancelAll(): Promise<void> {
    const button = byId<HTMLButtonElement>('cancel-all');
    button.disabled = true;
    const res = await this.api.call<{ cancelled: number; orders: OrderRow[] }>('POST', '/order/cancel-all', {});
    button.disabled = false;
    const verdict = byId('verdict');
    if (res.ok && res.data.orders !== undefined) {
      for (const o of res.data.orders) this.orders.upsert(o);
      this.redraw('orders');
      verdict.textContent = `Cancelled all ${formatShares(res.data.cancelled)} open orders`;
      verdict.className = 'accepted';
    } else if (!res.ok) {
      verdict.textContent = `Not cancelled: ${refusalText(res.code, res.error)}`;
      verdict.className = 'rejected';
    }
  }

  private wireTabs(): void {
    byId('trade-history').addEventListener('click', (e) => {
      const b = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-share]');
      const fill = b === null ? undefined : this.shareable.get(Number(b.dataset.share));
      if (fill !== undefined) this.onShare(fill);
    });
    byId('leaderboard').addEventListener('click', (e) => {
      const b = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-profile]');
      if (b !== null) this.onProfile(b.dataset.profile!);
    });
    chooser('leaderboard-scope', 'scope', (scope) => {
      this.leaderboardScope = scope as typeof this.leaderboardScope;
      void this.loadLeaderboard();
    });
    chooser('activity-tabs', 'tab', (tab) => {
      document.querySelectorAll<HTMLElement>('.activity [data-panel]').forEach((p) => (p.hidden = p.dataset.panel !== tab));
    });
  }
}

export function describeVerdict(o: { status: string; side: string; quantity: number; filledQuantity: number; symbol: string; price: number | null; reason: string | null; stopPrice?: number | null; triggered?: boolean }): string {
  const what = `${o.side} ${formatShares(o.quantity)} ${o.symbol}${o.price === null ? ' at market' : ` @ ${formatPrice(o.price)}`}`;
  if (o.status === 'PENDING' && o.triggered === false && o.stopPrice != null) return `Accepted: ${what}, waiting for a trade at ${formatPrice(o.stopPrice)}`;
  switch (o.status) {
    case 'PENDING':
      return `Accepted: ${what}, resting in the book`;
    case 'PARTIALLY_FILLED':
      return `Partly filled: ${formatShares(o.filledQuantity)} of ${what}, the rest rests`;
    case 'FILLED':
      return `Filled: ${what}`;
    case 'CANCELLED':
      return o.filledQuantity === 0 ? `Not filled: ${what}; ${reasonText(o.reason)}` : `Partly filled: ${formatShares(o.filledQuantity)} of ${what}; ${reasonText(o.reason)}`;
    default:
      return `${o.status}: ${what}`;
  }
}

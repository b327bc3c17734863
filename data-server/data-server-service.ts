import type Redis from 'ioredis';
import { parseStored } from '../contracts/stored';
import { markCentsOf, readBalance, readBotsConfig, readNews, readQuote, readReference, readSchedule, readSessionState, readSymbol, referenceJson } from '../contracts/hot-state';
import { Counter } from 'prom-client';
import type { DataServerConfig } from '../contracts/config';
import { centsToWire, wireToCents } from '../contracts/money';
import { names, type Names } from '../contracts/names';
import type { Logger } from '../runtime/logger';
import { connectRedis, scanKeys } from '../runtime/redis';
import { ApiClient } from './api-client';
import { makerQuotes, noiseOrders, type MakerParams } from './bots';
import { nextReference, seeded } from './reference-price';
import { equityCents } from '../portfolio/equity-stats';
import { parseEventDefinition, type EventFile, type StoredEvent } from '../contracts/event-file';
import { applyMove, dueItems } from './event-schedule';

const botOrders = new Counter({ name: 'data_server_bot_orders_total', help: 'Orders the liquidity bots sent through the api', labelNames: ['bot', 'outcome'] });
const MAKER: MakerParams = { spreadTicks: 2, levels: 2, quantity: 10, maxInventory: 0, minInventory: 0 };
/** the makers' quotes grow with the event: one more multiple of the event's quantity per this many participants */
const PARTICIPANTS_PER_DEPTH_STEP = 50;

export interface BotsConfig {
  enabled: boolean;
  intensity: number;
}

interface Listed {
  symbol: string;
  tickCents: number;
}

/**
 * data-server: a reference price per symbol on a channel of its own, and liquidity bots (market
 * makers and noise traders) that trade as registered participants through the public api.
 */
export class DataServerService {
  private readonly n: Names;
  private readonly redis: Redis;
  private readonly random: () => number;
  private readonly references = new Map<string, number>();
  private readonly makers: ApiClient[] = [];
  private readonly noise: ApiClient[] = [];
  /** each maker's resting quotes, to cancel before quoting again */
  private readonly quotes = new Map<ApiClient, string[]>();
  private readonly loops: { stop: () => Promise<void> }[] = [];
  private botsReady = false;
  private readonly admin: ApiClient;
  /** the loaded event (its seq tells a new load from the one already known), and participants ranked last time */
  private event: { seq: number; def: EventFile } | null = null;
  private participants = 0;
  ready = false;

  constructor(
    private readonly config: DataServerConfig,
    private readonly log: Logger,
  ) {
    this.n = names(config.KEY_PREFIX);
    this.redis = connectRedis(config.REDIS_URL, log, 'data-server', { enableAutoPipelining: true });
    this.random = config.RANDOM_SEED === undefined ? Math.random : seeded(config.RANDOM_SEED);
    this.admin = new ApiClient(config.API_URL, config.ADMIN_USERNAME, config.ADMIN_PASSWORD, false);
    for (let i = 1; i <= config.BOT_MARKET_MAKERS; i++) this.makers.push(new ApiClient(config.API_URL, `bot-maker-${i}`, config.BOT_PASSWORD));
    for (let i = 1; i <= config.BOT_NOISE_TRADERS; i++) this.noise.push(new ApiClient(config.API_URL, `bot-noise-${i}`, config.BOT_PASSWORD));
  }

  async start(): Promise<void> {
    await this.redis.ping();
    this.ready = true;
    this.loops.push(this.repeat('data-server step', this.config.REFERENCE_INTERVAL_MS, () => this.tick()));
    this.loops.push(this.repeat('leaderboard update', this.config.LEADERBOARD_INTERVAL_MS, () => this.updateLeaderboard()));
  }

  /** Runs `step` now and then `ms` after each run ends (never two at once); stop() waits for the one under way. */
  private repeat(what: string, ms: number, step: () => Promise<void>): { stop: () => Promise<void> } {
    let timer: NodeJS.Timeout | null = null;
    let running: Promise<void> = Promise.resolve();
    const run = () => {
      running = step()
        .catch((err: unknown) => this.log.warn({ err: String(err) }, `${what} failed`))
        .finally(() => {
          if (this.ready) timer = setTimeout(run, ms);
        });
    };
    run();
    return {
      stop: async () => {
        if (timer !== null) clearTimeout(timer);
        await running;
      },
    };
  }

  /**
   * Marks every participant's cash and shares to the last trade (or the reference price before
   * the first trade), ranks them by equity and appends to each equity curve.
   */
  async updateLeaderboard(): Promise<void> {
    const keys = await scanKeys(this.redis, this.n.keys.balancePattern);
    const symbols = Object.keys(await this.redis.hgetall(this.n.keys.symbols));
    const marks: Record<string, number> = {};
    for (const symbol of symbols) {
      const [quote, reference] = await this.redis.mget(this.n.keys.quote(symbol), this.n.keys.reference(symbol));
      marks[symbol] = markCentsOf(quote, reference) ?? 0;
    }
    const now = Date.now();
    const pipe = this.redis.pipeline();
    const values = keys.length === 0 ? [] : await this.redis.mget(...keys);
    const bots = new Set(await this.redis.smembers(this.n.keys.botIds));
    let ranked = 0;
    for (const raw of values) {
      const b = readBalance(raw);
      if (b === null) continue;
      if (bots.has(b.userId)) continue;
      ranked++;
      const cash = (wireToCents(b.cash.available) ?? 0) + (wireToCents(b.cash.locked) ?? 0);
      const shares = Object.fromEntries(Object.entries(b.positions).map(([s, p]) => [s, p.available + p.locked]));
      const equity = equityCents(cash, shares, marks);
      if (equity === 0) {
        // nothing to rank yet (say, right after a reset, before the new event's credits)
        pipe.zrem(this.n.keys.leaderboard, b.userId);
        continue;
      }
      pipe.zadd(this.n.keys.leaderboard, centsToWire(equity), b.userId);
      pipe.rpush(this.n.keys.equity(b.userId), `${now}:${equity}`);
      pipe.ltrim(this.n.keys.equity(b.userId), -10_000, -1);
    }
    pipe.set(this.n.keys.leaderboardUpdatedAt, String(now));
    await pipe.exec();
    this.participants = ranked;
    const top = await this.redis.zrevrange(this.n.keys.leaderboard, 0, 19, 'WITHSCORES');
    const entries = [];
    for (let i = 0; i < top.length; i += 2) entries.push({ rank: i / 2 + 1, userId: top[i], equity: Number(top[i + 1]) });
    await this.redis.publish(this.n.channels.leaderboard, JSON.stringify({ type: 'leaderboard', timestamp: now, entries }));
  }

  async stop(): Promise<void> {
    this.ready = false;
    await Promise.all(this.loops.map((l) => l.stop()));
    await this.cancelQuotes().catch(() => undefined);
    await this.redis.quit();
  }

  async botsConfig(): Promise<BotsConfig> {
    const raw = await this.redis.get(this.n.keys.botsConfig);
    const stored = readBotsConfig(raw);
    return { enabled: stored.enabled ?? this.config.BOTS_ENABLED, intensity: stored.intensity ?? this.config.BOT_INTENSITY };
  }

  /** Carries out the schedule's entries whose time has come, each once, as the organiser. */
  private async runSchedule(): Promise<void> {
    const entries = readSchedule(await this.redis.get(this.n.keys.schedule));
    const now = Date.now();
    for (const entry of entries) {
      if (Date.parse(entry.at) > now) break;
      const key = `${entry.state}@${entry.at}`;
      if ((await this.redis.sadd(this.n.keys.scheduleDone, key)) === 0) continue;
      const res = await this.admin.call('POST', '/admin/session', { state: entry.state });
      // 409: already in that state (say, opened by hand) — the entry is done all the same
      if (res.status !== 200 && res.status !== 202 && res.status !== 409) {
        await this.redis.srem(this.n.keys.scheduleDone, key);
        throw new Error(`scheduled ${key} failed: ${res.status} ${JSON.stringify(res.body)}`);
      }
      this.log.info({ state: entry.state, at: entry.at, status: res.status }, 'scheduled session change');
    }
  }

  /**
   * Follows the loaded event: a new load restarts every walk at the event's reference prices
   * (which the api set) and makes the bots fund themselves for it.
   */
  private async followEvent(): Promise<void> {
    const stored = parseStored<StoredEvent>(await this.redis.get(this.n.keys.event));
    if (stored === null) return;
    // checked every step: the definition is parsed only when a new one was loaded
    if (this.event !== null && this.event.seq === stored.seq) return;
    const def = parseEventDefinition(stored.definition);
    this.event = { seq: stored.seq, def };
    this.references.clear();
    this.botsReady = false;
    this.log.info({ event: def.name, seq: stored.seq }, 'following a newly loaded event');
  }

  /**
   * The event's timed items, each once (a set in Redis remembers which are done, so a restart or a
   * second data-server does not repeat them; the engine refuses a news id twice anyway): news at
   * its minutes after the session first opened, and the close after the event's duration.
   */
  private async runEventSchedule(open: boolean): Promise<void> {
    if (this.event === null) return;
    const def = this.event.def;
    if (open) await this.redis.set(this.n.keys.eventOpenedAt, String(Date.now()), 'NX');
    const openedAt = Number((await this.redis.get(this.n.keys.eventOpenedAt)) ?? NaN);
    if (!Number.isFinite(openedAt)) return;
    const done = new Set(await this.redis.smembers(this.n.keys.eventDone));
    for (const item of dueItems(def, openedAt, Date.now(), done)) {
      if ((await this.redis.sadd(this.n.keys.eventDone, item.key)) === 0) continue;
      const res =
        item.kind === 'close'
          ? await this.admin.call('POST', '/admin/session', { state: 'CLOSED' })
          : await this.admin.call('POST', '/admin/news', { ...item.news, newsId: `event-${this.event.seq}-${item.index}` });
      // 409: already closed, or this news already out: the item is done all the same
      if (res.status !== 200 && res.status !== 409) {
        await this.redis.srem(this.n.keys.eventDone, item.key);
        throw new Error(`scheduled ${item.key} failed: ${res.status} ${JSON.stringify(res.body)}`);
      }
      this.log.info({ item: item.key, status: res.status }, 'event schedule item carried out');
    }
  }

  /**
   * Moves references by the news the engine published since the last one applied, in seq order:
   * the bots quote around the new price. The reference and the applied mark are written together.
   */
  private async applyNewsMoves(listed: Listed[]): Promise<void> {
    const after = Number((await this.redis.get(this.n.keys.newsAppliedSeq)) ?? 0);
    const items = await this.redis.zrangebyscore(this.n.keys.newsLog, `(${after}`, '+inf');
    for (const raw of items) {
      const news = readNews(raw);
      if (news === null) continue;
      const multi = this.redis.multi();
      const s = listed.find((l) => l.symbol === news.symbol);
      const ref = s === undefined ? undefined : this.references.get(s.symbol);
      if (s !== undefined && ref !== undefined && news.movePercent !== null) {
        const moved = applyMove(ref, s.tickCents, news.movePercent);
        this.references.set(s.symbol, moved);
        const json = JSON.stringify({ type: 'reference', symbol: s.symbol, price: centsToWire(moved), timestamp: Date.now() });
        multi.set(this.n.keys.reference(s.symbol), json).publish(this.n.channels.referencePrices, json);
        this.log.info({ symbol: s.symbol, from: ref, to: moved, headline: news.headline }, 'news moved a reference price');
      }
      await multi.set(this.n.keys.newsAppliedSeq, String(news.seq)).zremrangebyscore(this.n.keys.newsLog, '-inf', news.seq).exec();
    }
  }

  private async tick(): Promise<void> {
    await this.runSchedule();
    await this.followEvent();
    const [symbolsRaw, sessionRaw] = await Promise.all([this.redis.hgetall(this.n.keys.symbols), this.redis.get(this.n.keys.session)]);
    const listed: Listed[] = Object.values(symbolsRaw).flatMap((raw) => {
      const s = readSymbol(raw);
      return s === null ? [] : [{ symbol: s.symbol, tickCents: wireToCents(s.tickSize) ?? 1 }];
    });
    await this.stepReferences(listed);
    await this.applyNewsMoves(listed);
    const bots = await this.botsConfig();
    const open = readSessionState(sessionRaw) === 'OPEN';
    await this.runEventSchedule(open);
    if (!bots.enabled || !open) {
      await this.cancelQuotes();
      return;
    }
    if (!this.botsReady) await this.prepareBots(listed);
    // the new quotes go in before the old ones come out, so a side of a book is never empty
    // between two steps (a new quote meeting its own maker's old one expires the old one)
    const old = new Map(this.quotes);
    this.quotes.clear();
    try {
      await this.quote(listed);
    } finally {
      await this.cancelQuotes(old);
    }
    for (const s of listed) await this.noiseTrade(s, bots.intensity);
  }

  private async stepReferences(listed: Listed[]): Promise<void> {
    const now = Date.now();
    const pipe = this.redis.pipeline();
    for (const { symbol, tickCents } of listed) {
      let ref = this.references.get(symbol);
      if (ref === undefined) {
        // start where the organiser set it, else where the market has traded, else at the configured price
        const [quote, given] = await this.redis.mget(this.n.keys.quote(symbol), this.n.keys.reference(symbol));
        const last = readQuote(quote)?.lastTradePrice ?? null;
        const organiser = readReference(given)?.price ?? null;
        ref = wireToCents(organiser ?? last ?? this.config.REFERENCE_START_PRICE) ?? 10_000;
        ref = Math.max(tickCents, Math.round(ref / tickCents) * tickCents);
      } else {
        const walk = this.event?.def.symbols.find((s) => s.symbol === symbol);
        ref = nextReference(ref, tickCents, walk ?? { drift: this.config.REFERENCE_DRIFT, volatility: this.config.REFERENCE_VOLATILITY }, this.random);
      }
      this.references.set(symbol, ref);
      const json = referenceJson(symbol, ref, now);
      pipe.set(this.n.keys.reference(symbol), json);
      pipe.publish(this.n.channels.referencePrices, json);
    }
    await pipe.exec();
  }

  /** Logs every bot in (registering it the first time) and has the organiser fund it once per asset. */
  private async prepareBots(listed: Listed[]): Promise<void> {
    const admin = this.admin;
    for (const bot of [...this.makers, ...this.noise]) {
      await bot.login();
      await this.redis.sadd(this.n.keys.botIds, bot.userId);
      for (const asset of ['CASH', ...listed.map((l) => l.symbol)]) {
        if ((await this.redis.sadd(this.n.keys.botsFunded, `${bot.userId}:${asset}`)) === 0) continue;
        const amount = asset === 'CASH' ? this.config.BOT_CASH : this.botShares(asset);
        const res = await admin.call('POST', '/admin/credit', { userId: bot.userId, asset, amount });
        if (res.status !== 200 && res.status !== 202) {
          await this.redis.srem(this.n.keys.botsFunded, `${bot.userId}:${asset}`);
          throw new Error(`funding ${bot.username} with ${asset} failed: ${res.status} ${JSON.stringify(res.body)}`);
        }
      }
    }
    this.botsReady = true;
    this.log.info({ makers: this.makers.length, noise: this.noise.length }, 'bots ready');
  }

  /** Shares each bot holds of a symbol: BOT_SHARES, or less where the event's position limits would not let it quote both sides. */
  private botShares(symbol: string): number {
    const limit = this.event?.def.rules.positionLimits[symbol];
    const room = Math.min(limit?.net ?? Infinity, (limit?.gross ?? Infinity) / 2);
    return Math.max(1, Math.min(this.config.BOT_SHARES, Math.floor(room / 2)));
  }

  /** Each maker's levels and shares per level: the event's, deeper as more participants join. */
  private makerParams(symbol: string): MakerParams {
    const bots = this.event?.def.bots;
    const depth = Math.max(1, Math.ceil(this.participants / PARTICIPANTS_PER_DEPTH_STEP));
    const limit = this.event?.def.rules.positionLimits[symbol];
    const quantity = (bots?.quantity ?? MAKER.quantity) * depth;
    const levels = bots?.levels ?? MAKER.levels;
    // never quote past the event's net limit (working buys count towards it)
    const maxInventory = Math.min(this.config.BOT_SHARES * 2, (limit?.net ?? Infinity) - levels * quantity);
    return { ...MAKER, levels, quantity, maxInventory: Math.max(0, maxInventory), minInventory: 0 };
  }

  /** Every maker quotes every symbol around its reference, leaning against what it holds. */
  private async quote(listed: Listed[]): Promise<void> {
    for (const maker of this.makers) {
      const balance = await maker.call('GET', '/account/balance');
      const positions = (balance.body?.data?.positions ?? {}) as Record<string, { available: number; locked: number }>;
      const ids: string[] = [];
      for (const s of listed) {
        const ref = this.references.get(s.symbol);
        if (ref === undefined) continue;
        const pos = positions[s.symbol];
        const inventory = pos === undefined ? 0 : pos.available + pos.locked;
        for (const q of makerQuotes(ref, s.tickCents, inventory, this.makerParams(s.symbol))) {
          const id = await this.place(maker, 'maker', { symbol: s.symbol, side: q.side, type: 'LIMIT', timeInForce: 'GFD', price: centsToWire(q.priceCents), quantity: q.quantity, stp: 'EXPIRE_MAKER' });
          if (id !== null) ids.push(id);
        }
      }
      this.quotes.set(maker, ids);
    }
  }

  private async noiseTrade(s: Listed, intensity: number): Promise<void> {
    const ref = this.references.get(s.symbol);
    if (ref === undefined) return;
    for (const trader of this.noise) {
      for (const o of noiseOrders(ref, s.tickCents, intensity / Math.max(1, this.noise.length), 20, this.random)) {
        await this.place(trader, 'noise', { symbol: s.symbol, side: o.side, type: o.type, timeInForce: 'IOC', price: o.priceCents === null ? undefined : centsToWire(o.priceCents), quantity: o.quantity });
      }
    }
  }

  private async place(bot: ApiClient, kind: string, order: Record<string, unknown>): Promise<string | null> {
    const res = await bot.call('POST', '/order/place', order);
    const ok = res.status === 200 || res.status === 202;
    botOrders.inc({ bot: kind, outcome: ok ? 'accepted' : String(res.status) });
    return ok && res.body.data.status !== 'FILLED' ? (res.body.data.orderId as string) : null;
  }

  private async cancelQuotes(quotes = this.quotes): Promise<void> {
    for (const [maker, ids] of quotes) {
      for (const orderId of ids) await maker.call('POST', '/order/cancel', { orderId });
      quotes.delete(maker);
    }
  }
}

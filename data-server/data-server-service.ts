import type Redis from 'ioredis';
import { Counter } from 'prom-client';
import type { DataServerConfig } from '../contracts/config';
import { centsToWire, wireToCents } from '../contracts/money';
import { names, type Names } from '../contracts/names';
import type { Logger } from '../runtime/logger';
import { connectRedis, scanKeys } from '../runtime/redis';
import { ApiClient } from './api-client';
import { makerQuotes, noiseOrders, type MakerParams } from './bots';
import { nextReference, seeded } from './reference-price';
import { equityCents } from './equity-stats';

const botOrders = new Counter({ name: 'data_server_bot_orders_total', help: 'Orders the liquidity bots sent through the api', labelNames: ['bot', 'outcome'] });
const MAKER: MakerParams = { spreadTicks: 2, levels: 2, quantity: 10, maxInventory: 0, minInventory: 0 };

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
      const last = quote === null ? null : (JSON.parse(quote) as { lastTradePrice: number | null }).lastTradePrice;
      const ref = reference === null ? null : (JSON.parse(reference) as { price: number }).price;
      marks[symbol] = wireToCents(last ?? ref ?? 0) ?? 0;
    }
    const now = Date.now();
    const pipe = this.redis.pipeline();
    const values = keys.length === 0 ? [] : await this.redis.mget(...keys);
    const bots = new Set(await this.redis.smembers(this.n.keys.botIds));
    for (const raw of values) {
      if (raw === null) continue;
      const b = JSON.parse(raw) as { userId: string; cash: { available: number; locked: number }; positions: Record<string, { available: number; locked: number }> };
      if (bots.has(b.userId)) continue;
      const cash = (wireToCents(b.cash.available) ?? 0) + (wireToCents(b.cash.locked) ?? 0);
      const shares = Object.fromEntries(Object.entries(b.positions).map(([s, p]) => [s, p.available + p.locked]));
      const equity = equityCents(cash, shares, marks);
      if (equity === 0) {
        // nothing to rank yet (say, right after a reset, before the new event's credits)
        pipe.zrem(this.n.keys.leaderboard, b.userId);
        continue;
      }
      pipe.zadd(this.n.keys.leaderboard, equity / 100, b.userId);
      pipe.rpush(this.n.keys.equity(b.userId), `${now}:${equity}`);
      pipe.ltrim(this.n.keys.equity(b.userId), -10_000, -1);
    }
    pipe.set(this.n.keys.leaderboardUpdatedAt, String(now));
    await pipe.exec();
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
    const stored = raw === null ? {} : (JSON.parse(raw) as Partial<BotsConfig>);
    return { enabled: stored.enabled ?? this.config.BOTS_ENABLED, intensity: stored.intensity ?? this.config.BOT_INTENSITY };
  }

  /** Carries out the schedule's entries whose time has come, each once, as the organiser. */
  private async runSchedule(): Promise<void> {
    const raw = await this.redis.get(this.n.keys.schedule);
    if (raw === null) return;
    const now = Date.now();
    for (const entry of JSON.parse(raw) as { state: string; at: string }[]) {
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

  private async tick(): Promise<void> {
    await this.runSchedule();
    const [symbolsRaw, sessionRaw] = await Promise.all([this.redis.hgetall(this.n.keys.symbols), this.redis.get(this.n.keys.session)]);
    const listed: Listed[] = Object.values(symbolsRaw).map((s) => {
      const { symbol, tickSize } = JSON.parse(s) as { symbol: string; tickSize: number };
      return { symbol, tickCents: wireToCents(tickSize) ?? 1 };
    });
    await this.stepReferences(listed);
    const bots = await this.botsConfig();
    const open = sessionRaw !== null && (JSON.parse(sessionRaw) as { state: string }).state === 'OPEN';
    if (!bots.enabled || !open) {
      await this.cancelQuotes();
      return;
    }
    if (!this.botsReady) await this.prepareBots(listed);
    await this.cancelQuotes();
    await this.quote(listed);
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
        const last = quote === null ? null : (JSON.parse(quote) as { lastTradePrice: number | null }).lastTradePrice;
        const organiser = given === null ? null : (JSON.parse(given) as { price: number }).price;
        ref = wireToCents(organiser ?? last ?? this.config.REFERENCE_START_PRICE) ?? 10_000;
        ref = Math.max(tickCents, Math.round(ref / tickCents) * tickCents);
      } else {
        ref = nextReference(ref, tickCents, { drift: this.config.REFERENCE_DRIFT, volatility: this.config.REFERENCE_VOLATILITY }, this.random);
      }
      this.references.set(symbol, ref);
      const json = JSON.stringify({ type: 'reference', symbol, price: centsToWire(ref), timestamp: now });
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
        const amount = asset === 'CASH' ? this.config.BOT_CASH : this.config.BOT_SHARES;
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
        for (const q of makerQuotes(ref, s.tickCents, inventory, { ...MAKER, maxInventory: this.config.BOT_SHARES * 2, minInventory: 0 })) {
          const id = await this.place(maker, 'maker', { symbol: s.symbol, side: q.side, type: 'LIMIT', timeInForce: 'GFD', price: centsToWire(q.priceCents), quantity: q.quantity });
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
    const ok = res.status === 201 || res.status === 202;
    botOrders.inc({ bot: kind, outcome: ok ? 'accepted' : String(res.status) });
    return ok && res.body.data.status !== 'FILLED' ? (res.body.data.orderId as string) : null;
  }

  private async cancelQuotes(): Promise<void> {
    for (const [maker, ids] of this.quotes) {
      for (const orderId of ids) await maker.call('POST', '/order/cancel', { orderId });
      this.quotes.delete(maker);
    }
  }
}

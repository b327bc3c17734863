import { notify, notifySession } from './feed/notify';
import { randomUUID } from 'crypto';
import { botsConfigJson, readSessionState, readSymbol, referenceJson, scheduleJson } from '../contracts/hot-state';
import { ErrorCode, type ErrorCodeValue } from '../contracts/errors';
import { definitionValue, EventFileError, parseEventDefinition, readStoredEvent, storedEventJson, toEngineEvent, type EventFile, type StoredEvent } from '../contracts/event-file';
import { centsToWire, wireToCents } from '../contracts/money';
import type { Reply } from '../contracts/wire';
import type { ApiContext } from './context';
import { ApiError, statusForCode } from './http-errors';

/** loading adds symbols and waits for each: a little longer than one order may wait */
const LOAD_TIMEOUT_FACTOR = 5;

function refused(reply: Reply | null, what: string): void {
  if (reply === null) throw new ApiError(504, ErrorCode.TIMEOUT, `The engine did not answer ${what} in time; GET /admin/event shows whether the event was applied`);
  if (reply.error !== null) throw new ApiError(statusForCode(reply.error.code), reply.error.code as ErrorCodeValue, `${what}: ${reply.error.message}`);
}

async function sessionState(ctx: ApiContext): Promise<string> {
  return readSessionState(await ctx.redis.get(ctx.n.keys.session));
}

/**
 * Loads an event definition (YAML or JSON text, or an object): its symbols are listed (reference
 * prices set), its rules and starting package go through the engine's stream like every admin
 * action (so replay gives the same state), and the schedule, bots and news schedule are handed to
 * the data-server. Only while the session is closed.
 */
export async function loadEvent(ctx: ApiContext, input: unknown, timeout = ctx.config.PLACE_TIMEOUT_MS * LOAD_TIMEOUT_FACTOR): Promise<{ event: EventFile; seq: number; opened: boolean }> {
  let raw: unknown;
  let event: EventFile;
  try {
    raw = definitionValue(input);
    event = parseEventDefinition(raw);
  } catch (err) {
    if (err instanceof EventFileError) throw new ApiError(400, ErrorCode.VALIDATION_ERROR, err.message, { problems: err.problems });
    throw err;
  }
  if ((await sessionState(ctx)) !== 'CLOSED') throw new ApiError(409, ErrorCode.INVALID_SESSION_TRANSITION, 'Close the session before loading an event');
  const listed = await ctx.redis.hgetall(ctx.n.keys.symbols);
  for (const s of event.symbols) {
    const existing = readSymbol(listed[s.symbol] ?? null);
    if (existing !== null && (wireToCents(existing.tickSize) !== s.tickSize || existing.lotSize !== s.lotSize)) {
      throw new ApiError(409, ErrorCode.SYMBOL_EXISTS, `symbols: ${s.symbol} is already listed with tick ${existing.tickSize} and lot ${existing.lotSize}; an event cannot change them`);
    }
  }
  for (const s of event.symbols) {
    // the event's starting reference, set before the symbol exists so that the data-server's walk starts there
    await ctx.redis.set(ctx.n.keys.reference(s.symbol), referenceJson(s.symbol, s.referencePrice, Date.now()));
    if (listed[s.symbol] !== undefined) continue;
    const { reply } = await ctx.engine.submit({ action: 'addSymbol', symbol: s.symbol, tickSize: s.tickSize, lotSize: s.lotSize }, timeout);
    refused(reply, `listing ${s.symbol}`);
  }
  const { reply } = await ctx.engine.submit(toEngineEvent(event), timeout);
  refused(reply, 'loading the event');
  const seq = reply!.seq;
  const stored: StoredEvent = { definition: raw, loadedAt: Date.now(), seq };
  const schedule = [
    ...(event.schedule.openAt === undefined ? [] : [{ state: 'OPEN', at: event.schedule.openAt.toISOString() }]),
    ...(event.schedule.closeAt === undefined ? [] : [{ state: 'CLOSED', at: event.schedule.closeAt.toISOString() }]),
  ];
  await ctx.redis
    .multi()
    .set(ctx.n.keys.event, storedEventJson(stored))
    .del(ctx.n.keys.eventOpenedAt, ctx.n.keys.eventDone, ctx.n.keys.scheduleDone)
    .set(ctx.n.keys.schedule, scheduleJson(schedule))
    .set(ctx.n.keys.botsConfig, botsConfigJson({ enabled: event.bots.enabled, intensity: event.bots.intensity }))
    .exec();
  await ctx.prisma.eventDefinition.create({ data: { name: event.name, definition: raw as object, seq: BigInt(seq) } });
  ctx.log.info({ event: event.name, seq, symbols: event.symbols.length, news: event.news.length }, 'event loaded');
  let opened = false;
  if (event.schedule.openOnLoad) {
    const open = await ctx.engine.submit({ action: 'session', state: 'OPEN' }, timeout);
    refused(open.reply, 'opening the session');
    await notifySession(ctx, 'OPEN', open.reply!.seq);
    opened = true;
  }
  return { event, seq, opened };
}

/** The loaded event as given, when it was loaded, and how far its schedule has got; null if none. */
export async function currentEvent(ctx: ApiContext) {
  const [raw, openedAt, done] = await Promise.all([ctx.redis.get(ctx.n.keys.event), ctx.redis.get(ctx.n.keys.eventOpenedAt), ctx.redis.smembers(ctx.n.keys.eventDone)]);
  const current = readStoredEvent(raw);
  if (current === null) return null;
  const { stored, event } = current;
  return {
    name: event.name,
    definition: stored.definition,
    loadedAt: new Date(stored.loadedAt).toISOString(),
    seq: stored.seq,
    openedAt: openedAt === null ? null : new Date(Number(openedAt)).toISOString(),
    news: event.news.map((n, i) => ({ index: i, afterMinutes: n.afterMinutes, headline: n.headline, published: done.includes(`news:${i}`) })),
  };
}

/** The starting package for a participant: idempotent in the engine, so every registration and log-in asks. */
export async function grantStartingPackage(ctx: ApiContext, userId: string): Promise<void> {
  const { reply } = await ctx.engine.submit({ action: 'grant', userId }, ctx.config.PLACE_TIMEOUT_MS);
  // no answer in time: the grant is in the stream and will be applied; the next log-in asks again anyway
  if (reply?.error) ctx.log.warn({ userId, error: reply.error }, 'starting package refused');
}

/** A headline now, from the organiser; scheduled ones come from the data-server with their own ids. */
export async function publishNews(ctx: ApiContext, item: { headline: string; body?: string; symbol?: string; movePercent?: number }, newsId = `live-${randomUUID()}`): Promise<{ newsId: string; seq: number }> {
  const { reply } = await ctx.engine.submit({ action: 'news', newsId, headline: item.headline, body: item.body ?? '', symbol: item.symbol ?? null, movePercent: item.movePercent ?? null }, ctx.config.PLACE_TIMEOUT_MS);
  refused(reply, 'publishing the news');
  // the news id names it: a scheduled item sent again is told once
  await notify(ctx, { kind: 'NEWS', source: `news:${newsId}`, text: item.headline, data: { newsId, symbol: item.symbol ?? null } });
  return { newsId, seq: reply!.seq };
}

/**
 * What a participant may know of the loaded event before it happens: its name, what everyone starts
 * with, the limits and fees, as the file gives them (dollars, bps). Not the news schedule.
 */
export async function publicRules(ctx: ApiContext) {
  const current = readStoredEvent(await ctx.redis.get(ctx.n.keys.event));
  if (current === null) return { event: null, starting: null, rules: null };
  const e = current.event;
  return {
    event: e.name,
    starting: { cash: centsToWire(e.starting.cash), shares: e.starting.shares },
    rules: {
      maxOrderQuantity: e.rules.maxOrderQuantity ?? null,
      maxOrderValue: e.rules.maxOrderValue === undefined ? null : centsToWire(e.rules.maxOrderValue),
      shortSelling: e.rules.shortSelling,
      positionLimits: e.rules.positionLimits,
      fees: e.rules.fees ?? null,
    },
  };
}

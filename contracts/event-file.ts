import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { wireToCents } from './money';

/**
 * An event definition: one YAML or JSON file an organiser writes (see events/ and
 * docs/organiser.md), in the units people use (dollars, basis points, minutes). The api checks it
 * with this schema and converts it to the engine's units once (toEngineEvent); the data-server
 * reads the symbols' walks, the bots and the news schedule from the definition the api stored.
 */
const SYMBOL = /^[A-Z][A-Z0-9.]{0,9}$/;
const dollars = (what: string) =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    const cents = wireToCents(v);
    if (cents === null || cents < 0) {
      ctx.addIssue({ code: 'custom', message: `${what} must be an amount in dollars with at most two decimals, not ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return cents;
  });
const shares = z.number().int('a whole number of shares').min(0).max(1_000_000_000);
const positiveShares = z.number().int('a whole number of shares').min(1).max(1_000_000_000);

const symbolSchema = z.strictObject({
  symbol: z.string().regex(SYMBOL, '1 to 10 characters A-Z, 0-9 or . starting with a letter'),
  /** price step in dollars */
  tickSize: dollars('tickSize').refine((c) => c > 0, 'tickSize must be positive').default(1),
  lotSize: positiveShares.default(1),
  /** where the reference price starts, in dollars (on the tick) */
  referencePrice: dollars('referencePrice').refine((c) => c > 0, 'referencePrice must be positive'),
  /** standard deviation of the relative change of the reference per step (one second by default) */
  volatility: z.number().min(0).max(0.5).default(0.002),
  /** expected relative change per step */
  drift: z.number().min(-0.1).max(0.1).default(0),
});

const feesSchema = z
  .strictObject({
    /** bps: of the fill's value; perShare: dollars per share */
    unit: z.enum(['bps', 'perShare']),
    /** negative: a rebate, at most the taker fee */
    maker: z.number().min(-1000).max(1000),
    taker: z.number().min(0).max(1000),
  })
  // checked here rather than with the whole file, so that these are reported beside any other problem
  .superRefine((f, ctx) => {
    if (f.maker < -f.taker) ctx.addIssue({ code: 'custom', path: ['maker'], message: 'a maker rebate cannot exceed the taker fee' });
    const scale = f.unit === 'bps' ? 100 : 10_000;
    for (const side of ['maker', 'taker'] as const) {
      if (!Number.isInteger(Math.round(f[side] * scale * 1e6) / 1e6)) ctx.addIssue({ code: 'custom', path: [side], message: f.unit === 'bps' ? 'at most two decimals of a basis point' : 'at most four decimals of a dollar per share' });
    }
    if (f.unit === 'perShare' && (f.taker > 1 || f.maker < -1 || f.maker > 1)) ctx.addIssue({ code: 'custom', path: [], message: 'a per-share fee is at most $1.00' });
  });

const newsSchema = z.strictObject({
  /** minutes after the session first opens */
  afterMinutes: z.number().min(0).max(7 * 24 * 60),
  headline: z.string().trim().min(1).max(200),
  body: z.string().max(4000).default(''),
  symbol: z.string().regex(SYMBOL).optional(),
  /** how far the symbol's reference price moves, in percent (-50: halves) */
  movePercent: z.number().gt(-100).max(1000).optional(),
});

export const eventFileSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(4000).optional(),
    symbols: z.array(symbolSchema).min(1).max(50),
    starting: z
      .strictObject({
        cash: dollars('starting.cash').default(0),
        /** shares per symbol */
        shares: z.record(z.string(), shares).default({}),
      })
      .default({ cash: 0, shares: {} }),
    schedule: z
      .strictObject({
        /** open as soon as the event is loaded (the demo); otherwise at openAt, or by hand */
        openOnLoad: z.boolean().default(false),
        openAt: z.coerce.date().optional(),
        closeAt: z.coerce.date().optional(),
        /** close this long after the session first opens (instead of closeAt) */
        durationMinutes: z.number().positive().max(7 * 24 * 60).optional(),
      })
      .default({ openOnLoad: false }),
    rules: z
      .strictObject({
        maxOrderQuantity: positiveShares.optional(),
        /** the largest order value in dollars (limit price x quantity; a market order at the best opposite price) */
        maxOrderValue: dollars('rules.maxOrderValue').refine((c) => c > 0, 'rules.maxOrderValue must be positive').optional(),
        /**
         * sells may go beyond the shares held, down to minus the symbol's net position limit (which
         * every symbol then needs); no margin account, as in trading-competition cases
         */
        shortSelling: z.boolean().default(false),
        positionLimits: z.record(z.string(), z.strictObject({ net: positiveShares.optional(), gross: positiveShares.optional() })).default({}),
        fees: feesSchema.optional(),
      })
      .default({ shortSelling: false, positionLimits: {} }),
    news: z.array(newsSchema).max(500).default([]),
    bots: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** noise orders per symbol per step, all noise traders together */
        intensity: z.number().min(0).max(20).default(1),
        /** price levels each market maker quotes on each side */
        levels: z.number().int().min(1).max(20).default(5),
        /** shares per level per market maker */
        quantity: positiveShares.default(20),
      })
      .default({ enabled: false, intensity: 1, levels: 5, quantity: 20 }),
  })
  .superRefine((e, ctx) => {
    const listed = new Set<string>();
    e.symbols.forEach((s, i) => {
      if (listed.has(s.symbol)) ctx.addIssue({ code: 'custom', path: ['symbols', i, 'symbol'], message: `${s.symbol} is listed twice` });
      listed.add(s.symbol);
      if (s.referencePrice % s.tickSize !== 0) ctx.addIssue({ code: 'custom', path: ['symbols', i, 'referencePrice'], message: 'referencePrice must be a multiple of tickSize' });
    });
    const known = (symbol: string, path: (string | number)[]) => {
      if (!listed.has(symbol)) ctx.addIssue({ code: 'custom', path, message: `${symbol} is not one of the event's symbols` });
    };
    for (const symbol of Object.keys(e.starting.shares)) known(symbol, ['starting', 'shares', symbol]);
    for (const symbol of Object.keys(e.rules.positionLimits)) known(symbol, ['rules', 'positionLimits', symbol]);
    // the net limit is how short anyone can go: without one a short position would have no bound
    if (e.rules.shortSelling) {
      for (const s of e.symbols) {
        if (e.rules.positionLimits[s.symbol]?.net === undefined) ctx.addIssue({ code: 'custom', path: ['rules', 'positionLimits', s.symbol, 'net'], message: `short selling needs a net position limit for ${s.symbol}: it is how short anyone can go` });
      }
    }
    e.news.forEach((n, i) => {
      if (n.symbol !== undefined) known(n.symbol, ['news', i, 'symbol']);
      if (n.movePercent !== undefined && n.symbol === undefined) ctx.addIssue({ code: 'custom', path: ['news', i, 'movePercent'], message: 'a price move needs a symbol' });
    });
    const s = e.schedule;
    if (s.closeAt !== undefined && s.durationMinutes !== undefined) ctx.addIssue({ code: 'custom', path: ['schedule', 'durationMinutes'], message: 'give closeAt or durationMinutes, not both' });
    if (s.openAt !== undefined && s.closeAt !== undefined && s.closeAt <= s.openAt) ctx.addIssue({ code: 'custom', path: ['schedule', 'closeAt'], message: 'closeAt must be after openAt' });
    if (s.openOnLoad && s.openAt !== undefined) ctx.addIssue({ code: 'custom', path: ['schedule', 'openAt'], message: 'give openAt or openOnLoad, not both' });
  });

export type EventFile = z.output<typeof eventFileSchema>;

export class EventFileError extends Error {
  constructor(readonly problems: string[]) {
    super(`the event definition is not valid: ${problems.join('; ')}`);
  }
}

/** The definition as a plain value: YAML or JSON text parsed (JSON is YAML), an object as it is. */
export function definitionValue(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return parseYaml(input);
  } catch (err) {
    throw new EventFileError([`not YAML or JSON: ${(err as Error).message.split('\n')[0]}`]);
  }
}

/** Reads a definition from YAML or JSON text or an object already parsed; throws EventFileError naming each bad field. */
export function parseEventDefinition(input: unknown): EventFile {
  const parsed = eventFileSchema.safeParse(definitionValue(input));
  if (!parsed.success) throw new EventFileError(parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(the file)'}: ${i.message}`));
  return parsed.data;
}

/** The engine's event command for a definition: cents, shares, fee rates in hundredths of a bp or of a cent. */
export function toEngineEvent(e: EventFile) {
  const f = e.rules.fees;
  const rate = (v: number) => Math.round(v * (f?.unit === 'bps' ? 100 : 10_000));
  return {
    action: 'event' as const,
    name: e.name,
    rules: {
      maxOrderQuantity: e.rules.maxOrderQuantity ?? null,
      maxOrderNotional: e.rules.maxOrderValue ?? null,
      positionLimits: Object.fromEntries(Object.entries(e.rules.positionLimits).map(([s, l]) => [s, { net: l.net ?? null, gross: l.gross ?? null }])),
      fees: f === undefined ? null : { unit: f.unit === 'bps' ? ('BPS' as const) : ('PER_SHARE' as const), maker: rate(f.maker), taker: rate(f.taker) },
      shortSelling: e.rules.shortSelling,
    },
    starting: { cash: e.starting.cash, shares: e.starting.shares },
  };
}

/**
 * What the api keeps of a loaded event (Redis key event:definition): the definition as the
 * organiser gave it (parsed from YAML, not converted), when it was loaded and the engine seq it
 * was applied at. Every reader parses the definition again with the one schema.
 */
export interface StoredEvent {
  definition: unknown;
  loadedAt: number;
  seq: number;
}

/** what `event:definition` holds (readStoredEvent reads it back) */
export function storedEventJson(stored: StoredEvent): string {
  return JSON.stringify(stored);
}

export function readStoredEvent(json: string | null): { stored: StoredEvent; event: EventFile } | null {
  if (json === null) return null;
  const stored = JSON.parse(json) as StoredEvent;
  return { stored, event: parseEventDefinition(stored.definition) };
}

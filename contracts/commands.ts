import { z } from 'zod';

/**
 * Entries of the input stream: the core's commands without `ts` (the engine takes it from the
 * stream entry id), plus routing for the verdict. Money is already in cents here.
 */
const routing = {
  requestId: z.string().max(64).optional(),
  /** api instance that wants the verdict */
  replyTo: z.string().max(64).optional(),
};

export const placeEntry = z.object({
  action: z.literal('place'),
  orderId: z.string().min(1).max(64),
  clientOrderId: z.string().min(1).max(64).nullable().optional(),
  userId: z.string().min(1).max(64),
  symbol: z.string(),
  side: z.enum(['BUY', 'SELL']),
  type: z.enum(['LIMIT', 'MARKET', 'LIMIT_MAKER', 'STOP_MARKET', 'STOP_LIMIT']),
  timeInForce: z.enum(['GFD', 'IOC', 'FOK']),
  price: z.number().int().nullable().optional(),
  stopPrice: z.number().int().nullable().optional(),
  quantity: z.number().int(),
  stp: z.enum(['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH']).optional(),
  ...routing,
});

export const cancelEntry = z.object({
  action: z.literal('cancel'),
  orderId: z.string().min(1).max(64).nullable().optional(),
  clientOrderId: z.string().min(1).max(64).nullable().optional(),
  userId: z.string().min(1).max(64),
  ...routing,
});

export const cancelAllEntry = z.object({
  action: z.literal('cancelAll'),
  userId: z.string().min(1).max(64),
  symbol: z.string().nullable().optional(),
  ...routing,
});

export const amendEntry = z.object({
  action: z.literal('amend'),
  userId: z.string().min(1).max(64),
  orderId: z.string().min(1).max(64).nullable().optional(),
  clientOrderId: z.string().min(1).max(64).nullable().optional(),
  /** the new total quantity (filled shares included) */
  quantity: z.number().int().nullable().optional(),
  /** the new limit price in cents */
  price: z.number().int().nullable().optional(),
  ...routing,
});

export const addSymbolEntry = z.object({
  action: z.literal('addSymbol'),
  symbol: z.string(),
  tickSize: z.number().int(),
  lotSize: z.number().int().optional(),
  ...routing,
});

export const creditEntry = z.object({
  action: z.literal('credit'),
  userId: z.string().min(1).max(64),
  asset: z.string(),
  amount: z.number().int(),
  /** cost basis per share in cents, for shares */
  price: z.number().int().nullable().optional(),
  ...routing,
});

export const sessionEntry = z.object({
  action: z.literal('session'),
  state: z.enum(['OPEN', 'HALTED', 'CLOSED']),
  ...routing,
});

export const resetEntry = z.object({
  action: z.literal('reset'),
  ...routing,
});

const limitOrNull = z.number().int().positive().nullable();

/** an event's rules and starting package, in the core's units (cents, shares, integer fee rates) */
export const eventEntry = z.object({
  action: z.literal('event'),
  name: z.string(),
  rules: z.object({
    maxOrderQuantity: limitOrNull,
    maxOrderNotional: limitOrNull,
    positionLimits: z.record(z.string(), z.object({ net: limitOrNull, gross: limitOrNull })),
    fees: z.object({ unit: z.enum(['BPS', 'PER_SHARE']), maker: z.number().int(), taker: z.number().int() }).nullable(),
    shortSelling: z.boolean().optional(),
  }),
  starting: z.object({ cash: z.number().int(), shares: z.record(z.string(), z.number().int()) }),
  ...routing,
});

export const grantEntry = z.object({
  action: z.literal('grant'),
  userId: z.string().min(1).max(64),
  ...routing,
});

export const newsEntry = z.object({
  action: z.literal('news'),
  newsId: z.string().min(1).max(64),
  headline: z.string(),
  body: z.string(),
  symbol: z.string().nullable(),
  movePercent: z.number().nullable(),
  ...routing,
});

export const streamEntry = z.discriminatedUnion('action', [placeEntry, cancelEntry, cancelAllEntry, amendEntry, addSymbolEntry, creditEntry, sessionEntry, resetEntry, eventEntry, grantEntry, newsEntry]);
export type StreamEntry = z.infer<typeof streamEntry>;
/** the stream entry's single field, holding the entry as JSON */
export const ENTRY_FIELD = 'c';

import { z } from 'zod';

/** Request bodies of the REST API. Money is in currency units here; the routes convert to cents. */
const money = z.union([z.number(), z.string()]);

/** the participant's own id for an order: a place sets it, a cancel may name the order by it */
const clientOrderId = z.string().min(1).max(64).regex(/^[\x21-\x7e]+$/, 'printable characters without spaces');

/**
 * Every id a request may name (orders, participants): what the services generate is printable
 * ASCII, so anything else (a NUL, a control character, a space) names nothing and is refused here,
 * before it reaches Redis, PostgreSQL or the stream.
 */
export const idText = z.string().min(1).max(64).regex(/^[\x21-\x7e]+$/, 'an id: 1 to 64 printable characters without spaces');
export const symbolText = z.string().regex(/^[A-Z][A-Z0-9.]{0,9}$/, '1 to 10 of A-Z 0-9 . starting with a letter');

/** A time of a query, as ISO text or epoch milliseconds, within what PostgreSQL and JavaScript both hold. */
export const queryDate = z.coerce
  .date()
  .refine((d) => d.getUTCFullYear() >= 1970 && d.getUTCFullYear() <= 9999, 'a time between the years 1970 and 9999');

/** a page size: a whole number within bounds */
export const limitParam = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const credentialsBody = z.object({
  username: z.string().regex(/^[A-Za-z0-9_.-]{3,32}$/, '3 to 32 letters, digits, _ . or -'),
  password: z.string().min(8, 'at least 8 characters').max(128),
});

export const refreshBody = z.object({ refreshToken: z.string().min(1) });

export const placeBody = z
  .object({
    symbol: z.string().min(1).max(10),
    side: z.enum(['BUY', 'SELL']),
    /**
     * LIMIT_MAKER: post only, refused (code 29) rather than trading if it would cross; STOP_MARKET
     * and STOP_LIMIT wait for a trade at their stopPrice (a buy at or above, a sell at or below)
     */
    type: z.enum(['LIMIT', 'MARKET', 'LIMIT_MAKER', 'STOP_MARKET', 'STOP_LIMIT']).default('LIMIT'),
    timeInForce: z.enum(['GFD', 'IOC', 'FOK']).default('GFD'),
    price: money.optional().nullable(),
    stopPrice: money.optional().nullable(),
    quantity: z.number().int('quantity must be a whole number of shares').min(1, 'quantity must be at least 1').max(1_000_000_000, 'quantity must be at most 1000000000'),
    clientOrderId: clientOrderId.optional(),
    stp: z.enum(['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH']).optional(),
    /** accepted for compatibility with the original clients; must be the caller */
    userId: z.string().optional(),
  })
  .strict();

export const cancelBody = z
  .object({
    orderId: idText.optional(),
    clientOrderId: clientOrderId.optional(),
    userId: z.string().optional(),
  })
  .strict()
  .refine((b) => (b.orderId === undefined) !== (b.clientOrderId === undefined), 'give exactly one of orderId and clientOrderId');

export const cancelAllBody = z
  .object({
    /** one symbol's orders only; all symbols when left out */
    symbol: symbolText.optional(),
  })
  .strict();

export const amendBody = z
  .object({
    orderId: idText.optional(),
    clientOrderId: clientOrderId.optional(),
    /** the new total quantity, filled shares included */
    quantity: z.number().int().positive().optional(),
    /** the new limit price */
    price: money.optional(),
  })
  .strict()
  .refine((b) => (b.orderId === undefined) !== (b.clientOrderId === undefined), 'give exactly one of orderId and clientOrderId')
  .refine((b) => b.quantity !== undefined || b.price !== undefined, 'give a new quantity, a new price or both');

export const addSymbolBody = z
  .object({
    symbol: z.string().regex(/^[A-Z][A-Z0-9.]{0,9}$/, '1 to 10 of A-Z 0-9 . starting with a letter'),
    tickSize: money.default(0.01),
    lotSize: z.number().int().positive().default(1),
    /** where the data-server's reference price starts, in currency units */
    referencePrice: money.optional(),
  })
  .strict();

export const creditBody = z
  .object({
    userId: idText,
    asset: z.string().min(1).max(10),
    amount: money,
  })
  .strict();

export const sessionBody = z.object({ state: z.enum(['OPEN', 'HALTED', 'CLOSED']) }).strict();

export const botsBody = z
  .object({
    enabled: z.boolean().optional(),
    /** noise orders per symbol per step, shared by the noise traders */
    intensity: z.number().min(0).max(20).optional(),
  })
  .strict();

export const bulkCreditBody = z
  .object({
    asset: z.string().min(1).max(10),
    amount: money,
    /** every participant when left out */
    userIds: z.array(idText).min(1).max(10_000).optional(),
  })
  .strict();

export const volumeQuery = z
  .object({
    period: z.enum(['1m', '5m', '15m', '1h', '1d']).default('1h'),
    from: queryDate.optional(),
    to: queryDate.optional(),
  })
  .strict();

export const scheduleBody = z
  .object({
    /** replaces the whole schedule; each entry is carried out once, when its time has come */
    entries: z.array(z.object({ state: z.enum(['OPEN', 'HALTED', 'CLOSED']), at: z.coerce.date() }).strict()).max(100),
  })
  .strict();

/**
 * Text participants write for others to read (a profile, a post, a comment): stored as given and
 * always rendered as text, so any character that prints is fine; control characters (which print
 * nothing, move the text, or, as NUL, PostgreSQL cannot store) are refused. Line breaks are allowed
 * where `lines` says so.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
export const plainText = (min: number, max: number, what: string, lines = true) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !CONTROL.test(s) && (lines || !/[\n\r]/.test(s)) && (min === 0 || s.trim() !== ''), `${what}: ${min === 0 ? 'up to' : `${min} to`} ${max} characters${min === 0 ? '' : ', not only spaces,'} without control characters${lines ? '' : ' or line breaks'}`);

/** A participant's own profile; null clears a field. */
export const profileBody = z
  .object({
    displayName: plainText(1, 40, 'a display name', false).nullable().optional(),
    bio: plainText(0, 280, 'a bio').nullable().optional(),
    showPositions: z.boolean().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'name at least one of displayName, bio, showPositions');

import type { IncomingMessage, ServerResponse } from 'http';
import { BYTE_SIZE } from '../contracts/config';
import { ErrorCode } from '../contracts/errors';
import type { ApiContext } from './context';
import { ApiError, failWith } from './http-errors';
import { authenticate } from './authentication';
import { applyRateLimit, countRequest, PARTICIPANT_LIMIT, rateWindow } from './rate-limit';
import { answerCancel, answerPlace, prepareCancel, preparePlace, type PreparedOrder } from './order-commands';
import { timeRequest } from './request-metrics';

/**
 * POST /order/place and /order/cancel without Express: under load these two are nearly every
 * request, and Express's router, body parser and response helpers cost the api as much CPU as the
 * rest of the order's work. Same steps, same order, same answers as the Express routes (which
 * still serve every request this path does not take): body (413, malformed JSON), token (401),
 * rate limit (429), validation (400/403), then the stream. The rate-limit count and the append are
 * one Redis round trip.
 */

const ROUTES: Record<string, 'place' | 'cancel'> = { '/order/place': 'place', '/order/cancel': 'cancel' };
const PLAIN_JSON = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);

/** '16kb', '1mb', '512' → bytes, as express.json reads its limit */
export function byteLimit(limit: string): number {
  const m = BYTE_SIZE.exec(limit);
  if (m === null) throw new Error(`not a size: ${limit}`);
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  return Math.floor(Number(m[1]) * unit);
}

/**
 * Which fast route a request is for, or null for Express. Only plain uncompressed JSON is taken
 * here; anything else (other charsets, gzip, a missing content type) gets Express's handling.
 */
export function fastRoute(method: string | undefined, url: string | undefined, contentType: string | undefined, contentEncoding: string | undefined): 'place' | 'cancel' | null {
  if (method !== 'POST' || url === undefined || contentEncoding !== undefined) return null;
  const q = url.indexOf('?');
  const route = ROUTES[q === -1 ? url : url.slice(0, q)];
  if (route === undefined || contentType === undefined || !PLAIN_JSON.has(contentType.toLowerCase())) return null;
  return route;
}

/** express.json's reading of a body: empty is {}, and the top level must be an object or array (strict) */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) return {};
  // body-parser's whitespace: space, tab, line feed, carriage return
  const start = text.search(/[^\x20\x09\x0a\x0d]/);
  if (start === -1 || (text[start] !== '{' && text[start] !== '[')) throw Object.assign(new SyntaxError('strict JSON'), { type: 'entity.parse.failed' });
  try {
    return JSON.parse(text);
  } catch (err) {
    throw Object.assign(err as Error, { type: 'entity.parse.failed' });
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => Object.assign(new Error('too large'), { type: 'entity.too.large' });
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      return reject(tooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        return reject(tooLarge());
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', (err) => reject(Object.assign(err, { status: 400 })));
    // a client gone before its body ended: nothing to answer, nothing to keep waiting for
    req.on('close', () => {
      if (!req.complete) reject(Object.assign(new Error('request aborted'), { status: 400 }));
    });
  });
}

export function orderFastPath(ctx: ApiContext): (req: IncomingMessage, res: ServerResponse, route: 'place' | 'cancel') => void {
  const limit = byteLimit(ctx.config.BODY_LIMIT);
  const { name, windowMs } = PARTICIPANT_LIMIT;
  const handle = async (req: IncomingMessage, res: ServerResponse, route: 'place' | 'cancel') => {
    const body = parseJsonBody(await readBody(req, limit));
    const userId = authenticate(ctx, req.headers.authorization).sub;
    const window = rateWindow(ctx, name, userId, ctx.config.RATE_LIMIT_PER_SECOND, windowMs);
    let order: PreparedOrder;
    try {
      order = route === 'place' ? await preparePlace(ctx, body, userId) : prepareCancel(body, userId);
    } catch (err) {
      // a refused request still counts, and being over the limit is the answer that comes first
      throw applyRateLimit(res, window, await countRequest(ctx, window)) ?? err;
    }
    const outcome = await ctx.engine.submitWithin(window, order.entry, ctx.config.PLACE_TIMEOUT_MS);
    const refused = applyRateLimit(res, window, outcome.count);
    // the script appended nothing exactly when the count is over the limit
    if (outcome.limited || refused !== null) throw refused ?? new ApiError(429, ErrorCode.RATE_LIMITED);
    if (route === 'place') await answerPlace(ctx, res, order, outcome.reply);
    else answerCancel(res, order, outcome.reply);
  };
  return (req, res, route) => {
    const done = timeRequest();
    res.on('finish', () => done('POST', `/order/${route}`, res.statusCode));
    handle(req, res, route).catch((err: unknown) => {
      if (!res.headersSent) failWith(res, err, ctx.log, req.url ?? '');
    });
  };
}

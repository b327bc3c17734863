import type { ErrorRequestHandler } from 'express';
import type { ServerResponse } from 'http';
import { ZodError } from 'zod';
import { ErrorCode, ErrorMessage, type ErrorCodeValue } from '../contracts/errors';
import type { Logger } from '../runtime/logger';

/** A refusal with an HTTP status and a code of the one error table. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCodeValue,
    message?: string,
    readonly data?: unknown,
  ) {
    super(message ?? ErrorMessage[code]);
  }
}

/** Plain node responses, so the order fast path (api/order-fast-path.ts) and Express answer alike. */
function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

export function ok(res: ServerResponse, data: unknown, status = 200): void {
  send(res, status, { success: true, data });
}

export function fail(res: ServerResponse, status: number, code: number, error: string, data?: unknown): void {
  send(res, status, data === undefined ? { success: false, error, code } : { success: false, error, code, data });
}

/** Answers any error with the envelope; nothing escapes as a crash or an HTML page. */
export function failWith(res: ServerResponse, err: unknown, log: Logger, path: string): void {
  if (err instanceof ApiError) return fail(res, err.status, err.code, err.message, err.data);
  if (err instanceof ZodError) {
    const first = err.issues[0];
    const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
    // a quantity that is a number but not a whole one in range keeps the original's code for it
    const badNumber = first?.code !== 'invalid_type' || (first as { expected?: string }).expected === 'int';
    const code = first?.path[0] === 'quantity' && badNumber ? ErrorCode.INVALID_QUANTITY : ErrorCode.VALIDATION_ERROR;
    return fail(res, 400, code, `${where}${first?.message ?? 'invalid request'}`, { issues: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  }
  const e = err as { type?: string; status?: number };
  if (e.type === 'entity.parse.failed') return fail(res, 400, ErrorCode.VALIDATION_ERROR, 'Malformed JSON body');
  if (e.type === 'entity.too.large') return fail(res, 413, ErrorCode.PAYLOAD_TOO_LARGE, 'Request body is too large');
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return fail(res, e.status, ErrorCode.VALIDATION_ERROR, String((err as Error).message ?? 'Bad request'));
  log.error({ err: err instanceof Error ? err.stack : String(err), path }, 'unhandled error');
  return fail(res, 500, ErrorCode.SYSTEM_ERROR, 'Internal error');
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    void _next;
    failWith(res, err, log, req.path);
  };
}

/** The HTTP status for an engine rejection, by its code. */
export function statusForCode(code: number): number {
  switch (code) {
    case ErrorCode.ORDER_NOT_FOUND:
      return 404;
    case ErrorCode.DUPLICATE_ORDER:
    case ErrorCode.MARKET_CLOSED:
    case ErrorCode.MARKET_HALTED:
    case ErrorCode.SYMBOL_EXISTS:
    case ErrorCode.INVALID_SESSION_TRANSITION:
    case ErrorCode.DUPLICATE_NEWS:
      return 409;
    case ErrorCode.INVALID_SYMBOL:
    case ErrorCode.INVALID_QUANTITY:
    case ErrorCode.INVALID_PRICE:
    case ErrorCode.INVALID_ORDER_TYPE:
    case ErrorCode.INVALID_TIME_IN_FORCE:
    case ErrorCode.INVALID_SIDE:
    case ErrorCode.INVALID_AMOUNT:
    case ErrorCode.INVALID_COMMAND:
      return 400;
    case ErrorCode.SYSTEM_ERROR:
      return 500;
    default:
      return 422;
  }
}

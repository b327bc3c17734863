/**
 * Every word the screen shows for an exchange code, status, reason or order type: one table for
 * the whole UI, so nothing shows an engine name (PARTIALLY_FILLED, USER_CANCELLED) or a bare code.
 * The codes are the exchange's one error table (contracts/errors.ts, copied as generated/errors.ts):
 * CODE_TEXT must name every code of it, or the UI does not compile.
 */
import { ErrorCode, type ErrorCodeValue } from './generated/errors.js';

export const STATUS_TEXT: Record<string, string> = {
  PENDING: 'Open',
  PARTIALLY_FILLED: 'Partly filled',
  FILLED: 'Filled',
  CANCELLED: 'Cancelled',
  REJECTED: 'Rejected',
};

export const REASON_TEXT: Record<string, string> = {
  USER_CANCELLED: 'cancelled by you',
  SESSION_CLOSED: 'expired at the close',
  IOC_REMAINDER: 'the rest was cancelled (immediate or cancel)',
  FOK_UNFILLABLE: 'not enough to fill it all at once (fill or kill)',
  NO_LIQUIDITY: 'nothing left to trade against',
  INSUFFICIENT_BALANCE: 'ran out of cash',
  SELF_TRADE_PREVENTED: 'it would have traded with your own order',
};

const TYPE_TEXT: Record<string, string> = { LIMIT: 'Limit', MARKET: 'Market', LIMIT_MAKER: 'Post-only limit', STOP_MARKET: 'Stop market', STOP_LIMIT: 'Stop limit' };
const TIF_TEXT: Record<string, string> = { GFD: 'good for day', IOC: 'immediate or cancel', FOK: 'fill or kill' };

/** What each refusal means, in a trader's words; the exchange's own sentence follows when it adds something. */
export const CODE_TEXT: Record<Exclude<ErrorCodeValue, 0> | -1, string> = {
  [ErrorCode.INVALID_SYMBOL]: 'Unknown symbol',
  [ErrorCode.INVALID_QUANTITY]: 'That quantity is not allowed',
  [ErrorCode.INVALID_PRICE]: 'That price is not allowed',
  [ErrorCode.INSUFFICIENT_BALANCE]: 'Not enough cash or shares',
  [ErrorCode.ORDER_NOT_FOUND]: 'That order is no longer open',
  [ErrorCode.DUPLICATE_ORDER]: 'This order was already sent',
  [ErrorCode.SYSTEM_ERROR]: 'The exchange had a problem; try again',
  [ErrorCode.MARKET_CLOSED]: 'The market is closed',
  [ErrorCode.MARKET_HALTED]: 'Trading is halted',
  [ErrorCode.INVALID_ORDER_TYPE]: 'Unknown order type',
  [ErrorCode.INVALID_TIME_IN_FORCE]: 'Unknown time in force',
  [ErrorCode.INVALID_SIDE]: 'Choose buy or sell',
  [ErrorCode.SYMBOL_EXISTS]: 'That symbol already exists',
  [ErrorCode.INVALID_AMOUNT]: 'That amount is not allowed',
  [ErrorCode.INVALID_COMMAND]: 'The exchange did not understand the request',
  [ErrorCode.INVALID_SESSION_TRANSITION]: 'The session cannot change that way',
  [ErrorCode.VALIDATION_ERROR]: 'Please check the form',
  [ErrorCode.UNAUTHORIZED]: 'Please sign in again',
  [ErrorCode.FORBIDDEN]: 'Only organisers can do that',
  [ErrorCode.RATE_LIMITED]: 'Too many requests; wait a moment',
  [ErrorCode.NOT_FOUND]: 'Not found',
  [ErrorCode.PAYLOAD_TOO_LARGE]: 'That is too large to send',
  [ErrorCode.TIMEOUT]: 'The exchange is busy; your order is queued and its result will arrive',
  [ErrorCode.USER_EXISTS]: 'That username is taken',
  [ErrorCode.INVALID_CREDENTIALS]: 'Wrong username or password',
  [ErrorCode.POSITION_LIMIT_EXCEEDED]: 'Over a position limit',
  [ErrorCode.ORDER_LIMIT_EXCEEDED]: 'Over the order size or value limit',
  [ErrorCode.DUPLICATE_NEWS]: 'That news item was already published',
  [ErrorCode.ORDER_WOULD_TAKE]: 'A post-only order would have traded at once',
  [ErrorCode.STOP_WOULD_TRIGGER]: 'The stop price is already reached: place a market or limit order instead',
  [ErrorCode.MUTED]: 'An organiser has muted you in the feed for now',
  [-1]: 'The exchange cannot be reached',
};

export function statusText(status: string): string {
  return STATUS_TEXT[status] ?? status.toLowerCase().replace(/_/g, ' ');
}

export function reasonText(reason: string | null | undefined): string {
  if (reason === null || reason === undefined || reason === '') return '';
  return REASON_TEXT[reason] ?? reason;
}

/** "Limit, good for day" */
export function orderKindText(type: string, timeInForce: string): string {
  return `${TYPE_TEXT[type] ?? type}, ${TIF_TEXT[timeInForce] ?? timeInForce}`;
}

/**
 * A refusal as one plain sentence: the meaning of its code, then the exchange's reason when it says
 * more ("Not enough cash or shares: Not enough cash: $1,000.00 needed…" reads as the reason alone).
 */
export function refusalText(code: number, serverText: string): string {
  const meaning = (CODE_TEXT as Record<number, string | undefined>)[code];
  const detail = serverText.trim();
  if (meaning === undefined) return detail === '' ? 'Refused' : detail;
  if (detail === '' || detail.toLowerCase() === meaning.toLowerCase()) return meaning;
  // the exchange's sentence already says it in words
  if (/^[A-Z]/.test(detail) && !/^[A-Z_]+$/.test(detail)) return detail;
  return `${meaning}: ${detail}`;
}

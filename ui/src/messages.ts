/**
 * Every word the screen shows for an exchange code, status, reason or order type: one table for
 * the whole UI, so nothing shows an engine name (PARTIALLY_FILLED, USER_CANCELLED) or a bare code.
 * The codes are the exchange's one error table (contracts/errors.ts).
 */
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
export const CODE_TEXT: Record<number, string> = {
  1: 'Unknown symbol',
  2: 'That quantity is not allowed',
  3: 'That price is not allowed',
  4: 'Not enough cash or shares',
  5: 'That order is no longer open',
  6: 'This order was already sent',
  7: 'The exchange had a problem; try again',
  8: 'The market is closed',
  9: 'Trading is halted',
  10: 'Unknown order type',
  11: 'Unknown time in force',
  12: 'Choose buy or sell',
  13: 'That symbol already exists',
  14: 'That amount is not allowed',
  15: 'The exchange did not understand the request',
  16: 'The session cannot change that way',
  17: 'Please check the form',
  18: 'Please sign in again',
  19: 'Only organisers can do that',
  20: 'Too many requests; wait a moment',
  21: 'Not found',
  22: 'That is too large to send',
  23: 'The exchange is busy; your order is queued and its result will arrive',
  24: 'That username is taken',
  25: 'Wrong username or password',
  26: 'Over a position limit',
  27: 'Over the order size or value limit',
  28: 'That news item was already published',
  29: 'A post-only order would have traded at once',
  30: 'The stop price is already reached: place a market or limit order instead',
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
  const meaning = CODE_TEXT[code];
  const detail = serverText.trim();
  if (meaning === undefined) return detail === '' ? 'Refused' : detail;
  if (detail === '' || detail.toLowerCase() === meaning.toLowerCase()) return meaning;
  // the exchange's sentence already says it in words
  if (/^[A-Z]/.test(detail) && !/^[A-Z_]+$/.test(detail)) return detail;
  return `${meaning}: ${detail}`;
}

// Generated from contracts/errors.ts by scripts/generate-ui-contracts.js: do not edit; change the original.
/**
 * The one error-code table of the exchange. Codes 0..7 are the original C++ engine's and keep
 * their numbers so its clients still understand them; everything after 7 extends the table.
 * Every service (engine, api, ws-server) answers with these codes and nothing else.
 */
export const ErrorCode = {
  SUCCESS: 0,
  INVALID_SYMBOL: 1,
  INVALID_QUANTITY: 2,
  INVALID_PRICE: 3,
  INSUFFICIENT_BALANCE: 4,
  ORDER_NOT_FOUND: 5,
  DUPLICATE_ORDER: 6,
  SYSTEM_ERROR: 7,
  MARKET_CLOSED: 8,
  MARKET_HALTED: 9,
  INVALID_ORDER_TYPE: 10,
  INVALID_TIME_IN_FORCE: 11,
  INVALID_SIDE: 12,
  SYMBOL_EXISTS: 13,
  INVALID_AMOUNT: 14,
  INVALID_COMMAND: 15,
  INVALID_SESSION_TRANSITION: 16,
  VALIDATION_ERROR: 17,
  UNAUTHORIZED: 18,
  FORBIDDEN: 19,
  RATE_LIMITED: 20,
  NOT_FOUND: 21,
  PAYLOAD_TOO_LARGE: 22,
  TIMEOUT: 23,
  USER_EXISTS: 24,
  INVALID_CREDENTIALS: 25,
  POSITION_LIMIT_EXCEEDED: 26,
  ORDER_LIMIT_EXCEEDED: 27,
  DUPLICATE_NEWS: 28,
  ORDER_WOULD_TAKE: 29,
  STOP_WOULD_TRIGGER: 30,
  MUTED: 31,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;
export type ErrorCodeValue = (typeof ErrorCode)[ErrorCodeName];

/** Default human-readable text for each code; callers may give a more specific reason. */
export const ErrorMessage: Record<ErrorCodeValue, string> = {
  0: 'Success',
  1: 'Unknown or invalid symbol',
  2: 'Invalid quantity',
  3: 'Invalid price',
  4: 'Insufficient balance',
  5: 'Order not found',
  6: 'Duplicate order',
  7: 'System error',
  8: 'The market is closed',
  9: 'The market is halted',
  10: 'Invalid order type',
  11: 'Invalid time in force',
  12: 'Invalid side',
  13: 'Symbol already exists',
  14: 'Invalid amount',
  15: 'Invalid command',
  16: 'Invalid session transition',
  17: 'Validation error',
  18: 'Authentication required',
  19: 'Forbidden',
  20: 'Too many requests',
  21: 'Not found',
  22: 'Payload too large',
  23: 'Timed out waiting for the engine',
  24: 'User already exists',
  25: 'Invalid credentials',
  26: 'The order would breach a position limit',
  27: 'The order is over the event\'s order size or value limit',
  28: 'That news item was already published',
  29: 'A post-only order would have traded at once',
  30: 'The stop order would trigger at once',
  31: 'You are muted in the feed',
};

const nameByValue = new Map<number, ErrorCodeName>(
  (Object.keys(ErrorCode) as ErrorCodeName[]).map((name) => [ErrorCode[name], name]),
);

export function errorCodeName(code: number): ErrorCodeName | undefined {
  return nameByValue.get(code);
}

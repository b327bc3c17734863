/**
 * The largest quantity and price an order may carry: the engine refuses past them, and the api
 * checks them first so that such an order never reaches the stream.
 */
export const MAX_QUANTITY = 1_000_000_000;
/** $10,000,000.00 in cents: far above any simulated share price, small enough for exact notionals. */
export const MAX_PRICE = 1_000_000_000;

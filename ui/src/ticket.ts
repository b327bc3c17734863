import { centsToWire, wireAmountToCents, wireToCents } from './generated/money.js';
/**
 * The order ticket's inline validation: the same rules the api enforces (whole shares in lots,
 * limit prices positive and on the tick, no price on a market order), checked before sending so a
 * participant sees what is wrong next to the field.
 */
export type Side = 'BUY' | 'SELL';
export type OrderType = 'LIMIT' | 'MARKET' | 'LIMIT_MAKER' | 'STOP_MARKET' | 'STOP_LIMIT';
export type TimeInForce = 'GFD' | 'IOC' | 'FOK';

export interface TicketInput {
  symbol: string;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  price: string;
  /** only read for stop orders */
  stopPrice?: string;
  quantity: string;
}

export interface SymbolRules {
  tickSize: number;
  lotSize: number;
}

export interface PlaceBody {
  symbol: string;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  price?: number;
  stopPrice?: number;
  quantity: number;
}

type Field = 'price' | 'stopPrice' | 'quantity' | 'symbol';
export type TicketCheck = { ok: true; body: PlaceBody } | { ok: false; errors: Partial<Record<Field, string>> };

/** Trades at any price: no limit price. */
export const isMarket = (type: OrderType) => type === 'MARKET' || type === 'STOP_MARKET';
export const isStop = (type: OrderType) => type === 'STOP_MARKET' || type === 'STOP_LIMIT';

const MAX_QUANTITY = 1_000_000_000;

/** Exact cents of a typed price, or null when it is not a plain amount with at most two decimals. */
export function priceCents(text: string): number | null {
  // a plain amount: no sign, no exponent
  return /^\d/.test(text.trim()) ? wireToCents(text) : null;
}

export function checkTicket(input: TicketInput, rules: SymbolRules | null): TicketCheck {
  const errors: Partial<Record<Field, string>> = {};
  if (rules === null) errors.symbol = 'Choose a listed symbol';
  const qText = input.quantity.trim();
  const quantity = /^\d+$/.test(qText) ? Number(qText) : Number.NaN;
  if (qText === '') errors.quantity = 'Enter a quantity';
  else if (!Number.isSafeInteger(quantity)) errors.quantity = 'Whole shares only';
  else if (quantity <= 0) errors.quantity = 'Quantity must be at least 1';
  else if (quantity > MAX_QUANTITY) errors.quantity = 'Quantity is too large';
  else if (rules !== null && quantity % rules.lotSize !== 0) errors.quantity = `Quantity must be a multiple of the lot size ${rules.lotSize}`;

  const tickCents = rules === null ? 1 : wireAmountToCents(rules.tickSize);
  /** a price field's dollars, or its problem under `field` */
  const priced = (text: string, field: 'price' | 'stopPrice', name: string): number | undefined => {
    const cents = priceCents(text);
    if (text.trim() === '') errors[field] = field === 'price' ? 'A limit order needs a price' : 'A stop order needs a stop price';
    else if (cents === null) errors[field] = `${name}: a positive amount with at most two decimals`;
    else if (cents <= 0) errors[field] = `${name} must be above zero`;
    else if (cents % tickCents !== 0) errors[field] = `${name} must be a multiple of the tick size ${centsToWire(tickCents).toFixed(2)}`;
    else return centsToWire(cents);
    return undefined;
  };
  let price: number | undefined;
  if (!isMarket(input.type)) price = priced(input.price, 'price', 'Price');
  else if (input.price.trim() !== '') errors.price = 'A market order takes no price';
  const stopPrice = isStop(input.type) ? priced(input.stopPrice ?? '', 'stopPrice', 'Stop price') : undefined;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const body: PlaceBody = { symbol: input.symbol, side: input.side, type: input.type, timeInForce: input.timeInForce, quantity };
  if (price !== undefined) body.price = price;
  if (stopPrice !== undefined) body.stopPrice = stopPrice;
  return { ok: true, body };
}

/** What the participant is about to commit to, shown under the ticket. */
export function ticketCost(body: PlaceBody): number | null {
  return body.price === undefined ? null : centsToWire(wireAmountToCents(body.price) * body.quantity);
}

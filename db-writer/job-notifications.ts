import { dollarsText } from '../contracts/money';
import type { PersistBatch } from '../contracts/persist-job';
import type { NotificationDraft } from '../runtime/notifications';

/**
 * Cancels the exchange made on its own account, each told with why: what the participant asked
 * for themselves (a cancel, an IOC's or FOK's unfilled rest) is not news to them.
 */
const EXCHANGE_CANCELS: Record<string, string> = {
  SESSION_CLOSED: 'the session closed',
  SELF_TRADE_PREVENTED: 'it would have traded with one of your own orders',
  INSUFFICIENT_BALANCE: 'your balance no longer covered it',
  NO_LIQUIDITY: 'there was nothing to trade against',
};

const shares = (n: number) => `${n} ${n === 1 ? 'share' : 'shares'}`;

/**
 * The notifications one persisted job brings: each participant's side of each trade (a fill),
 * and each order the exchange cancelled. Sources name the trade and side, or the order's event,
 * so a job stored again tells nobody twice. Bots (`skip`) are told nothing.
 */
export function jobNotifications(job: PersistBatch, skip: ReadonlySet<string>): NotificationDraft[] {
  const out: NotificationDraft[] = [];
  for (const t of job.trades) {
    for (const side of ['BUY', 'SELL'] as const) {
      const userId = side === 'BUY' ? t.buyUserId : t.sellUserId;
      if (skip.has(userId)) continue;
      out.push({
        userId,
        kind: 'FILL',
        source: `fill:${t.tradeId}:${side}`,
        text: `${side === 'BUY' ? 'Bought' : 'Sold'} ${shares(t.quantity)} of ${t.symbol} at ${dollarsText(t.price)}`,
        data: { tradeId: t.tradeId, orderId: side === 'BUY' ? t.buyOrderId : t.sellOrderId, symbol: t.symbol, side },
      });
    }
  }
  const orders = new Map(job.orders.map((o) => [o.orderId, o]));
  for (const e of job.events) {
    const why = e.status === 'CANCELLED' && e.reason !== null ? EXCHANGE_CANCELS[e.reason] : undefined;
    const order = orders.get(e.orderId);
    if (why === undefined || order === undefined || skip.has(order.userId)) continue;
    const left = order.quantity - e.filledQuantity;
    out.push({
      userId: order.userId,
      kind: 'ORDER_CANCELLED',
      source: `order:${e.orderId}:${e.seq}`,
      text: `Your order to ${order.side === 'BUY' ? 'buy' : 'sell'} ${shares(left)} of ${order.symbol}${order.price === null ? '' : ` at ${dollarsText(order.price)}`} was cancelled: ${why}`,
      data: { orderId: e.orderId, clientOrderId: order.clientOrderId, symbol: order.symbol, reason: e.reason },
    });
  }
  return out;
}

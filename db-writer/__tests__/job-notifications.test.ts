import type { PersistBatch } from '../../contracts/persist-job';
import { jobNotifications } from '../job-notifications';

/** What a stored job tells its participants: pure, so every case is checked here without a database. */
describe('the notifications of a persisted job', () => {
  const order = (orderId: string, userId: string, side: string, price: number | null, quantity: number) => ({ orderId, clientOrderId: `c-${orderId}`, userId, symbol: 'ACME', side, orderType: price === null ? 'MARKET' : 'LIMIT', timeInForce: 'GFD', price, quantity });
  const event = (seq: number, orderId: string, status: string, reason: string | null, filledQuantity = 0) => ({ seq, orderId, status, filledQuantity, code: 0, reason, timestamp: 1, fee: 0 });
  const job = (over: Partial<PersistBatch>): PersistBatch => ({ orders: [], events: [], trades: [], news: [], symbols: [], credits: [], balances: [], seq: 10, from: 0, ...over });

  test('each side of a trade is told to its own participant, with what they did, priced in currency units', () => {
    const drafts = jobNotifications(
      job({ trades: [{ tradeId: 7, seq: 3, symbol: 'ACME', price: 1234, quantity: 1, buyOrderId: 'b1', sellOrderId: 's1', buyUserId: 'alice', sellUserId: 'bob', takerSide: 'BUY', timestamp: 1, buyFee: 0, sellFee: 0 }] }),
      new Set(),
    );
    expect(drafts).toEqual([
      { userId: 'alice', kind: 'FILL', source: 'fill:7:BUY', text: 'Bought 1 share of ACME at $12.34', data: { tradeId: 7, orderId: 'b1', symbol: 'ACME', side: 'BUY' } },
      { userId: 'bob', kind: 'FILL', source: 'fill:7:SELL', text: 'Sold 1 share of ACME at $12.34', data: { tradeId: 7, orderId: 's1', symbol: 'ACME', side: 'SELL' } },
    ]);
  });

  test('bots are told nothing', () => {
    const drafts = jobNotifications(
      job({ trades: [{ tradeId: 8, seq: 3, symbol: 'ACME', price: 100, quantity: 2, buyOrderId: 'b1', sellOrderId: 's1', buyUserId: 'alice', sellUserId: 'bot-1', takerSide: 'BUY', timestamp: 1, buyFee: 0, sellFee: 0 }] }),
      new Set(['bot-1']),
    );
    expect(drafts.map((d) => d.userId)).toEqual(['alice']);
  });

  test("only the exchange's own cancels are told (the session's close, self-trade prevention…), with what was left and why; a participant's own cancel and an IOC's rest are not", () => {
    const drafts = jobNotifications(
      job({
        orders: [order('o1', 'alice', 'BUY', 500, 10), order('o2', 'alice', 'SELL', 600, 1), order('o3', 'bob', 'BUY', null, 4), order('o4', 'bob', 'BUY', 700, 2)],
        events: [event(4, 'o1', 'CANCELLED', 'SESSION_CLOSED', 3), event(5, 'o2', 'CANCELLED', 'USER_CANCELLED'), event(6, 'o3', 'CANCELLED', 'IOC_REMAINDER', 1), event(7, 'o4', 'CANCELLED', 'SELF_TRADE_PREVENTED')],
      }),
      new Set(),
    );
    expect(drafts).toEqual([
      { userId: 'alice', kind: 'ORDER_CANCELLED', source: 'order:o1:4', text: 'Your order to buy 7 shares of ACME at $5.00 was cancelled: the session closed', data: { orderId: 'o1', clientOrderId: 'c-o1', symbol: 'ACME', reason: 'SESSION_CLOSED' } },
      { userId: 'bob', kind: 'ORDER_CANCELLED', source: 'order:o4:7', text: 'Your order to buy 2 shares of ACME at $7.00 was cancelled: it would have traded with one of your own orders', data: { orderId: 'o4', clientOrderId: 'c-o4', symbol: 'ACME', reason: 'SELF_TRADE_PREVENTED' } },
    ]);
  });

  test('the same job gives the same sources: stored again, it tells nobody twice', () => {
    const j = job({ orders: [order('o1', 'alice', 'BUY', 500, 10)], events: [event(4, 'o1', 'CANCELLED', 'SESSION_CLOSED')] });
    expect(jobNotifications(j, new Set()).map((d) => d.source)).toEqual(jobNotifications(j, new Set()).map((d) => d.source));
  });
});

import { decodePersistJob, encodePersistJob, type PersistBatch, type PersistJob } from '../persist-job';

const batch: PersistBatch = {
  orders: [
    { orderId: 'o1', clientOrderId: 'c-1', userId: 'alice', symbol: 'ACME', side: 'BUY', orderType: 'LIMIT', timeInForce: 'GFD', price: 10_001, quantity: 5, stopPrice: null },
    { orderId: 'o2', clientOrderId: null, userId: 'bob', symbol: 'ACME', side: 'SELL', orderType: 'STOP_LIMIT', timeInForce: 'GTC', price: 9_900, quantity: 2, stopPrice: 9_950 },
  ],
  events: [{ seq: 1, orderId: 'o1', status: 'PENDING', filledQuantity: 0, code: 0, reason: null, timestamp: 1_000, fee: 0 }],
  trades: [{ tradeId: 7, seq: 2, symbol: 'ACME', price: 10_001, quantity: 3, buyOrderId: 'o1', sellOrderId: 'o3', buyUserId: 'alice', sellUserId: 'carol', takerSide: 'SELL', timestamp: 1_001, buyFee: 3, sellFee: -1 }],
  news: [{ seq: 3, newsId: 'n1', headline: 'h', body: 'b', symbol: null, movePercent: -2.5, timestamp: 1_002 }],
  symbols: [{ symbol: 'ACME', tickSize: 1, lotSize: 1, timestamp: 999 }],
  credits: [{ seq: 0, userId: 'alice', asset: 'CASH', amount: 1_000_000, price: null, timestamp: 998 }],
  balances: [{ userId: 'alice', asset: 'CASH', available: 969_997, locked: 0 }],
  seq: 3,
  from: 0,
};

describe('the persistence job on the way from the engine to db-writer', () => {
  it('reads back every labelled field the engine wrote, through JSON as BullMQ carries it', () => {
    const job = JSON.parse(JSON.stringify(encodePersistJob(batch))) as PersistJob;
    expect(decodePersistJob(job)).toEqual(batch);
  });

  it('travels as tuples, not as labelled objects (a batch of thousands crosses Redis twice)', () => {
    const job = encodePersistJob(batch);
    expect(job.v).toBe(1);
    expect(job.trades[0]).toEqual([7, 2, 'ACME', 10_001, 3, 'o1', 'o3', 'alice', 'carol', 'SELL', 1_001, 3, -1]);
    expect(JSON.stringify(job).length).toBeLessThan(JSON.stringify(batch).length);
  });

  it('reads a job of an older engine: no fees (0), no news, no range, no stop price', () => {
    const old: PersistJob = {
      v: 1,
      orders: [['o1', null, 'alice', 'ACME', 'BUY', 'LIMIT', 'GFD', 100, 1]],
      events: [[1, 'o1', 'PENDING', 0, 0, null, 5]],
      trades: [[1, 2, 'ACME', 100, 1, 'o1', 'o2', 'alice', 'bob', 'BUY', 6]],
      symbols: [],
      credits: [],
      balances: [],
      seq: 2,
    };
    const b = decodePersistJob(old);
    expect(b.orders[0].stopPrice).toBeNull();
    expect(b.events[0].fee).toBe(0);
    expect([b.trades[0].buyFee, b.trades[0].sellFee]).toEqual([0, 0]);
    expect(b.news).toEqual([]);
    expect(b.from).toBeUndefined();
  });

  it('sends no news field when there is none, so a db-writer of before news reads the job', () => {
    expect('news' in encodePersistJob({ ...batch, news: [] })).toBe(false);
  });
});

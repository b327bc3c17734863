import { addTrade, bucketStart, type Candle } from '../candles';
import { OrderStore, type OrderRow } from '../orders';
import { TradeTape } from '../tape';

const order = (orderId: string, seq: number, status: OrderRow['status'], filledQuantity = 0): OrderRow => ({
  orderId, seq, status, filledQuantity, symbol: 'ACME', side: 'BUY', orderType: 'LIMIT', timeInForce: 'GFD', price: 100, quantity: 10, reason: null, timestamp: seq,
});

describe('OrderStore', () => {
  it('keeps the newest state of each order whatever order the updates arrive in', () => {
    const s = new OrderStore();
    s.upsert(order('a', 5, 'PARTIALLY_FILLED', 4));
    expect(s.upsert(order('a', 3, 'PENDING'))).toBe(false);
    expect(s.get('a')?.status).toBe('PARTIALLY_FILLED');
    s.upsert(order('a', 8, 'FILLED', 10));
    expect(s.open()).toEqual([]);
  });

  it('lists working orders newest first, and a reload replaces rather than appends', () => {
    const s = new OrderStore();
    s.replaceAll([order('a', 1, 'PENDING'), order('b', 2, 'PARTIALLY_FILLED'), order('c', 3, 'CANCELLED')]);
    expect(s.open().map((o) => o.orderId)).toEqual(['b', 'a']);
    s.replaceAll([order('b', 4, 'FILLED')]);
    expect(s.open()).toEqual([]);
    expect(s.get('a')).toBeUndefined();
  });
});

describe('TradeTape', () => {
  const trade = (tradeId: number, seq = tradeId) => ({ tradeId, seq, price: 100, quantity: 1, takerSide: 'BUY' as const, timestamp: seq });

  it('shows each trade once, newest first, up to its capacity', () => {
    const t = new TradeTape(3);
    for (const id of [1, 2, 2, 3, 4, 3]) t.add(trade(id));
    expect(t.list().map((x) => x.tradeId)).toEqual([4, 3, 2]);
  });

  it('a reload replaces the tape, and a trade seen again after the reload is not doubled', () => {
    const t = new TradeTape(10);
    t.add(trade(1));
    t.replaceAll([trade(2), trade(3)]);
    expect(t.add(trade(3))).toBe(false);
    expect(t.list().map((x) => x.tradeId)).toEqual([3, 2]);
  });
});

describe('candles', () => {
  it('folds trades into the current bucket and opens a new one when the bucket ends', () => {
    const series: Candle[] = [];
    const t0 = 1_700_000_020_000; // 40 s into a minute
    addTrade(series, { price: 10, quantity: 1, timestamp: t0 }, 60);
    addTrade(series, { price: 12, quantity: 2, timestamp: t0 + 5_000 }, 60);
    addTrade(series, { price: 9, quantity: 3, timestamp: t0 + 10_000 }, 60);
    addTrade(series, { price: 11, quantity: 4, timestamp: t0 + 30_000 }, 60);
    expect(series).toEqual([
      { time: bucketStart(t0, 60), open: 10, high: 12, low: 9, close: 9, volume: 6 },
      { time: bucketStart(t0, 60) + 60, open: 11, high: 11, low: 11, close: 11, volume: 4 },
    ]);
  });

  it('ignores a trade older than the last bucket (it is already in the loaded candles)', () => {
    const series: Candle[] = [{ time: 120, open: 1, high: 1, low: 1, close: 1, volume: 1 }];
    expect(addTrade(series, { price: 5, quantity: 1, timestamp: 60_000 }, 60)).toBeNull();
    expect(series).toHaveLength(1);
  });
});

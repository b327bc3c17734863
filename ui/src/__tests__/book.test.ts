import { LiveBook } from '../book';

const snapshot = (seq: number) => ({ seq, bids: [{ price: 99, quantity: 10 }, { price: 98, quantity: 5 }], asks: [{ price: 101, quantity: 7 }] });

describe('LiveBook', () => {
  it('when depth newer than the snapshot arrives, then the level takes its new total', () => {
    const b = new LiveBook();
    b.applySnapshot(snapshot(10));
    expect(b.applyDepth({ seq: 11, changes: [{ side: 'BUY', price: 99, quantity: 4 }] })).toBe(true);
    expect(b.levels(5).bids).toEqual([{ price: 99, quantity: 4 }, { price: 98, quantity: 5 }]);
  });

  it('when depth at or below the book seq arrives, then it is ignored (already in the snapshot)', () => {
    const b = new LiveBook();
    b.applySnapshot(snapshot(10));
    expect(b.applyDepth({ seq: 10, changes: [{ side: 'SELL', price: 101, quantity: 0 }] })).toBe(false);
    expect(b.levels(5).asks).toEqual([{ price: 101, quantity: 7 }]);
  });

  it('when a level goes to zero, then it disappears and the best price moves', () => {
    const b = new LiveBook();
    b.applySnapshot(snapshot(1));
    b.applyDepth({ seq: 2, changes: [{ side: 'BUY', price: 99, quantity: 0 }] });
    expect(b.levels(5).bids[0]).toEqual({ price: 98, quantity: 5 });
  });

  it('when depth arrives before the snapshot it follows, then it is applied once the snapshot lands', () => {
    const b = new LiveBook();
    b.clear();
    b.applyDepth({ seq: 9, changes: [{ side: 'BUY', price: 97, quantity: 3 }] }); // older than the snapshot: dropped later
    b.applyDepth({ seq: 12, changes: [{ side: 'SELL', price: 102, quantity: 2 }] });
    b.applySnapshot(snapshot(10));
    expect(b.levels(5).asks).toEqual([{ price: 101, quantity: 7 }, { price: 102, quantity: 2 }]);
    expect(b.levels(5).bids.map((l) => l.price)).toEqual([99, 98]);
    expect(b.seq).toBe(12);
  });

  it('when an older full book arrives after newer depth, then it does not roll the book back', () => {
    const b = new LiveBook();
    b.applySnapshot(snapshot(10));
    b.applyDepth({ seq: 11, changes: [{ side: 'BUY', price: 99, quantity: 1 }] });
    expect(b.applySnapshot(snapshot(10))).toBe(false);
    expect(b.levels(1).bids[0].quantity).toBe(1);
  });

  it('when there is no book yet, then it starts empty and takes the first depth', () => {
    const b = new LiveBook();
    b.applySnapshot(null);
    b.applyDepth({ seq: 1, changes: [{ side: 'SELL', price: 100, quantity: 5 }] });
    expect(b.levels(5)).toEqual({ bids: [], asks: [{ price: 100, quantity: 5 }] });
  });

  it('sorts bids high to low and asks low to high, cut to the depth asked for', () => {
    const b = new LiveBook();
    b.applySnapshot({ seq: 1, bids: [{ price: 1, quantity: 1 }, { price: 3, quantity: 1 }, { price: 2, quantity: 1 }], asks: [{ price: 9, quantity: 1 }, { price: 5, quantity: 1 }] });
    expect(b.levels(2)).toEqual({ bids: [{ price: 3, quantity: 1 }, { price: 2, quantity: 1 }], asks: [{ price: 5, quantity: 1 }, { price: 9, quantity: 1 }] });
  });
});

describe('a depth message of several changes', () => {
  test('when one engine batch changed several levels, then they are applied together, in order, once', () => {
    const b = new LiveBook();
    b.applySnapshot({ seq: 5, bids: [{ price: 99, quantity: 1 }], asks: [] });
    const batch = { seq: 8, changes: [{ side: 'BUY' as const, price: 99, quantity: 0 }, { side: 'BUY' as const, price: 98, quantity: 4 }, { side: 'BUY' as const, price: 98, quantity: 6 }] };
    expect(b.applyDepth(batch)).toBe(true);
    expect(b.applyDepth(batch)).toBe(false);
    expect(b.levels(5)).toEqual({ bids: [{ price: 98, quantity: 6 }], asks: [] });
  });
});

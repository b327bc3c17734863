/**
 * A participant's copy of one symbol's order book, kept exact from the engine's sequence numbers:
 * a snapshot (or the `orderbook` that follows a `conflated` notice) sets it at its `seq`, and each
 * `depth` message newer than that sets the totals of the levels one engine batch changed. Anything
 * at or below the book's seq is already in it and is ignored, so a replayed or raced message can
 * never double a level.
 */
export interface Level {
  price: number;
  quantity: number;
}

export interface BookMessage {
  seq: number;
  bids: Level[];
  asks: Level[];
}

export interface DepthMessage {
  seq: number;
  changes: { side: 'BUY' | 'SELL'; price: number; quantity: number }[];
}

export class LiveBook {
  seq = -1;
  private bids = new Map<number, number>();
  private asks = new Map<number, number>();
  /** depth that arrived before the snapshot it follows (the two travel separately) */
  private early: DepthMessage[] = [];

  /** Replaces the book when the message is at least as new; returns whether it did. */
  applySnapshot(message: BookMessage | null): boolean {
    // no book in hot state yet: the symbol has never had an order
    const book = message ?? { seq: 0, bids: [], asks: [] };
    if (book.seq < this.seq) return false;
    const early = this.early;
    this.reset(book.seq);
    for (const l of book.bids) if (l.quantity > 0) this.bids.set(l.price, l.quantity);
    for (const l of book.asks) if (l.quantity > 0) this.asks.set(l.price, l.quantity);
    for (const d of early) this.applyDepth(d);
    return true;
  }

  applyDepth(d: DepthMessage): boolean {
    if (this.seq < 0) {
      if (this.early.length < 10_000) this.early.push(d);
      return false;
    }
    if (d.seq <= this.seq) return false;
    for (const c of d.changes) {
      const side = c.side === 'BUY' ? this.bids : this.asks;
      if (c.quantity > 0) side.set(c.price, c.quantity);
      else side.delete(c.price);
    }
    this.seq = d.seq;
    return true;
  }

  /** Forgets everything: after a reconnect the next snapshot is taken whatever its seq. */
  clear(): void {
    this.reset(-1);
  }

  levels(depth: number): { bids: Level[]; asks: Level[] } {
    const sorted = (m: Map<number, number>, dir: 1 | -1) =>
      [...m.entries()].sort((a, b) => dir * (a[0] - b[0])).slice(0, depth).map(([price, quantity]) => ({ price, quantity }));
    return { bids: sorted(this.bids, -1), asks: sorted(this.asks, 1) };
  }

  private reset(seq: number): void {
    this.seq = seq;
    this.early = [];
    this.bids.clear();
    this.asks.clear();
  }
}

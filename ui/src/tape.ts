/** The recent trades of one symbol, newest first, each trade once however often it arrives. */
export interface TapeTrade {
  tradeId: number;
  seq: number;
  price: number;
  quantity: number;
  takerSide: 'BUY' | 'SELL';
  timestamp: number;
}

export class TradeTape {
  private rows: TapeTrade[] = [];
  private readonly seen = new Set<number>();

  constructor(private readonly capacity = 50) {}

  replaceAll(trades: TapeTrade[]): void {
    this.rows = [];
    this.seen.clear();
    for (const t of trades) this.add(t);
  }

  add(t: TapeTrade): boolean {
    if (this.seen.has(t.tradeId)) return false;
    this.seen.add(t.tradeId);
    this.rows.push(t);
    this.rows.sort((a, b) => b.seq - a.seq);
    if (this.rows.length > this.capacity) for (const gone of this.rows.splice(this.capacity)) this.seen.delete(gone.tradeId);
    return true;
  }

  list(): TapeTrade[] {
    return this.rows;
  }
}

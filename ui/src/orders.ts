/**
 * The participant's orders as the engine last reported them, keyed by order id. An update older
 * than the one held (lower seq) is dropped, so REST answers and Socket.IO updates can arrive in
 * any order, and a reload after a reconnect replaces rather than appends.
 */
export interface OrderRow {
  orderId: string;
  seq: number;
  symbol: string;
  side: 'BUY' | 'SELL';
  orderType: 'LIMIT' | 'MARKET' | 'LIMIT_MAKER' | 'STOP_MARKET' | 'STOP_LIMIT';
  timeInForce: string;
  price: number | null;
  /** stop orders only: the trigger price, and whether a trade has reached it yet */
  stopPrice?: number | null;
  triggered?: boolean;
  quantity: number;
  filledQuantity: number;
  status: 'PENDING' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELLED' | 'REJECTED';
  reason: string | null;
  timestamp: number;
}

export const isOpen = (o: Pick<OrderRow, 'status'>) => o.status === 'PENDING' || o.status === 'PARTIALLY_FILLED';

export class OrderStore {
  private readonly byId = new Map<string, OrderRow>();

  upsert(o: OrderRow): boolean {
    const held = this.byId.get(o.orderId);
    if (held !== undefined && held.seq >= o.seq) return false;
    this.byId.set(o.orderId, o);
    return true;
  }

  replaceAll(rows: OrderRow[]): void {
    this.byId.clear();
    for (const o of rows) this.upsert(o);
  }

  get(orderId: string): OrderRow | undefined {
    return this.byId.get(orderId);
  }

  /** Working orders, newest first. */
  open(): OrderRow[] {
    return [...this.byId.values()].filter(isOpen).sort((a, b) => b.seq - a.seq);
  }
}

import { MatchingEngine } from '../engine';
import type {
  Command,
  EngineEvent,
  EngineOptions,
  ErrorEvent,
  OrderEvent,
  PlaceCommand,
  Side,
  StpMode,
  TimeInForce,
  TradeEvent,
} from '../types';

/** Builds commands with increasing timestamps and unique order ids. */
export class Script {
  private ts = 1_700_000_000_000;
  private nextId = 1;

  tick(): number {
    return ++this.ts;
  }

  limit(
    userId: string,
    side: Side,
    price: number,
    quantity: number,
    extra: { symbol?: string; tif?: TimeInForce; stp?: StpMode; clientOrderId?: string; orderId?: string } = {},
  ): PlaceCommand {
    return {
      action: 'place',
      orderId: extra.orderId ?? `o${this.nextId++}`,
      clientOrderId: extra.clientOrderId,
      userId,
      symbol: extra.symbol ?? 'ACME',
      side,
      type: 'LIMIT',
      timeInForce: extra.tif ?? 'GFD',
      price,
      quantity,
      stp: extra.stp,
      ts: this.tick(),
    };
  }

  market(
    userId: string,
    side: Side,
    quantity: number,
    extra: { symbol?: string; tif?: TimeInForce; stp?: StpMode } = {},
  ): PlaceCommand {
    return {
      action: 'place',
      orderId: `o${this.nextId++}`,
      userId,
      symbol: extra.symbol ?? 'ACME',
      side,
      type: 'MARKET',
      timeInForce: extra.tif ?? 'IOC',
      quantity,
      stp: extra.stp,
      ts: this.tick(),
    };
  }

  cancel(userId: string, orderId: string): Command {
    return { action: 'cancel', userId, orderId, ts: this.tick() };
  }

  credit(userId: string, asset: string, amount: number): Command {
    return { action: 'credit', userId, asset, amount, ts: this.tick() };
  }

  addSymbol(symbol: string, tickSize = 1, lotSize = 1): Command {
    return { action: 'addSymbol', symbol, tickSize, lotSize, ts: this.tick() };
  }

  session(state: 'OPEN' | 'HALTED' | 'CLOSED'): Command {
    return { action: 'session', state, ts: this.tick() };
  }
}

export function apply(engine: MatchingEngine, cmd: Command): EngineEvent[] {
  const out: EngineEvent[] = [];
  engine.apply(cmd, out);
  return out;
}

/** An open market with symbol ACME (tick 1 cent) and the given participants funded. */
export function openMarket(
  funds: Record<string, { cash?: number; shares?: number }> = {},
  options: EngineOptions = {},
): { engine: MatchingEngine; s: Script } {
  const engine = new MatchingEngine(options);
  const s = new Script();
  const setup: Command[] = [s.addSymbol('ACME'), s.session('OPEN')];
  for (const [user, f] of Object.entries(funds)) {
    if (f.cash) setup.push(s.credit(user, 'CASH', f.cash));
    if (f.shares) setup.push(s.credit(user, 'ACME', f.shares));
  }
  for (const c of setup) {
    const events = apply(engine, c);
    const failed = events.find((e) => e.type === 'error');
    if (failed) throw new Error(`setup failed: ${JSON.stringify(failed)}`);
  }
  return { engine, s };
}

export const orders = (events: EngineEvent[]): OrderEvent[] => events.filter((e): e is OrderEvent => e.type === 'order');
export const trades = (events: EngineEvent[]): TradeEvent[] => events.filter((e): e is TradeEvent => e.type === 'trade');
export const errors = (events: EngineEvent[]): ErrorEvent[] => events.filter((e): e is ErrorEvent => e.type === 'error');
export const lastOrder = (events: EngineEvent[], orderId: string): OrderEvent | undefined =>
  orders(events).filter((e) => e.orderId === orderId).pop();

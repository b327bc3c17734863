import { MatchingEngine } from '../../engine/core';
import type { Command, EngineEvent, PlaceCommand } from '../../engine/core';
import { seededRandom } from './random';

export interface StreamOptions {
  commands: number;
  users: number;
  symbols: number;
  /** resting orders the generator steers towards, over all symbols */
  restingTarget: number;
  seed: number;
}

export interface EngineStream {
  /** symbols, session open and credits: applied before timing starts */
  setup: Command[];
  commands: Command[];
  /** symbol of every order id, for peers whose cancel needs to know the book */
  symbolOf: Map<string, string>;
  mix: Record<string, number>;
}

const MID = 10_000; // $100.00 in cents

/**
 * A realistic mix: mostly limit orders placed near the touch and cancels of live orders, some
 * crossing limits (IOC and FOK among them) and market orders. A balance-less engine runs alongside
 * the generator so that cancels name orders that are really live and prices follow the book.
 */
export function generateEngineStream(opts: StreamOptions): EngineStream {
  const rnd = seededRandom(opts.seed);
  const symbols = Array.from({ length: opts.symbols }, (_, i) => `SYM${i}`);
  const users = Array.from({ length: opts.users }, (_, i) => `user${i}`);
  let ts = 1_700_000_000_000;
  const setup: Command[] = [];
  for (const symbol of symbols) setup.push({ action: 'addSymbol', symbol, tickSize: 1, lotSize: 1, ts: ++ts });
  setup.push({ action: 'session', state: 'OPEN', ts: ++ts });
  for (const userId of users) {
    setup.push({ action: 'credit', userId, asset: 'CASH', amount: 1_000_000_000_000, ts: ++ts });
    for (const symbol of symbols) setup.push({ action: 'credit', userId, asset: symbol, amount: 100_000_000, ts: ++ts });
  }

  const model = new MatchingEngine({ balances: false });
  const sink: EngineEvent[] = [];
  for (const c of setup) model.apply(c, sink);
  const live: string[][] = symbols.map(() => []);
  const symbolOf = new Map<string, string>();
  const commands: Command[] = [];
  const mix: Record<string, number> = { passiveLimit: 0, cancel: 0, crossingLimit: 0, market: 0 };
  const perSymbolTarget = opts.restingTarget / opts.symbols;
  let nextId = 1;

  for (let n = 0; n < opts.commands; n++) {
    const si = Math.floor(rnd() * symbols.length);
    const symbol = symbols[si];
    const stats = model.market(symbol)!;
    const bid = stats.bidPrice ?? (stats.askPrice ?? MID) - 1;
    const ask = stats.askPrice ?? bid + 1;
    const userId = users[Math.floor(rnd() * users.length)];
    const side = rnd() < 0.5 ? 'BUY' : 'SELL';
    const liveHere = live[si];
    const cancelShare = liveHere.length > perSymbolTarget ? 0.55 : 0.3;
    const r = rnd();
    let cmd: Command;
    if (r < cancelShare && liveHere.length > 0) {
      // pick a live order, dropping ids that have filled meanwhile
      let id: string | undefined;
      while (liveHere.length > 0 && id === undefined) {
        const k = Math.floor(rnd() * liveHere.length);
        const candidate = liveHere[k];
        liveHere[k] = liveHere[liveHere.length - 1];
        liveHere.pop();
        if (model.orders.has(candidate)) id = candidate;
      }
      if (id === undefined) {
        n--;
        continue;
      }
      const owner = model.orders.get(id)!.userId;
      cmd = { action: 'cancel', orderId: id, userId: owner, ts: ++ts };
      mix.cancel++;
    } else {
      const orderId = `o${nextId++}`;
      symbolOf.set(orderId, symbol);
      const kind = rnd();
      let place: PlaceCommand;
      if (kind < 0.94) {
        let price: number;
        let timeInForce: PlaceCommand['timeInForce'] = 'GFD';
        if (kind < 0.8) {
          // passive, spread over ~100 levels behind the touch, denser near it
          const depth = 1 + Math.floor(rnd() * rnd() * 100);
          price = Math.max(1, side === 'BUY' ? ask - depth : bid + depth);
          mix.passiveLimit++;
        } else {
          const through = Math.floor(rnd() * 3);
          price = Math.max(1, side === 'BUY' ? ask + through : bid - through);
          const t = rnd();
          timeInForce = t < 0.7 ? 'GFD' : t < 0.9 ? 'IOC' : 'FOK';
          mix.crossingLimit++;
        }
        const quantity = 1 + Math.floor(rnd() * 100);
        place = { action: 'place', orderId, userId, symbol, side, type: 'LIMIT', timeInForce, price, quantity, ts: ++ts };
      } else {
        // no price key at all, as a market order arrives from JSON
        const quantity = 1 + Math.floor(rnd() * 30);
        place = { action: 'place', orderId, userId, symbol, side, type: 'MARKET', timeInForce: 'IOC', quantity, ts: ++ts };
        mix.market++;
      }
      cmd = place;
    }
    sink.length = 0;
    model.apply(cmd, sink);
    if (cmd.action === 'place' && model.orders.has(cmd.orderId)) liveHere.push(cmd.orderId);
    commands.push(cmd);
  }
  return { setup, commands, symbolOf, mix };
}

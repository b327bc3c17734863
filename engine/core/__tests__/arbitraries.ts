import fc from 'fast-check';
import type { FeeSchedule } from '../rules';
import type { Command, Side, StpMode, TimeInForce } from '../types';

export const SYMBOLS = ['AAA', 'BBB', 'CCC'] as const;
export const TICK: Record<(typeof SYMBOLS)[number], number> = { AAA: 1, BBB: 5, CCC: 1 };

/** What a random participant wants to do; turned into a concrete command by `toCommands`. */
export type Intent =
  | { kind: 'limit'; user: number; symbol: number; side: Side; ticksFromMid: number; quantity: number; tif: TimeInForce; stp: StpMode; client: number | null; postOnly?: boolean }
  | { kind: 'cancelAll'; user: number; symbol: number }
  /** a new total quantity (relative to the order's) and/or a new price, for an order placed earlier */
  | { kind: 'amend'; pick: number; own: boolean; user: number; quantityDelta: number | null; ticks: number | null }
  | { kind: 'market'; user: number; symbol: number; side: Side; quantity: number; tif: TimeInForce; stp: StpMode; client: number | null }
  /** a place sent again with a new order id (a client retrying, or reusing its clientOrderId) */
  | { kind: 'retry'; pick: number }
  /** a stop order, its stop some ticks from the middle (often already reached: refused) */
  | { kind: 'stop'; user: number; symbol: number; side: Side; stopTicks: number; limitTicks: number | null; quantity: number; tif: TimeInForce; stp: StpMode; client: number | null }
  | { kind: 'cancel'; user: number; pick: number; own: boolean }
  | { kind: 'credit'; user: number; asset: number; amount: number }
  | { kind: 'session'; to: 'OPEN' | 'HALTED' | 'CLOSED' }
  | { kind: 'reset' }
  /** an event's rules and starting package, loaded between a close and a reopening */
  | { kind: 'event'; fees: FeeSchedule | null; maxOrderQuantity: number | null; maxOrderNotional: number | null; net: number | null; gross: number | null; cash: number; shares: number; shortSelling: boolean }
  | { kind: 'grant'; user: number };

const side = fc.constantFrom<Side>('BUY', 'SELL');
const tif = fc.constantFrom<TimeInForce>('GFD', 'GFD', 'GFD', 'IOC', 'FOK');
const stp = fc.constantFrom<StpMode>('EXPIRE_TAKER', 'EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH');
/** a few client order ids per participant, so that they are often used again */
const client = fc.option(fc.integer({ min: 0, max: 4 }), { freq: 2 });

/** `events: false` leaves out event rules and grants (the naive reference matcher knows neither) */
export function intents(users: number, options: { events: boolean } = { events: true }): fc.Arbitrary<Intent[]> {
  const user = fc.integer({ min: 0, max: users - 1 });
  const symbol = fc.integer({ min: 0, max: SYMBOLS.length - 1 });
  const intent: fc.Arbitrary<Intent> = fc.oneof(
    { weight: 50, arbitrary: fc.record({ kind: fc.constant('limit' as const), user, symbol, side, ticksFromMid: fc.integer({ min: -6, max: 6 }), quantity: fc.integer({ min: 1, max: 40 }), tif, stp, client, postOnly: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancelAll' as const), user, symbol: fc.integer({ min: -1, max: SYMBOLS.length - 1 }) }) },
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('amend' as const),
        pick: fc.nat(),
        own: fc.boolean(),
        user,
        quantityDelta: fc.option(fc.integer({ min: -30, max: 30 })),
        ticks: fc.option(fc.integer({ min: -6, max: 6 })),
      }),
    },
    { weight: 8, arbitrary: fc.record({ kind: fc.constant('market' as const), user, symbol, side, quantity: fc.integer({ min: 1, max: 60 }), tif: fc.constantFrom<TimeInForce>('IOC', 'FOK', 'GFD'), stp, client }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('retry' as const), pick: fc.nat() }) },
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('stop' as const),
        user,
        symbol,
        side,
        stopTicks: fc.integer({ min: -6, max: 6 }),
        limitTicks: fc.option(fc.integer({ min: -6, max: 6 })),
        quantity: fc.integer({ min: 1, max: 40 }),
        tif: fc.constantFrom<TimeInForce>('GFD', 'GFD', 'IOC', 'FOK'),
        stp,
        client,
      }),
    },
    { weight: 20, arbitrary: fc.record({ kind: fc.constant('cancel' as const), user, pick: fc.nat(), own: fc.boolean() }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('credit' as const), user, asset: fc.integer({ min: -1, max: SYMBOLS.length - 1 }), amount: fc.integer({ min: 1, max: 50_000 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('reset' as const) }) },
    { weight: options.events ? 2 : 0, arbitrary: fc.record({ kind: fc.constant('grant' as const), user }) },
    {
      weight: options.events ? 2 : 0,
      arbitrary: fc.record({
        kind: fc.constant('event' as const),
        fees: fc.option(
          fc.oneof(
            // a rebate up to the taker fee, in each unit (BPS in hundredths of a bp, PER_SHARE in hundredths of a cent)
            fc.integer({ min: 0, max: 100_000 }).chain((taker) => fc.record({ unit: fc.constant('BPS' as const), taker: fc.constant(taker), maker: fc.integer({ min: -taker, max: 100_000 }) })),
            fc.integer({ min: 0, max: 10_000 }).chain((taker) => fc.record({ unit: fc.constant('PER_SHARE' as const), taker: fc.constant(taker), maker: fc.integer({ min: -taker, max: 10_000 }) })),
          ),
          { freq: 4 },
        ),
        maxOrderQuantity: fc.option(fc.integer({ min: 1, max: 50 })),
        maxOrderNotional: fc.option(fc.integer({ min: 100, max: 2_000 })),
        net: fc.option(fc.integer({ min: 1, max: 300 })),
        gross: fc.option(fc.integer({ min: 1, max: 400 })),
        cash: fc.integer({ min: 0, max: 30_000 }),
        shares: fc.integer({ min: 0, max: 100 }),
        shortSelling: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('session' as const), to: fc.constantFrom<'OPEN' | 'HALTED' | 'CLOSED'>('OPEN', 'OPEN', 'OPEN', 'HALTED', 'CLOSED') }) },
  );
  return fc.array(intent, { minLength: 1, maxLength: 250, size: 'max' });
}

/** Setup (symbols, funding, open) followed by the intents as commands; deterministic for given intents. */
export function toCommands(list: Intent[], users: number): Command[] {
  let ts = 1_000;
  let nextId = 1;
  const placed: { id: string; user: string }[] = [];
  /** limit orders' symbol and quantity, for amends */
  const orderInfo = new Map<string, { symbol: string; quantity: number }>();
  const places: Command[] = [];
  const clientId = (c: number | null) => (c === null ? undefined : `c${c}`);
  const cmds: Command[] = [];
  for (const s of SYMBOLS) cmds.push({ action: 'addSymbol', symbol: s, tickSize: TICK[s], lotSize: 1, ts: ++ts });
  for (let u = 0; u < users; u++) {
    cmds.push({ action: 'credit', userId: `u${u}`, asset: 'CASH', amount: 20_000 + u * 7_000, ts: ++ts });
    SYMBOLS.forEach((s, i) => cmds.push({ action: 'credit', userId: `u${u}`, asset: s, amount: 30 + ((u + i) % 4) * 40, ts: ++ts }));
  }
  cmds.push({ action: 'session', state: 'OPEN', ts: ++ts });
  for (const it of list) {
    ts++;
    switch (it.kind) {
      case 'limit': {
        const s = SYMBOLS[it.symbol];
        const orderId = `o${nextId++}`;
        placed.push({ id: orderId, user: `u${it.user}` });
        // one in ten a post-only order (good for the day, the only time in force it takes)
        const postOnly = it.postOnly === true && it.quantity % 10 === 0;
        cmds.push({ action: 'place', orderId, clientOrderId: clientId(it.client), userId: `u${it.user}`, symbol: s, side: it.side, type: postOnly ? 'LIMIT_MAKER' : 'LIMIT', timeInForce: postOnly ? 'GFD' : it.tif, price: (20 + it.ticksFromMid) * TICK[s], quantity: it.quantity, stp: it.stp, ts });
        places.push(cmds[cmds.length - 1]);
        orderInfo.set(orderId, { symbol: s, quantity: it.quantity });
        break;
      }
      case 'cancelAll':
        cmds.push({ action: 'cancelAll', userId: `u${it.user}`, symbol: it.symbol < 0 ? null : SYMBOLS[it.symbol], ts });
        break;
      case 'amend': {
        if (placed.length === 0) break;
        const target = placed[it.pick % placed.length];
        const info = orderInfo.get(target.id);
        if (info === undefined) break;
        const quantity = it.quantityDelta === null ? null : Math.max(1, info.quantity + it.quantityDelta);
        const price = it.ticks === null ? null : (20 + it.ticks) * TICK[info.symbol as (typeof SYMBOLS)[number]];
        cmds.push({ action: 'amend', orderId: target.id, userId: it.own ? target.user : `u${it.user}`, quantity, price, ts });
        break;
      }
      case 'market': {
        const orderId = `o${nextId++}`;
        placed.push({ id: orderId, user: `u${it.user}` });
        cmds.push({ action: 'place', orderId, clientOrderId: clientId(it.client), userId: `u${it.user}`, symbol: SYMBOLS[it.symbol], side: it.side, type: 'MARKET', timeInForce: it.tif, quantity: it.quantity, stp: it.stp, ts });
        places.push(cmds[cmds.length - 1]);
        break;
      }
      case 'stop': {
        const s = SYMBOLS[it.symbol];
        const orderId = `o${nextId++}`;
        placed.push({ id: orderId, user: `u${it.user}` });
        const stopPrice = (20 + it.stopTicks) * TICK[s];
        const common = { action: 'place' as const, orderId, clientOrderId: clientId(it.client), userId: `u${it.user}`, symbol: s, side: it.side, quantity: it.quantity, stp: it.stp, stopPrice, ts };
        cmds.push(it.limitTicks === null ? { ...common, type: 'STOP_MARKET', timeInForce: it.tif === 'FOK' ? 'FOK' : 'IOC' } : { ...common, type: 'STOP_LIMIT', timeInForce: it.tif, price: (20 + it.limitTicks) * TICK[s] });
        places.push(cmds[cmds.length - 1]);
        if (it.limitTicks !== null) orderInfo.set(orderId, { symbol: s, quantity: it.quantity });
        break;
      }
      case 'retry': {
        if (places.length === 0) break;
        const again = { ...places[it.pick % places.length], orderId: `o${nextId++}`, ts };
        placed.push({ id: again.orderId as string, user: (again as { userId: string }).userId });
        cmds.push(again as Command);
        break;
      }
      case 'cancel': {
        if (placed.length === 0) break;
        const target = placed[it.pick % placed.length];
        cmds.push({ action: 'cancel', orderId: target.id, userId: it.own ? target.user : `u${it.user}`, ts });
        break;
      }
      case 'credit':
        cmds.push({ action: 'credit', userId: `u${it.user}`, asset: it.asset < 0 ? 'CASH' : SYMBOLS[it.asset], amount: it.amount, ts });
        break;
      case 'session':
        cmds.push({ action: 'session', state: it.to, ts });
        break;
      case 'reset':
        cmds.push({ action: 'reset', ts });
        break;
      case 'grant':
        cmds.push({ action: 'grant', userId: `u${it.user}`, ts });
        break;
      case 'event':
        cmds.push({ action: 'session', state: 'CLOSED', ts });
        cmds.push({
          action: 'event',
          name: 'property',
          rules: {
            maxOrderQuantity: it.maxOrderQuantity,
            maxOrderNotional: it.maxOrderNotional,
            positionLimits: { [SYMBOLS[0]]: { net: it.net, gross: it.gross }, [SYMBOLS[1]]: { net: it.net, gross: null } },
            fees: it.fees,
            shortSelling: it.shortSelling,
          },
          starting: { cash: it.cash, shares: { [SYMBOLS[2]]: it.shares } },
          ts: ++ts,
        });
        cmds.push({ action: 'session', state: 'OPEN', ts: ++ts });
        break;
    }
  }
  return cmds;
}

export const propertyRuns = Number(process.env.PROPERTY_RUNS ?? 150);

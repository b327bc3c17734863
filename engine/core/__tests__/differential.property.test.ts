import fc from 'fast-check';
import { MatchingEngine } from '../engine';
import type { EngineEvent } from '../types';
import { intents, propertyRuns, SYMBOLS, toCommands } from './arbitraries';
import { ReferenceExchange } from './reference-matcher';

const USERS = 6;

function engineOutcome(engine: MatchingEngine, events: EngineEvent[]) {
  const trades = events.flatMap((e) =>
    e.type === 'trade' ? [{ symbol: e.symbol, price: e.price, quantity: e.quantity, buyOrderId: e.buyOrderId, sellOrderId: e.sellOrderId }] : [],
  );
  const statuses: Record<string, { status: string; filled: number }> = {};
  for (const e of events) if (e.type === 'order') statuses[e.orderId] = { status: e.status, filled: e.filledQuantity };
  const balances: Record<string, unknown> = {};
  for (let u = 0; u < USERS; u++) {
    const b = engine.balance(`u${u}`)!;
    const shares: Record<string, [number, number]> = {};
    for (const sym of SYMBOLS) if (b.positions[sym]) shares[sym] = [b.positions[sym].available, b.positions[sym].locked];
    balances[`u${u}`] = { cash: [b.cash.available, b.cash.locked], shares };
  }
  return { trades, statuses, balances, resting: [...engine.orders.keys()].sort() };
}

describe('differential test against a naive reference matcher', () => {
  test('when both run the same random command stream, then they produce identical trades, statuses and balances', () => {
    fc.assert(
      fc.property(intents(USERS, { events: false }), (list) => {
        const cmds = toCommands(list, USERS);
        const engine = new MatchingEngine();
        const reference = new ReferenceExchange();
        const events: EngineEvent[] = [];
        for (const c of cmds) {
          engine.apply(c, events);
          reference.apply(c);
        }
        const got = engineOutcome(engine, events);
        expect(got.trades).toEqual(reference.trades);
        expect(got.statuses).toEqual(reference.statuses);
        const refBalances = reference.balances();
        for (let u = 0; u < USERS; u++) expect(got.balances[`u${u}`]).toEqual(refBalances[`u${u}`]);
        expect(got.resting).toEqual(reference.restingIds());
      }),
      { numRuns: propertyRuns },
    );
  });

  test('when the stream is busy, then the comparison covers real trading, amends, post-only and stop orders (not a vacuous pass)', () => {
    const sample = fc.sample(intents(USERS, { events: false }), { numRuns: 30, seed: 7 });
    let trades = 0;
    const applied = { amend: 0, cancelAll: 0, postOnlyResting: 0, stopsTriggered: 0, stopsTradedAfterTrigger: 0, stopsRefusedAsReached: 0 };
    for (const list of sample) {
      const engine = new MatchingEngine();
      for (const c of toCommands(list, USERS)) {
        const out: EngineEvent[] = [];
        engine.apply(c, out);
        trades += out.filter((e) => e.type === 'trade').length;
        const changed = out.some((e) => e.type === 'order');
        if (c.action === 'amend' && changed) applied.amend++;
        if (c.action === 'cancelAll' && changed) applied.cancelAll++;
        if (c.action === 'place' && c.type === 'LIMIT_MAKER' && out.some((e) => e.type === 'order' && e.status === 'PENDING')) applied.postOnlyResting++;
        const triggered = new Set(out.flatMap((e) => (e.type === 'order' && e.triggered === true && e.orderId !== (c as { orderId?: string }).orderId ? [e.orderId] : [])));
        applied.stopsTriggered += triggered.size;
        applied.stopsTradedAfterTrigger += out.filter((e) => e.type === 'trade' && (triggered.has(e.buyOrderId) || triggered.has(e.sellOrderId))).length;
        applied.stopsRefusedAsReached += out.filter((e) => e.type === 'order' && e.code === 30).length;
      }
    }
    expect(trades).toBeGreaterThan(250);
    expect(applied.amend).toBeGreaterThan(10);
    expect(applied.cancelAll).toBeGreaterThan(5);
    expect(applied.postOnlyResting).toBeGreaterThan(10);
    expect(applied.stopsTriggered).toBeGreaterThan(10);
    expect(applied.stopsTradedAfterTrigger).toBeGreaterThan(10);
    expect(applied.stopsRefusedAsReached).toBeGreaterThan(10);
  });
});

import fc from 'fast-check';
import { MatchingEngine } from '../../engine/core/engine';
import type { EngineEvent } from '../../engine/core/types';
import { intents, toCommands } from '../../engine/core/__tests__/arbitraries';
import { eventToWire, wireJson } from '../../contracts/wire';

describe('the hand-written wire JSON', () => {
  test('when any engine event is serialised, then wireJson is byte for byte JSON.stringify(eventToWire(e))', () => {
    fc.assert(
      fc.property(intents(6), fc.string(), (list, weird) => {
        const engine = new MatchingEngine();
        const events: EngineEvent[] = [];
        for (const c of toCommands(list, 6)) engine.apply(c, events);
        // ids and reasons with quotes, backslashes and control characters must be escaped the same way
        engine.apply({ action: 'place', orderId: `x"${weird}\\`, clientOrderId: `c\n${weird}`, userId: 'u0', symbol: 'AAA', side: 'BUY', type: 'LIMIT', timeInForce: 'IOC', price: 1, quantity: 1, ts: 5 }, events);
        for (const e of events) expect(wireJson(e)).toBe(JSON.stringify(eventToWire(e)));
        expect(events.some((e) => e.type === 'trade')).toBe(events.some((e) => wireJson(e).startsWith('{"type":"trade"')));
      }),
      { numRuns: 40 },
    );
  });
});

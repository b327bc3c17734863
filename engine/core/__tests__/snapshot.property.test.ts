import fc from 'fast-check';
import { MatchingEngine } from '../engine';
import { restore, snapshot, stateHash, type EngineSnapshot } from '../snapshot';
import type { EngineEvent } from '../types';
import { apply, openMarket } from './helpers';
import { intents, propertyRuns, toCommands } from './arbitraries';

const USERS = 8;

describe('snapshot and restore', () => {
  test('when an engine is restored from its snapshot, then its state hash, book, balances and queue order are the same', () => {
    const rich = { cash: 1_000_000, shares: 1_000 };
    const { engine, s } = openMarket({ alice: rich, bob: rich, carol: rich });
    apply(engine, s.limit('alice', 'BUY', 100, 5, { clientOrderId: 'a-1' }));
    apply(engine, s.limit('bob', 'BUY', 100, 7));
    apply(engine, s.limit('carol', 'SELL', 103, 4));
    apply(engine, s.limit('carol', 'SELL', 99, 3));
    const restored = restore(JSON.parse(JSON.stringify(snapshot(engine))) as EngineSnapshot);
    expect(stateHash(restored)).toBe(stateHash(engine));
    expect(restored.book('ACME')).toEqual(engine.book('ACME'));
    expect(restored.market('ACME')).toEqual(engine.market('ACME'));
    for (const u of ['alice', 'bob', 'carol']) expect(restored.balance(u)).toEqual(engine.balance(u));
    // queue order survived: alice (partially filled) is still first at 100, and her clientOrderId still cancels
    const next = s.limit('carol', 'SELL', 100, 2);
    expect(apply(restored, next)).toEqual(apply(engine, next));
    const byClient = { action: 'cancel' as const, userId: 'alice', clientOrderId: 'a-1', ts: s.tick() };
    expect(apply(restored, byClient)).toEqual(apply(engine, byClient));
  });

  test('when states differ, then their hashes differ', () => {
    const { engine, s } = openMarket({ alice: { cash: 1_000 } });
    const before = stateHash(engine);
    apply(engine, s.limit('alice', 'BUY', 10, 1));
    expect(stateHash(engine)).not.toBe(before);
  });

  test('when a snapshot leaves the client order ids out and they come back from where the process keeps them (with those of later commands), then replay emits exactly the events of an engine that never stopped', () => {
    fc.assert(
      fc.property(intents(USERS), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (list, at, crashAt) => {
        const cmds = toCommands(list, USERS);
        const cut = Math.floor(at * cmds.length);
        const crash = cut + Math.floor(crashAt * (cmds.length - cut));
        // the process records each id as it is first used, per event (epoch), beside the snapshot
        const recorded: [number, string, string, string][] = [];
        const original = new MatchingEngine();
        const sink: EngineEvent[] = [];
        let snap: EngineSnapshot | null = null;
        for (let i = 0; i < cmds.length; i++) {
          if (i === cut) snap = JSON.parse(JSON.stringify(snapshot(original, { clientIds: false }))) as EngineSnapshot;
          original.apply(cmds[i], i < cut ? sink : []);
          // only what was applied before the crash can have been recorded
          const fresh = original.takeNewClientIds();
          if (i < crash) recorded.push(...fresh);
        }
        snap ??= JSON.parse(JSON.stringify(snapshot(original, { clientIds: false }))) as EngineSnapshot;
        expect(snap.clientIds).toBeUndefined();
        // recovery loads the ids of the snapshot's event
        const kept = new Map(recorded.filter(([epoch]) => epoch === (snap!.epoch ?? 0)).map(([, key, orderId, request]) => [key, { orderId, request }]));
        const reference = new MatchingEngine();
        const want: EngineEvent[] = [];
        cmds.forEach((c, i) => reference.apply(c, i < cut ? [] : want));
        const restored = restore(snap);
        for (const [key, used] of kept) restored.usedClientIds.set(key, used);
        const got: EngineEvent[] = [];
        for (const c of cmds.slice(cut)) restored.apply(c, got);
        expect(got).toEqual(want);
      }),
      { numRuns: propertyRuns },
    );
  });

  test('when a snapshot has an unknown version, then restore refuses it', () => {
    const snap = { ...snapshot(new MatchingEngine()), version: 99 } as unknown as EngineSnapshot;
    expect(() => restore(snap)).toThrow(/version/);
  });

  test('when a snapshot is taken at any point and restored, then the restored engine emits exactly the events of one that never stopped', () => {
    fc.assert(
      fc.property(intents(USERS), fc.double({ min: 0, max: 1, noNaN: true }), (list, at) => {
        const cmds = toCommands(list, USERS);
        const cut = Math.floor(at * cmds.length);
        const original = new MatchingEngine();
        const sink: EngineEvent[] = [];
        for (const c of cmds.slice(0, cut)) original.apply(c, sink);
        const restored = restore(JSON.parse(JSON.stringify(snapshot(original))) as EngineSnapshot);
        expect(stateHash(restored)).toBe(stateHash(original));
        const a: EngineEvent[] = [];
        const b: EngineEvent[] = [];
        for (const c of cmds.slice(cut)) {
          original.apply(c, a);
          restored.apply(c, b);
        }
        expect(b).toEqual(a);
        expect(stateHash(restored)).toBe(stateHash(original));
      }),
      { numRuns: propertyRuns },
    );
  });
});

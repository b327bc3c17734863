import { names } from '../../../contracts/names';
import { MatchingEngine } from '../../../engine/core/engine';
import type { EngineEvent } from '../../../engine/core/types';
import { toCommand } from '../../../engine/process/batch';
import { asRecords, measurePipeline } from '../engine-pipeline';
import { generateEngineStream } from '../engine-stream';

describe('the engine steps measured without I/O', () => {
  const stream = generateEngineStream({ commands: 3000, users: 50, symbols: 3, restingTarget: 100, seed: 5 });
  const commands = [...stream.setup, ...stream.commands];

  it('reads back from its records the commands, times included, as the engine process would', () => {
    const records = asRecords(commands);
    expect(records.map((r) => toCommand(r))).toEqual(commands);
  });

  it('applies every command, whatever the batch size, and reports each step', () => {
    const direct = new MatchingEngine();
    const sink: EngineEvent[] = [];
    for (const c of commands) direct.apply(c, sink);
    for (const batchSize of [1, 7, 2000]) {
      const cost = measurePipeline(asRecords(commands), batchSize, names('t:'), 20);
      expect(cost.seq).toBe(direct.seq);
      expect(cost.applyUs).toBeGreaterThan(0);
      expect(cost.publishUs).toBeGreaterThan(0);
      expect(cost.totalUs).toBeCloseTo(cost.applyUs + cost.publishUs + cost.persistUs, 1);
      // every command at least acknowledged, most of them published
      expect(cost.outBytesPerCommand).toBeGreaterThan(100);
    }
  });
});

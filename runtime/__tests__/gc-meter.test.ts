import { startGcMeter } from '../gc-meter';

/** garbage: many short-lived objects, enough to fill the young generation several times */
function churn(): number {
  let kept = 0;
  for (let i = 0; i < 2_000_000; i++) kept += { i, s: `x${i}` }.s.length;
  return kept;
}

/** the observer is told of collections after they happen, in a later turn of the event loop */
const nextTurns = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('the GC meter', () => {
  it('counts the collections since its last read, each read starting a new window', async () => {
    const meter = startGcMeter();
    try {
      meter.read();
      churn();
      await nextTurns();
      const window = meter.read();
      expect(window.count).toBeGreaterThan(0);
      expect(window.totalMs).toBeGreaterThan(0);
      expect(window.maxMs).toBeGreaterThan(0);
      expect(window.maxMs).toBeLessThanOrEqual(window.totalMs);
      expect(window.major).toBeLessThanOrEqual(window.count);
      // read again at once (the observer is told only in a later turn): the window started empty
      expect(meter.read()).toEqual({ count: 0, totalMs: 0, maxMs: 0, major: 0, majorMaxMs: 0 });
    } finally {
      meter.stop();
    }
  });
});

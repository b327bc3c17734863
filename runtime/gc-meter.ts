import { PerformanceObserver, constants } from 'perf_hooks';

/** Garbage collection since the last read: how many pauses, their total and the longest, in milliseconds. */
export interface GcWindow {
  count: number;
  totalMs: number;
  maxMs: number;
  /** of those, the full (mark-compact) collections: the long pauses of a large heap */
  major: number;
  majorMaxMs: number;
}

const empty = (): GcWindow => ({ count: 0, totalMs: 0, maxMs: 0, major: 0, majorMaxMs: 0 });

/**
 * Watches this process's garbage collections; `read()` returns those since the previous read and
 * starts a new window. A stall every client sees at once (a market-data delay's p99 over a few
 * seconds moves with a single 70 ms pause) is told apart from a slow pass this way.
 */
export function startGcMeter(): { read(): GcWindow; stop(): void } {
  let window = empty();
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      window.count++;
      window.totalMs += entry.duration;
      window.maxMs = Math.max(window.maxMs, entry.duration);
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        window.major++;
        window.majorMaxMs = Math.max(window.majorMaxMs, entry.duration);
      }
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    read() {
      const out = window;
      window = empty();
      return out;
    },
    stop: () => observer.disconnect(),
  };
}

import type { Command } from './engine-types';

/**
 * Entries of the input stream: the core's commands (contracts/engine-types.ts) without `ts` (the
 * engine takes it from the stream entry id), plus routing for the verdict. Money is already in
 * cents here. The types are the one description: the api builds entries from its validated
 * requests, and the engine core checks every field of what it reads (a hand-written or corrupt
 * entry is refused with a code, never applied: tests/e2e/poison-entries.e2e.test.ts), so no second
 * schema is kept here to drift from the core's.
 */
export interface Routing {
  requestId?: string;
  /** api instance that wants the verdict */
  replyTo?: string;
}

type WithoutTs<C> = C extends unknown ? Omit<C, 'ts'> : never;

export type StreamEntry = WithoutTs<Command> & Routing;

/** the stream entry's single field, holding the entry as JSON */
export const ENTRY_FIELD = 'c';

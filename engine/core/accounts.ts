/**
 * A participant's cash and holdings, each split into available and locked. Holdings are arrays
 * indexed by the symbol's index so the hot path never hashes a symbol name.
 */
export class Account {
  cashAvailable = 0;
  cashLocked = 0;
  readonly sharesAvailable: number[] = [];
  readonly sharesLocked: number[] = [];
  /** shares still wanted by this participant's working buy orders, per symbol (for position limits) */
  readonly buyOpen: number[] = [];
  /** set while the account waits in the engine's dirty list */
  dirty = false;

  constructor(
    readonly userId: string,
    symbolCount: number,
  ) {
    this.ensureSymbols(symbolCount);
  }

  ensureSymbols(symbolCount: number): void {
    while (this.sharesAvailable.length < symbolCount) {
      this.sharesAvailable.push(0);
      this.sharesLocked.push(0);
      this.buyOpen.push(0);
    }
  }
}

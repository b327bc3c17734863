export * from './types';
export { MatchingEngine, MAX_PRICE, MAX_QUANTITY } from './engine';
export { snapshot, restore, stateHash, SNAPSHOT_VERSION, type EngineSnapshot } from './snapshot';

export * from './types';
export { MatchingEngine } from './engine';
export { MAX_PRICE, MAX_QUANTITY } from '../../contracts/order-limits';
export { snapshot, restore, stateHash, SNAPSHOT_VERSION, type EngineSnapshot } from './snapshot';

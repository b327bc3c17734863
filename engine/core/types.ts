/** The engine's commands, events and views are the services' shared vocabulary: they live in contracts/. */
export * from '../../contracts/engine-types';

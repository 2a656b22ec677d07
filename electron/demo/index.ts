export { assertDemoTarget, demoWorkspaces, seedDemo, DEMO_ACTOR } from './seed';
export type { DivergenceKind, SeedOptions, SeedSummary } from './seed';
export { startDemoWorker } from './worker';
export type { DemoWorker, DemoWorkerOptions, DemoWorkerStats } from './worker';
export { DEMO_WORKSPACES } from './catalog';

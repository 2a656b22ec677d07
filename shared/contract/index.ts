import { connectionOperations } from './connection';
import { divergenceOperations } from './divergence';
import { jobOperations } from './jobs';
import { migrationOperations } from './migration';
import { profileOperations, type ProfileOperationName } from './profiles';
import { telemetryOperations } from './telemetry';
import { triageOperations } from './triage';
import type { OPERATION_NAMES, PROFILE_OPERATION_NAMES } from './names';
import type { InputOf, OutputOf } from './operation';

/** Every operation of Queuescope, declared once. Every door (IPC, HTTP, CLI, renderer) derives from this. */
export const contract = {
  ...jobOperations,
  ...migrationOperations,
  ...connectionOperations,
  ...divergenceOperations,
  ...telemetryOperations,
  ...triageOperations,
  ...profileOperations,
};

export type Contract = typeof contract;
export type OperationName = keyof Contract;

// OPERATION_NAMES (names.ts) must list exactly the contract's operations.
type Listed = (typeof OPERATION_NAMES)[number];
export const operationNamesMatch: [
  Exclude<OperationName, Listed>,
  Exclude<Listed, OperationName>,
] extends [never, never]
  ? true
  : never = true;

// PROFILE_OPERATION_NAMES (names.ts) must list exactly the profile operations.
type ListedProfiles = (typeof PROFILE_OPERATION_NAMES)[number];
export const profileNamesMatch: [
  Exclude<keyof typeof profileOperations, ListedProfiles>,
  Exclude<ListedProfiles, keyof typeof profileOperations>,
] extends [never, never]
  ? true
  : never = true;

/** The operations the queue core answers: all but the desktop app's connection profiles. */
export type CoreOperationName = Exclude<OperationName, ProfileOperationName>;

/** The client shape both transports implement: one async method per operation. */
export type QueuescopeApi = {
  [K in OperationName]: (input: InputOf<Contract[K]>) => Promise<OutputOf<Contract[K]>>;
};

export * from './connection';
export * from './divergence';
export * from './errors';
export * from './ids';
export * from './job';
export * from './jobs';
export * from './migration';
export * from './telemetry';
export * from './triage';
export * from './operation';
export * from './events';
export * from './transport';
export * from './names';
export * from './profiles';

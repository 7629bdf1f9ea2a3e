/**
 * The two sides of `writeprof ab --strategy-file --backend cuda`: each version's nvcc build under
 * the CUDA backend, for ab's timing gate (src/commands/ab.ts gateTimings: the cases interleaved
 * round by round, the paired analysis). To be made with the nvcc build of a strategy file: build
 * both versions' `cuda` flavor (./strategy-versions.ts buildVersions(plans, 'cuda')) and return a
 * CUDA backend over each version's addon. Until then ab refuses --backend cuda for a strategy file.
 */
import type { Backend } from '../backends/backend.js';
import { UsageError } from '../errors.js';
import type { Side } from './interleave.js';
import type { VersionPlan } from './strategy-versions.js';

export function cudaStrategyBackends(_plans: Record<Side, VersionPlan>): Record<Side, Backend> {
  throw new UsageError(
    '--backend: cuda cannot gate a strategy file yet (writeprof does not build one with nvcc); use --backend cuda-emu, which compares the versions\' counted memory traffic and verification',
  );
}

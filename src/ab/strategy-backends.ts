/**
 * The two sides of `writeprof ab --strategy-file --backend cuda`: each version's nvcc build (the
 * `cuda` flavor of a strategy file's build), loaded into this one process under the CUDA backend,
 * for ab's timing gate (src/commands/ab.ts gateTimings: rounds interleaving both versions, the
 * paired analysis). Each build is its own shared object (a soname of its own), as ab's two builds
 * of writeprof are.
 */
import type { Backend } from '../backends/backend.js';
import { createCudaBackend } from '../backends/cuda.js';
import { loadAddonAt } from '../backends/native.js';
import type { Side } from './interleave.js';
import { buildVersions, type Version, type VersionPlan } from './strategy-versions.js';

export function cudaStrategyBackends(plans: Record<Side, VersionPlan>): { backends: Record<Side, Backend>; versions: Record<Side, Version> } {
  const versions = buildVersions(plans, 'cuda');
  const over = (v: Version): Backend => createCudaBackend(() => loadAddonAt(v.file.addonPath));
  return { backends: { base: over(versions.base), head: over(versions.head) }, versions };
}

/**
 * Memory a case needs, computed in TypeScript from the table's layout (src/limits.ts TABLE, the
 * constants kernels/include/writeprof/layout.h is built from), so that a sweep that cannot fit
 * fails before it starts; the native runners check everything they allocate by the same rule.
 */
import { UsageError } from '../errors.js';
import { fmtMemory, fmtValueSize } from '../format.js';
import { DEFAULTS, MEMORY_BUDGET, TABLE } from '../limits.js';
import type { CaseSpec } from '../model.js';

export interface Footprint {
  buckets: number;
  slots: number;
  valueStride: number;
  arenaBytes: number;
  tableBytes: number;
}

export function valueStride(valueSize: number): number {
  return Math.ceil(valueSize / TABLE.valueAlign) * TABLE.valueAlign;
}

export function bucketsFor(distinctKeys: number, loadFactor: number): number {
  const slots = distinctKeys / loadFactor;
  return Math.max(1, Math.floor((slots + TABLE.slotsPerBucket - 1) / TABLE.slotsPerBucket));
}

export function footprint(spec: Pick<CaseSpec, 'keys' | 'loadFactor' | 'valueSize'>): Footprint {
  const buckets = bucketsFor(spec.keys, spec.loadFactor);
  const valueStrideBytes = valueStride(spec.valueSize);
  return {
    buckets,
    slots: buckets * TABLE.slotsPerBucket,
    valueStride: valueStrideBytes,
    arenaBytes: spec.keys * valueStrideBytes,
    tableBytes: buckets * TABLE.bucketBytes,
  };
}

export interface Limits {
  arenaLimitBytes: number;
  /** Memory the backend may use for one case's table + arena (host RAM or device memory). */
  memoryBytes: number;
  memoryName: string;
}

/**
 * The memory-budget rule (src/limits.ts MEMORY_BUDGET) for one case on a memory of `capacity`
 * bytes, shared by `among` cases open at once (`writeprof ab` holds each case open on two builds).
 */
export function budgetLimits(memory: keyof typeof MEMORY_BUDGET, capacity: number, among = 1): Limits {
  const name = `${memory} memory`;
  return {
    arenaLimitBytes: DEFAULTS.arenaLimitBytes,
    memoryBytes: Math.floor((capacity * MEMORY_BUDGET[memory]) / among),
    memoryName: among > 1 ? `${name} (${among} builds open at once)` : name,
  };
}

/** Why a case cannot run, or null when it fits. */
export function caseProblem(spec: CaseSpec, limits: Limits): string | null {
  const f = footprint(spec);
  // Uniform streams write every key; zipf writes at most `keys` distinct ones.
  if (f.slots < spec.keys) {
    return `table of ${f.slots} slots cannot hold ${spec.keys} keys at load factor ${spec.loadFactor}`;
  }
  if (f.arenaBytes > limits.arenaLimitBytes) {
    return `value arena needs ${fmtMemory(f.arenaBytes)} (${spec.keys} keys x ${fmtValueSize(f.valueStride)}), over the ${fmtMemory(limits.arenaLimitBytes)} limit; lower --keys or --value-size`;
  }
  const total = f.arenaBytes + f.tableBytes;
  if (total > limits.memoryBytes) {
    return `table + value arena need ${fmtMemory(total)}, over the ${fmtMemory(limits.memoryBytes)} of ${limits.memoryName} a case may use; lower --keys or --value-size`;
  }
  if (spec.mode === 'batch' && spec.keys < spec.batchSize) {
    return `keys (${spec.keys}) is below batchSize (${spec.batchSize}): a sample would not fill one batch; raise --keys or lower --batch-size`;
  }
  if (spec.mode === 'concurrent' && spec.keys < spec.threads) {
    return `keys (${spec.keys}) is below threads (${spec.threads}): some threads would write nothing; raise --keys`;
  }
  return null;
}

/** Checks every case before the sweep; the first that cannot run is a UsageError naming it. */
export function checkCases(specs: readonly CaseSpec[], limits: Limits): void {
  for (const spec of specs) {
    const problem = caseProblem(spec, limits);
    if (problem) throw new UsageError(`case ${spec.id}: ${problem}`);
  }
}

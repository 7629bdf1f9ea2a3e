/**
 * Memory a case needs, computed in TypeScript with the same formulas as
 * kernels/include/writeprof/layout.h, so that a sweep that cannot fit fails before it starts.
 */
import { UsageError } from '../errors.js';
import type { CaseSpec } from '../model.js';
import { formatSize } from './values.js';

export const BUCKET_BYTES = 128;
export const SLOTS_PER_BUCKET = 4;
/** The native runner's default arena limit (runner.h CaseParams::arenaLimitBytes). */
export const ARENA_LIMIT_BYTES = 4 * 1024 ** 3;

export interface Footprint {
  buckets: number;
  slots: number;
  valueStride: number;
  arenaBytes: number;
  tableBytes: number;
}

export function valueStride(valueSize: number): number {
  return Math.ceil(valueSize / 16) * 16;
}

export function bucketsFor(distinctKeys: number, loadFactor: number): number {
  const slots = distinctKeys / loadFactor;
  return Math.max(1, Math.floor((slots + SLOTS_PER_BUCKET - 1) / SLOTS_PER_BUCKET));
}

export function footprint(spec: Pick<CaseSpec, 'keys' | 'loadFactor' | 'valueSize'>): Footprint {
  const buckets = bucketsFor(spec.keys, spec.loadFactor);
  const valueStrideBytes = valueStride(spec.valueSize);
  return {
    buckets,
    slots: buckets * SLOTS_PER_BUCKET,
    valueStride: valueStrideBytes,
    arenaBytes: spec.keys * valueStrideBytes,
    tableBytes: buckets * BUCKET_BYTES,
  };
}

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n >= 10 || i === 0 ? Math.round(n) : n.toFixed(1)} ${units[i]}`;
}

export interface Limits {
  arenaLimitBytes: number;
  /** Memory the backend may use for one case's table + arena (host RAM or device memory). */
  memoryBytes: number;
  memoryName: string;
}

/** Why a case cannot run, or null when it fits. */
export function caseProblem(spec: CaseSpec, limits: Limits): string | null {
  const f = footprint(spec);
  // Uniform streams write every key; zipf writes at most `keys` distinct ones.
  if (f.slots < spec.keys) {
    return `table of ${f.slots} slots cannot hold ${spec.keys} keys at load factor ${spec.loadFactor}`;
  }
  if (f.arenaBytes > limits.arenaLimitBytes) {
    return `value arena needs ${bytes(f.arenaBytes)} (${spec.keys} keys x ${formatSize(f.valueStride)}), over the ${bytes(limits.arenaLimitBytes)} limit; lower --keys or --value-size`;
  }
  const total = f.arenaBytes + f.tableBytes;
  if (total > limits.memoryBytes) {
    return `table + value arena need ${bytes(total)}, over the ${bytes(limits.memoryBytes)} of ${limits.memoryName} a case may use; lower --keys or --value-size`;
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

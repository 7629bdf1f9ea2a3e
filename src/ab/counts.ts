/**
 * What `writeprof ab --strategy-file` measures on the emulator: counts, not times (the gate is
 * src/gates/counts.ts). Each case, under each emulator seed, on each version: the memory-traffic
 * pass (src/backends/traffic.ts: one instrumented sample, one worker, so a function of the seed)
 * on the version's instrumented build, giving the global-memory requests and 32-byte sectors its
 * kernel moved, the sample's conflict counters and its verification.
 */
import type { CaseSpec } from '../model.js';
import type { NativeCheckAddon } from '../backends/native.js';
import { countTrafficOnEmulator } from '../backends/traffic.js';
import type { RawSample, RawTraffic } from '../backends/contract.js';
import { openOptionsFor } from '../engine/sweep.js';
import { SIDES, type Side } from './interleave.js';

/** One version's counted sample of a case under one emulator seed. */
export interface SeedCount {
  seed: number;
  writes: number;
  /** global-memory warp requests: loads, stores and atomics */
  requests: number;
  /** their 32-byte sectors */
  sectors: number;
  counters: RawSample['counters'];
  verification: RawSample['verification'];
  /** the pass failed (a fault, a deadlock): its first line */
  error?: string;
}

/** Global-memory requests and sectors of a counted sample, over every kernel it launched. */
export function globalTraffic(t: RawTraffic): { requests: number; sectors: number } {
  let requests = 0, sectors = 0;
  for (const k of t.kernels) {
    const g = k.global;
    requests += g.loadRequests + g.storeRequests + g.atomicRequests;
    sectors += g.loadSectors + g.storeSectors + g.atomicSectors;
  }
  return { requests, sectors };
}

const firstLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;

/** One version's count of one case under one seed; a pass that fails is a count with its error. */
export async function countOnce(spec: CaseSpec, seed: number, addon: () => NativeCheckAddon, o: { keySeed: number; timeoutSec: number }): Promise<SeedCount> {
  try {
    // The counting kernels (run's default): the conflict counters come from the counted sample; both versions alike.
    const t = await countTrafficOnEmulator(spec, openOptionsFor(spec, { countConflicts: true, seed: o.keySeed }, 0), { seed, workers: 1, timeoutSec: o.timeoutSec }, addon);
    return { seed, writes: t.writes, ...globalTraffic(t.traffic), counters: t.counters, verification: t.verification };
  } catch (err) {
    return {
      seed, writes: 0, requests: 0, sectors: 0,
      counters: { lockRetries: 0, casFailures: 0, probeSteps: 0 },
      verification: { writes: 0, distinct: 0, verified: 0, lost: 0, stale: 0, corrupted: 0, duplicates: 0 },
      error: firstLine(err),
    };
  }
}

export interface CountOptions {
  seeds: readonly number[];
  /** the key streams' seed (--seed) */
  keySeed: number;
  timeoutSec: number;
  signal?: AbortSignal;
  onCase?: (done: number, total: number, spec: CaseSpec, seconds: number) => void;
}

export interface CountedCase {
  spec: CaseSpec;
  counts: Record<Side, SeedCount[]>;
}

/**
 * Counts every case under every seed on both versions (base first: a deterministic count has no
 * order to balance). Stops at a case boundary when `signal` aborts: the cases counted so far come
 * back, `aborted` says so.
 */
export async function countBoth(specs: readonly CaseSpec[], addons: Record<Side, () => NativeCheckAddon>, o: CountOptions): Promise<{ cases: CountedCase[]; aborted: boolean }> {
  const cases: CountedCase[] = [];
  for (const [i, spec] of specs.entries()) {
    if (o.signal?.aborted) return { cases, aborted: true };
    const t0 = performance.now();
    const counts: Record<Side, SeedCount[]> = { base: [], head: [] };
    for (const seed of o.seeds) for (const side of SIDES) counts[side].push(await countOnce(spec, seed, addons[side], o));
    cases.push({ spec, counts });
    o.onCase?.(i + 1, specs.length, spec, (performance.now() - t0) / 1000);
  }
  return { cases, aborted: false };
}

/**
 * Deterministic sharding of a plan (`writeprof run --shard i/n`, `writeprof slurm`).
 *
 * Units. A shard never splits what one machine must measure together:
 *  - single and batch: a point of the sweep with all its strategies (a speedup compares
 *    strategies measured in one run, on one machine);
 *  - concurrent: one strategy with all its thread counts (scaling efficiency compares thread
 *    counts measured on one machine).
 *
 * Cost model (expected seconds of a case; only the relative sizes matter for balance, but the
 * profile's time bounds are absolute, so the model is in seconds):
 *   per write   WRITE_NS[mode] + UNTIMED_NS + valueSize × (2 + 1 / loadFactor) × BYTE_NS
 *               (one submission per write in single mode is launch/sync bound on a GPU, 4–6 µs;
 *                batch and concurrent writes are amortized; every sample also resets the table,
 *                generates the keys and verifies every write outside the timed region, but inside
 *                the stopping rule's clock; the value bytes are copied, read back by the verifier
 *                and the table they live in is reset)
 *   sample      keys × per write
 *   measuring   lo = max(minSamples × sample, minTime)          (both minimums hold)
 *               hi = max(lo, min(maxSamples × sample, maxTime))  (a maximum ends it)
 *               with the noise rule on (maxNoise > 0) a case stops between the two: (lo + hi) / 2
 *   case        set-up (CASE_OVERHEAD_S + allocating the table: keys / loadFactor slots of
 *               valueSize + 16 bytes at BYTE_NS) + warmup × sample + measuring
 * The constants come from wall-clock runs of single cases on the CPU backend (bench/shard-balance.mjs
 * reports how the shards then come out); WRITE_NS.single is the GPU's launch cost, the target.
 *
 * Assignment: longest-processing-time first. Units sorted by cost (ties: plan order) go one by
 * one to the shard with the least cost so far (ties: lowest index), so the costliest shard
 * exceeds the mean by less than the costliest unit. Within a shard, cases keep the plan's order.
 * Same plan, same shards: the digest (./digest.ts) names PLAN_FORMAT, which changes with this.
 */
import { invalid, UsageError } from '../errors.js';
import { axesKey, streamName, type CaseSpec, type Measurement, type Mode } from '../model.js';

const WRITE_NS: Record<Mode, number> = { single: 5000, batch: 20, concurrent: 20 };
const UNTIMED_NS = 1000;
const BYTE_NS = 0.5;
const CASE_OVERHEAD_S = 0.02;
export const MAX_SHARDS = 10_000;

export interface ShardRef {
  /** 1-based */
  index: number;
  count: number;
}

export interface ShardUnit {
  key: string;
  cases: CaseSpec[];
  cost: number;
  /** plan position of the unit's first case (tie-break, and order) */
  first: number;
}

export interface Shard extends ShardRef {
  cases: CaseSpec[];
  /** estimated seconds */
  cost: number;
}

export interface ShardLayout {
  count: number;
  shards: Shard[];
  /** case id -> 1-based shard index */
  shardOf: Map<string, number>;
  /** estimated seconds of the whole plan */
  cost: number;
}

/** "i/n" with 1 <= i <= n. */
export function parseShard(field: string, raw: string): ShardRef {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  const allowed = `i/n with 1 <= i <= n <= ${MAX_SHARDS} (e.g. 2/4: the second of four shards)`;
  if (!m) throw invalid(field, raw, allowed);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS || index < 1 || index > count) throw invalid(field, raw, allowed);
  return { index, count };
}

export function caseSeconds(c: CaseSpec, m: Measurement): number {
  const perWriteNs = WRITE_NS[c.mode] + UNTIMED_NS + c.valueSize * (2 + 1 / c.loadFactor) * BYTE_NS;
  const sample = (c.keys * perWriteNs) / 1e9;
  const setup = CASE_OVERHEAD_S + ((c.keys / c.loadFactor) * (c.valueSize + 16) * BYTE_NS) / 1e9;
  const lo = Math.max(m.minSamples * sample, m.minTime);
  const hi = Math.max(lo, Math.min(m.maxSamples * sample, m.maxTime));
  const measuring = m.maxNoise > 0 ? (lo + hi) / 2 : hi;
  return setup + m.warmup * sample + measuring;
}

function unitKey(c: CaseSpec): string {
  if (c.mode !== 'concurrent') return axesKey(c);
  return [c.mode, c.strategy, `v${c.valueSize}`, `b${c.batchSize}`, streamName(c), `lf${c.loadFactor}`, `k${c.keys}`].join('/');
}

/** The plan's indivisible units, in plan order. */
export function shardUnits(specs: readonly CaseSpec[], m: Measurement): ShardUnit[] {
  const units = new Map<string, ShardUnit>();
  specs.forEach((c, i) => {
    const key = unitKey(c);
    let u = units.get(key);
    if (!u) {
      u = { key, cases: [], cost: 0, first: i };
      units.set(key, u);
    }
    u.cases.push(c);
    u.cost += caseSeconds(c, m);
  });
  return [...units.values()];
}

/** Splits the plan into `count` shards; every shard gets at least one unit. */
export function layoutShards(specs: readonly CaseSpec[], m: Measurement, count: number, field = '--shards'): ShardLayout {
  const units = shardUnits(specs, m);
  if (count > units.length) {
    throw new UsageError(
      `${field}: ${count} shards is more than this plan has units (${units.length}): a unit is a point with all its strategies ` +
        `(single, batch) or a strategy with all its thread counts (concurrent); use at most ${units.length} shards`,
    );
  }
  const position = new Map(specs.map((c, i) => [c.id, i]));
  const shards: Shard[] = Array.from({ length: count }, (_, i) => ({ index: i + 1, count, cases: [], cost: 0 }));
  const order = [...units].sort((a, b) => b.cost - a.cost || a.first - b.first);
  for (const u of order) {
    let target = shards[0]!;
    for (const s of shards) if (s.cost < target.cost) target = s;
    target.cases.push(...u.cases);
    target.cost += u.cost;
  }
  const shardOf = new Map<string, number>();
  for (const s of shards) {
    s.cases.sort((a, b) => position.get(a.id)! - position.get(b.id)!);
    for (const c of s.cases) shardOf.set(c.id, s.index);
  }
  return { count, shards, shardOf, cost: shards.reduce((a, s) => a + s.cost, 0) };
}

/** The `index`-th shard of the plan (same plan and count: same cases, on every machine). */
export function selectShard(specs: readonly CaseSpec[], m: Measurement, ref: ShardRef): { shard: Shard; layout: ShardLayout } {
  const layout = layoutShards(specs, m, ref.count, '--shard');
  return { shard: layout.shards[ref.index - 1]!, layout };
}

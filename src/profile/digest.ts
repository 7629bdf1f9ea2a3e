/**
 * The plan's digest: what was run, independent of where. Shards merge only when their digests
 * are equal, i.e. the same case list (profile after flags) measured with the same settings by a
 * writeprof that shards the same way. The backend is left out on purpose: one plan run on two
 * kinds of device is what a side-by-side comparison is made of.
 */
import { createHash } from 'node:crypto';
import type { CaseSpec, Measurement } from '../model.js';

/** What results.plan records (src/results/schema.ts holds it to this shape). */
export interface PlanRecord {
  digest: string;
  /** cases in the whole plan (a shard runs some of them) */
  cases: number;
  seed: number;
  countConflicts: boolean;
  calibrateSlowdown: number;
}

/** Bump when the digest's inputs or the shard assignment (./shard.ts) change. */
export const PLAN_FORMAT = 'writeprof-plan/1';

export interface PlanSettings {
  seed: number;
  countConflicts: boolean;
  calibrateSlowdown: number;
}

export function planDigest(specs: readonly CaseSpec[], m: Measurement, s: PlanSettings): string {
  // Fixed key order: the digest must not depend on how an object happened to be built.
  const canonical = JSON.stringify({
    format: PLAN_FORMAT,
    cases: specs.map((c) => c.id),
    measurement: [m.warmup, m.minSamples, m.maxSamples, m.minTime, m.maxTime, m.maxNoise],
    settings: [s.seed, s.countConflicts, s.calibrateSlowdown],
  });
  return createHash('sha256').update(canonical).digest('hex');
}

export function planRecord(specs: readonly CaseSpec[], m: Measurement, s: PlanSettings): PlanRecord {
  return { digest: planDigest(specs, m, s), cases: specs.length, seed: s.seed, countConflicts: s.countConflicts, calibrateSlowdown: s.calibrateSlowdown };
}

/** How digests are shown to people: the first 12 hex digits. */
export function shortDigest(digest: string): string {
  return digest.slice(0, 12);
}

/** From a profile (plus flag overrides) to the ordered, de-duplicated list of cases to run. */
import { UsageError } from '../errors.js';
import { INPUT_LIMITS } from '../limits.js';
import { caseId, type CaseSpec, type Measurement, type Mode } from '../model.js';
import type { AxisValues, PartialAxes } from './axes.js';
import { checkMeasurement, mergeAxes } from './load.js';
import type { Profile, Suite } from './types.js';
import { flagName } from './values.js';

export interface Overrides {
  /** Keep only suites of these modes; a mode with no suite gets one from defaults + flags. */
  modes?: Mode[];
  axes: PartialAxes;
  measurement: Partial<Measurement>;
}

/** Applies flag overrides: a flag replaces that axis in every suite, and measurement fields. */
export function applyOverrides(profile: Profile, ov: Overrides): Profile {
  // Name a bound by its flag when a flag set it, else by the profile field it came from.
  const fromFlag = (f: keyof Measurement): boolean => ov.measurement[f] !== undefined;
  const measurement = checkMeasurement(
    { ...profile.measurement, ...ov.measurement },
    (f) => (fromFlag(f) ? flagName(f) : `${profile.source}: measurement.${f}`),
    (f) => (fromFlag(f) ? flagName(f) : f),
  );
  const override = (axes: AxisValues): AxisValues => mergeAxes(axes, ov.axes);
  let suites: Suite[] = profile.suites.map((s) => ({ mode: s.mode, axes: override(s.axes) }));
  if (ov.modes) {
    const modes = ov.modes;
    const kept = suites.filter((s) => modes.includes(s.mode));
    for (const mode of modes) {
      if (!kept.some((s) => s.mode === mode)) kept.push({ mode, axes: override(profile.defaults) });
    }
    // Keep the order the modes were asked in; suites of one mode keep the profile's order.
    suites = modes.flatMap((m) => kept.filter((s) => s.mode === m));
  }
  refuseIgnoredAxes(ov.axes, suites);
  return { ...profile, measurement, suites };
}

/**
 * A flag that no suite of the run uses would be ignored in silence (a single write is a batch of
 * one on one thread, and batch mode runs on one thread): it is refused instead.
 */
function refuseIgnoredAxes(axes: PartialAxes, suites: readonly Suite[]): void {
  if (suites.length === 0) return;
  if (axes.batchSize !== undefined && suites.every((s) => s.mode === 'single')) {
    throw new UsageError(`${flagName('batchSize')}: every suite of this run is single mode, which submits one write at a time; the flag sets batch and concurrent suites (add --mode batch or concurrent)`);
  }
  if (axes.threads !== undefined && suites.every((s) => s.mode !== 'concurrent')) {
    throw new UsageError(`${flagName('threads')}: no suite of this run is concurrent mode, the only one that runs several threads (add --mode concurrent)`);
  }
  if (axes.updateShare !== undefined && suites.every((s) => s.axes.keyDist.every((d) => d !== 'uniform'))) {
    throw new UsageError(`${flagName('updateShare')}: every key distribution of this run is zipf, which repeats keys by its own law; the flag sets uniform streams (add --key-dist uniform)`);
  }
}

/**
 * Axes a case ignores are pinned so that equivalent cases share one id: a single write is a
 * batch of one on one thread, batch mode runs on one thread, and a zipf stream repeats keys by its
 * own law (no update share).
 */
function normalize(mode: Mode, c: Omit<CaseSpec, 'id' | 'mode'>): Omit<CaseSpec, 'id'> {
  const { updateShare, ...rest } = c;
  const stream = c.keyDist === 'uniform' ? { ...rest, updateShare } : rest;
  if (mode === 'single') return { ...stream, mode, batchSize: 1, threads: 1 };
  if (mode === 'batch') return { ...stream, mode, threads: 1 };
  return { ...stream, mode };
}

/**
 * Cartesian product per suite, in suite order; within a suite the axes vary in AXES order with
 * strategy innermost, so every strategy of one point runs back to back. Duplicates are dropped.
 */
export function expandCases(suites: readonly Suite[]): CaseSpec[] {
  // Count before building: a cartesian product of ~80 M cases must be refused, not allocated.
  const planned = suites.reduce((n, s) => n + Object.values(s.axes).reduce((p, values: readonly unknown[]) => p * values.length, 1), 0);
  if (planned > INPUT_LIMITS.maxCasesPerPlan) {
    throw new UsageError(`the profile and flags expand to ${planned.toLocaleString('en-US')} cases; at most ${INPUT_LIMITS.maxCasesPerPlan.toLocaleString('en-US')} per run (give fewer values on an axis)`);
  }
  const out: CaseSpec[] = [];
  const seen = new Set<string>();
  for (const suite of suites) {
    const a = suite.axes;
    for (const valueSize of a.valueSize)
      for (const batchSize of a.batchSize)
        for (const threads of a.threads)
          for (const keyDist of a.keyDist)
            for (const updateShare of a.updateShare)
              for (const loadFactor of a.loadFactor)
                for (const keys of a.keys)
                  for (const strategy of a.strategy) {
                    const spec = normalize(suite.mode, { strategy, valueSize, batchSize, threads, keyDist, updateShare, loadFactor, keys });
                    const id = caseId(spec);
                    if (seen.has(id)) continue;
                    seen.add(id);
                    out.push({ id, ...spec });
                  }
  }
  return out;
}

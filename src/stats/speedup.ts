import { axesKey } from '../model.js';
import type { CaseResult } from '../results/schema.js';
import { bootstrapRatioOfMedians, DEFAULT_SEED } from './bootstrap.js';

export { bootstrapRatioOfMedians } from './bootstrap.js';

/** A case's throughput samples; a document without samples falls back to its median figure. */
function throughputSamples(c: CaseResult): number[] {
  return c.samples.length > 0 ? c.samples : [c.opsPerSec];
}

/**
 * Sets case.speedup on every non-baseline case that has a `baseline` case with the same axes:
 * median ops/s ratio (strategy / baseline) with its 95% percentile-bootstrap interval.
 * Cases without a baseline partner keep speedup unset. Deterministic for a given seed.
 */
export function attachSpeedups(cases: CaseResult[], seed: number = DEFAULT_SEED): void {
  const baselines = new Map<string, CaseResult>();
  for (const c of cases) if (c.strategy === 'baseline') baselines.set(axesKey(c), c);
  for (const c of cases) {
    if (c.strategy === 'baseline') continue;
    const base = baselines.get(axesKey(c));
    if (!base) continue;
    const r = bootstrapRatioOfMedians(throughputSamples(c), throughputSamples(base), { seed });
    // Results JSON cannot hold NaN (zero-throughput baseline): leave the figure out instead.
    if (Number.isFinite(r.value) && Number.isFinite(r.low) && Number.isFinite(r.high)) c.speedup = r;
    else delete c.speedup;
  }
}

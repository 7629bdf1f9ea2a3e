import { axesKey, PEERS } from '../model.js';
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
    if (c.strategy === 'baseline' || c.strategy === 'peer') continue;
    const base = baselines.get(axesKey(c));
    if (!base) continue;
    const r = bootstrapRatioOfMedians(throughputSamples(c), throughputSamples(base), { seed });
    // Results JSON cannot hold NaN (zero-throughput baseline): leave the figure out instead.
    if (Number.isFinite(r.value) && Number.isFinite(r.low) && Number.isFinite(r.high)) c.speedup = r;
    else delete c.speedup;
  }
}

/**
 * Sets case.vsPeer on every ok strategy case that has an ok case of a peer with the same axes
 * (measured in the same run): median ops/s ratio (strategy / peer) with its 95% bootstrap interval.
 */
export function attachPeerSpeedups(cases: CaseResult[], seed: number = DEFAULT_SEED): void {
  const refs = new Map<string, CaseResult>();
  for (const c of cases) if (c.strategy === 'peer' && c.peer && c.status === 'ok') refs.set(`${c.peer} ${axesKey(c)}`, c);
  for (const c of cases) {
    if (c.strategy === 'peer' || c.status !== 'ok') continue;
    const vs: NonNullable<CaseResult['vsPeer']> = {};
    for (const peer of PEERS) {
      const ref = refs.get(`${peer} ${axesKey(c)}`);
      if (!ref) continue;
      const r = bootstrapRatioOfMedians(throughputSamples(c), throughputSamples(ref), { seed });
      if (Number.isFinite(r.value) && Number.isFinite(r.low) && Number.isFinite(r.high)) vs[peer] = r;
    }
    if (Object.keys(vs).length > 0) c.vsPeer = vs;
    else delete c.vsPeer;
  }
}

/**
 * What one results document may hold, for writers and readers alike (src/limits.ts,
 * INPUT_LIMITS): cases, samples per case and in all, --repeat run medians, and bytes. `run`,
 * `ab` and `merge` check what they are about to produce against the same numbers that `report`,
 * `validate`, `compare` and `merge` check what they read against, so whatever one writes, every
 * one reads.
 */
import { fmtMemory } from '../format.js';
import { INPUT_LIMITS, MAX_RESULTS_BYTES, RUN_LIMITS } from '../limits.js';

const n = (x: number): string => x.toLocaleString('en-US');

export interface PlannedDocument {
  cases: number;
  /** samples a case may end with (--max-samples x --repeat; ab: rounds x samples per round) */
  samplesPerCase: number;
  /** run medians a case keeps (--repeat n > 1: n) */
  runsPerCase?: number;
  /** how the message names what sets samplesPerCase */
  samplesFrom: string;
}

/** Why a document of this plan could exceed what readers take (a line for exit 2), or undefined. */
export function documentBoundProblem(p: PlannedDocument): string | undefined {
  const runs = p.runsPerCase ?? 0;
  if (p.cases > INPUT_LIMITS.maxCasesPerPlan) return `${n(p.cases)} cases; a results document holds at most ${n(INPUT_LIMITS.maxCasesPerPlan)}`;
  if (p.samplesPerCase > INPUT_LIMITS.maxSamplesPerCase) {
    return `${p.samplesFrom} may give a case ${n(p.samplesPerCase)} samples; a results document holds at most ${n(INPUT_LIMITS.maxSamplesPerCase)} per case`;
  }
  const samples = p.cases * p.samplesPerCase;
  if (samples > INPUT_LIMITS.maxSamplesPerDocument) {
    return `${n(p.cases)} cases x ${p.samplesFrom} may take ${n(samples)} samples; a results document holds at most ${n(INPUT_LIMITS.maxSamplesPerDocument)} (lower the samples or run fewer cases)`;
  }
  if (runs > RUN_LIMITS.repeat.max) return `${n(runs)} runs per case; a results document keeps at most ${n(RUN_LIMITS.repeat.max)}`;
  const bytes = p.cases * INPUT_LIMITS.caseBytes + (samples + p.cases * runs) * INPUT_LIMITS.sampleBytes;
  if (bytes > MAX_RESULTS_BYTES) {
    return `${n(p.cases)} cases x ${p.samplesFrom} may make a results document of ${fmtMemory(bytes)}; readers take at most ${fmtMemory(MAX_RESULTS_BYTES)} (lower the samples, --repeat, or run fewer cases)`;
  }
  return undefined;
}

/**
 * One case measured in several runs (a gate baseline merged from K runs, `run --repeat`): one
 * case pooling the samples and keeping each run's median (`runMedians`), so that compare can
 * test a new run against the run-to-run spread.
 */
import { medianOf } from '../stats/bootstrap.js';
import { summarize } from '../stats/summary.js';
import type { CaseResult } from './schema.js';

/** One case measured in several runs → one case pooling the samples and keeping each run's median. */
export function mergeCase(runs: CaseResult[], what = 'baseline merged'): CaseResult {
  const first = runs[0]!;
  // Whole ops/s are plenty (figures are 1e5..1e8) and halve the committed file.
  const samples = runs.flatMap((r) => r.samples.map((x) => Math.round(x)));
  const stats = summarize(samples);
  const runMedians = runs.flatMap((r) => (r.runMedians?.length ? r.runMedians : r.samples.length ? [medianOf(r.samples)] : []));
  const failed = runs.find((r) => r.status === 'failed');
  const notes = [...(first.notes ?? []).filter((n) => !n.startsWith(what)), `${what} from ${runMedians.length} runs`];
  // Counters, breakdown, latency and verification are per-run figures: the first run's stand for all.
  const merged: CaseResult = {
    ...first,
    samples,
    stats,
    opsPerSec: stats.median,
    opsPerSecPerThread: stats.median / first.threads,
    bytesPerSec: stats.median * first.valueSize,
    status: failed ? 'failed' : first.status,
    notes,
    runMedians,
  };
  if (failed?.error) merged.error = failed.error;
  // Speedups were computed per run; drop them rather than keep one run's figure on pooled samples.
  delete merged.speedup;
  return merged;
}

/**
 * What a comparison could not check. A gate over nothing, over a partial run, or that skipped
 * baseline cases has not shown that nothing regressed: `writeprof compare` then exits 2
 * ("could not check"), never 0. Kept apart from compare.ts, which decides the verdicts.
 */
import type { ComparisonReport } from './compare.js';

function list(ids: readonly string[]): string {
  return ids.length <= 3 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`;
}

/** Why the comparison does not cover the baseline; empty when it does. */
export function uncoveredReasons(report: ComparisonReport, confirmationPartial = false): string[] {
  const out: string[] = [];
  if (report.cases.length === 0) out.push('no case of the current run matches a baseline case (nothing was compared)');
  if (report.current.partial) out.push('the current run is partial (interrupted): cases it did not reach were not compared');
  if (confirmationPartial) out.push('the confirmation run is partial (interrupted)');
  if (report.cases.length > 0 && report.onlyInBaseline.length > 0) {
    out.push(`${report.onlyInBaseline.length} baseline case(s) missing from the current run: ${list(report.onlyInBaseline)}`);
  }
  const baselineFailed = report.cases.filter((c) => c.baselineFailed && !c.currentFailed).map((c) => c.id);
  if (baselineFailed.length) out.push(`${baselineFailed.length} case(s) failed in the baseline, so there is nothing to compare against: ${list(baselineFailed)}`);
  return out;
}

import { studentTTwoSided } from './studentt.js';

/** Fewest baseline runs for a run-level test (2 degrees of freedom). */
export const MIN_RUNS = 3;

export interface RunLevelTest {
  /** two-sided p that the current run(s) come from the baseline's run-to-run distribution */
  p: number;
  /** runs on each side */
  kBaseline: number;
  kCurrent: number;
  /** standard deviation of the baseline's log run medians, in percent (≈ relative SD) */
  spreadPct: number;
}

function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const ss = xs.reduce((s, x) => s + (x - mean) ** 2, 0);
  return { mean, sd: xs.length > 1 ? Math.sqrt(ss / (xs.length - 1)) : 0 };
}

/**
 * The run, not the sample, is the unit of replication between two measurements: samples of one
 * process share its memory layout, clocks and neighbours, so a sample-level test calls a 3%
 * run-to-run shift "significant". This tests the run medians on a log scale (ratios):
 *  - one current run: Student-t prediction interval for a new run from the baseline's K runs,
 *    t = (y - mean) / (s * sqrt(1 + 1/K)), df = K - 1;
 *  - several current runs: pooled two-sample t test, df = K1 + K2 - 2.
 * Null when the baseline has fewer than MIN_RUNS runs (no run-to-run variance to test against).
 */
export function runLevelTest(baselineRunMedians: readonly number[], current: readonly number[]): RunLevelTest | null {
  const b = baselineRunMedians.filter((x) => x > 0).map(Math.log);
  const c = current.filter((x) => x > 0).map(Math.log);
  if (b.length < MIN_RUNS || c.length === 0) return null;
  const kb = b.length;
  const kc = c.length;
  const B = meanSd(b);
  const C = meanSd(c);
  let se: number;
  let df: number;
  if (kc === 1) {
    se = B.sd * Math.sqrt(1 + 1 / kb);
    df = kb - 1;
  } else {
    const pooled = ((kb - 1) * B.sd ** 2 + (kc - 1) * C.sd ** 2) / (kb + kc - 2);
    se = Math.sqrt(pooled * (1 / kb + 1 / kc));
    df = kb + kc - 2;
  }
  const diff = C.mean - B.mean;
  const p = se > 0 ? studentTTwoSided(diff / se, df) : diff === 0 ? 1 : 0;
  return { p, kBaseline: kb, kCurrent: kc, spreadPct: B.sd * 100 };
}

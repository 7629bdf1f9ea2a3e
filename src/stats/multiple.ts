/**
 * Holm–Bonferroni step-down adjustment: controls the family-wise error rate at alpha across
 * all p-values of one comparison (a gate over 35 cases at 0.01 each would otherwise cry wolf
 * about a third of the time from noise alone). Uniformly more powerful than plain Bonferroni.
 * NaN p-values (no test possible) are passed through and do not count towards the family size.
 */
export function holmAdjust(ps: readonly number[]): number[] {
  const idx = ps.map((p, i) => [p, i] as const).filter(([p]) => Number.isFinite(p));
  idx.sort((a, b) => a[0] - b[0]);
  const m = idx.length;
  const out = ps.map(() => NaN);
  let running = 0;
  idx.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}

import { appendFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CheckFailed, UsageError, invalid } from '../errors.js';
import { readMeasured } from '../results/file.js';
import { compareDocuments, confirmRegressions, DEFAULT_ALPHA, DEFAULT_THRESHOLD, type ComparisonReport } from '../gates/compare.js';
import { COMPARE_FORMATS, renderComparison, renderMarkdown, type CompareFormat } from '../gates/compare-render.js';
import { anyEmulated, checkEmulated, EMULATED_REFUSAL, renderEmulatedCheck } from '../gates/emulated.js';
import { uncoveredReasons } from '../gates/coverage.js';
import { comparePaired, isPairedRun } from '../gates/paired.js';
import { compareBound, GPU_MODEL_HELP, parseGpuModel } from './gpu-model.js';

interface CompareFlags {
  threshold: string;
  alpha: string;
  format: string;
  allowEnvMismatch?: boolean;
  confirm?: string;
  gpuModel?: string;
}

/** A number strictly inside (lo, hi); anything else is one UsageError line. */
export function openInterval(field: string, raw: string, lo: number, hi: number): number {
  const v = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(v) || v <= lo || v >= hi) throw invalid(field, raw, `a number in (${lo}, ${hi})`);
  return v;
}

export function register(program: Command): void {
  program
    .command('compare')
    .description('Compare two results documents case by case; exit 1 on a significant slowdown beyond the threshold')
    .argument('<baseline>', 'baseline results JSON (e.g. reports/baselines/cpu-node-2core.json)')
    .argument('<current>', 'current results JSON')
    .option('--threshold <percent>', 'a regression is slower than this percent of the baseline median', String(DEFAULT_THRESHOLD))
    .option('--alpha <level>', 'significance level of the Mann–Whitney U test', String(DEFAULT_ALPHA))
    .option('--format <format>', `output format: ${COMPARE_FORMATS.join('|')}`, 'table')
    .option('--allow-env-mismatch', 'compare documents from different backends or devices')
    .option('--confirm <results.json>', 'a re-run of current: a regression must reproduce against the baseline in both')
    .option('--gpu-model <name>', `${GPU_MODEL_HELP}; the GPU side's measured rates beside it, counts from either side`)
    .action((baselinePath: string, currentPath: string, flags: CompareFlags) => {
      const threshold = openInterval('--threshold', flags.threshold, 0, 100);
      const alpha = openInterval('--alpha', flags.alpha, 0, 1);
      if (!(COMPARE_FORMATS as readonly string[]).includes(flags.format)) throw invalid('--format', flags.format, COMPARE_FORMATS.join(', '));
      const format = flags.format as CompareFormat;

      const baseline = readMeasured(baselinePath, 'baseline');
      const current = readMeasured(currentPath, 'current');
      if (flags.gpuModel !== undefined) process.stdout.write(compareBound(baseline, current, parseGpuModel(flags.gpuModel), format));
      if (anyEmulated(baseline, current)) {
        const check = checkEmulated(baseline, current, [baselinePath, currentPath]);
        process.stdout.write(renderEmulatedCheck(check));
        if (check.failed.length) throw new CheckFailed(`${check.failed.length} current case(s) lost or corrupted writes or did not run: ${check.failed.join(', ')}`);
        throw new UsageError(`compare: ${EMULATED_REFUSAL}; no speed verdict (no lost writes in ${check.rows.length} current cases)`);
      }
      const opts = { threshold, alpha, allowEnvMismatch: flags.allowEnvMismatch === true };
      // The two sides of one `writeprof ab` run are compared round by round (src/gates/paired.ts).
      const paired = isPairedRun(baseline, current);
      if (paired && flags.confirm !== undefined) {
        throw new UsageError('--confirm: these are the two sides of one `writeprof ab` run, already compared round by round; for a tighter interval run ab with more --rounds');
      }
      let report = paired ? comparePaired(baseline, current, { threshold }) : compareDocuments(baseline, current, opts);
      let confirmationPartial = false;
      if (flags.confirm !== undefined) {
        const again = readMeasured(flags.confirm, '--confirm');
        confirmationPartial = again.partial === true;
        report = confirmRegressions(report, compareDocuments(baseline, again, opts));
      }
      emitComparison(report, format, uncoveredReasons(report, confirmationPartial));
    });
}

/**
 * Prints a comparison (compare, ab), appends its markdown to GITHUB_STEP_SUMMARY, and sets the exit:
 * 1 on a failed gate; else 2 when the comparison did not cover everything (`uncovered`): not
 * checked is not passed.
 */
export function emitComparison(report: ComparisonReport, format: CompareFormat, uncovered: readonly string[] = []): void {
  const color = format === 'table' && process.stdout.isTTY === true && !process.env['NO_COLOR'];
  process.stdout.write(renderComparison(report, format, color));

  const summaryPath = process.env['GITHUB_STEP_SUMMARY'];
  if (summaryPath) {
    try {
      appendFileSync(summaryPath, renderMarkdown(report) + '\n');
    } catch (err) {
      throw new UsageError(`GITHUB_STEP_SUMMARY: cannot append to ${summaryPath} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  if (report.failedGate) process.exitCode = 1;
  else if (uncovered.length) throw new UsageError(`compare could not check everything: ${uncovered.join('; ')}`);
}

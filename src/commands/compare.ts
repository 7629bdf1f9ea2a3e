import type { Command } from 'commander';
import { CheckFailed, UsageError, invalid } from '../errors.js';
import { readMeasured } from '../results/file.js';
import { printable } from '../io/sanitize.js';
import { compareDocuments, confirmRegressions, DEFAULT_ALPHA, DEFAULT_THRESHOLD, SEPARATE_RUNS_FACTOR, type ComparisonReport } from '../gates/compare.js';
import { COMPARE_FORMATS, renderComparison, type CompareFormat, type CompareRenderOptions } from '../gates/compare-render.js';
import { anyEmulated, checkEmulated, EMULATED_REFUSAL, renderEmulatedCheck } from '../gates/emulated.js';
import { comparePaired, isPairedRun } from '../gates/paired.js';
import { compareBound, GPU_MODEL_HELP, parseGpuModel } from './gpu-model.js';
import { decideGate, type GateDecision } from '../gates/verdict.js';
import { inputFile, type InputFile } from '../io/target.js';
import { appendStepSummary, colorOn, emit, helpAfter, outputWidth, pickFormat } from './output.js';

interface CompareFlags {
  threshold: string;
  alpha: string;
  format?: string;
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

const HELP = `
Verdict (printed first; the markdown and the JSON say the same):
  PASS          every baseline case compared, each unchanged or faster          exit 0
  REGRESSION    a case slower than the threshold (significant), or a current
                case that lost, left stale or corrupted writes               exit 1
  INCONCLUSIVE  an undecided case, or the comparison did not cover the
                baseline (no case in common, a partial run, missing cases);
                it names the undecided cases and the command that decides them exit 2

Separate runs: two results of separate \`writeprof run\`s carry no estimate of the drift
  between them, and on a shared machine a case's median moved by -52% to +108% between runs
  of the same code (up to 12x under load). So between separate runs only a change beyond
  ${SEPARATE_RUNS_FACTOR}x is told from drift; every other case is inconclusive. What decides:
  \`writeprof ab\` (both builds interleaved in one job), or \`writeprof run --repeat 3\` on both
  sides (the run-to-run spread is then measured), or a baseline merged from several runs.

Examples:
  writeprof compare reports/base.json reports/head.json
  writeprof compare base.json head.json --threshold 8 -f markdown -o compare.md
  writeprof compare reports/gate-ab/base.json reports/gate-ab/head.json   # an ab run's sides
  writeprof compare baseline.json run1.json --confirm run2.json           # merged baseline
`;

interface CompareCommandFlags extends CompareFlags {
  output?: string;
  verbose?: boolean;
  force?: boolean;
}

export function register(program: Command): void {
  program
    .command('compare')
    .description('Compare two results documents case by case: PASS, REGRESSION (exit 1) or INCONCLUSIVE (exit 2)')
    .argument('<baseline>', 'baseline results JSON')
    .argument('<current>', 'current results JSON')
    .option('--threshold <percent>', 'a regression is slower than this percent of the baseline median', String(DEFAULT_THRESHOLD))
    .option('--alpha <level>', 'significance level of the tests (Holm-adjusted across cases)', String(DEFAULT_ALPHA))
    .option('-f, --format <format>', `${COMPARE_FORMATS.join('|')} (default table, or what --output's extension says)`)
    .option('-o, --output <file>', 'write the comparison there (.json, .md, else --format); stdout still shows the table')
    .option('-v, --verbose', 'every undecided case\'s reason, and the p and n columns')
    .option('--allow-env-mismatch', 'compare documents from different backends or devices')
    .option('--confirm <results.json>', 'a re-run of current: a regression must reproduce against the baseline in both')
    .option('--gpu-model <name>', `${GPU_MODEL_HELP}; the GPU side's measured rates beside it, counts from either side`)
    .option('--force', 'allow --output to overwrite a file under reports/baselines/')
    .addHelpText('after', helpAfter(HELP))
    .action(async (baselinePath: string, currentPath: string, flags: CompareCommandFlags) => {
      const threshold = openInterval('--threshold', flags.threshold, 0, 100);
      const alpha = openInterval('--alpha', flags.alpha, 0, 1);
      const format = pickFormat(COMPARE_FORMATS, flags.format, flags.output, 'table');

      const baseline = readMeasured(baselinePath, 'baseline');
      const current = readMeasured(currentPath, 'current');
      if (flags.gpuModel !== undefined) process.stdout.write(compareBound(baseline, current, parseGpuModel(flags.gpuModel), format, outputWidth()));
      if (anyEmulated(baseline, current)) {
        const check = checkEmulated(baseline, current, [baselinePath, currentPath]);
        process.stdout.write(renderEmulatedCheck(check, outputWidth()));
        if (check.failed.length) throw new CheckFailed(`${check.failed.length} current case(s) lost, held stale or corrupted writes or did not run: ${check.failed.join(', ')}`);
        throw new UsageError(`compare: ${EMULATED_REFUSAL}; no speed verdict (no lost writes in ${check.rows.length} current cases)`);
      }
      const opts = { threshold, alpha, allowEnvMismatch: flags.allowEnvMismatch === true };
      // The two sides of one \`writeprof ab\` run are compared round by round (src/gates/paired.ts).
      const paired = isPairedRun(baseline, current);
      if (paired && flags.confirm !== undefined) {
        throw new UsageError('--confirm: these are the two sides of one `writeprof ab` run, already compared round by round; for a tighter interval run ab with more --rounds');
      }
      const inputs = [baselinePath, currentPath, ...(flags.confirm !== undefined ? [flags.confirm] : [])].map(inputFile);
      let report = paired ? comparePaired(baseline, current, { threshold }) : compareDocuments(baseline, current, opts);
      if (flags.confirm !== undefined) report = confirmRegressions(report, compareDocuments(baseline, readMeasured(flags.confirm, '--confirm'), opts));
      const d = await emitComparison(report, { format, verbose: flags.verbose === true, ...(flags.output !== undefined ? { output: flags.output } : {}), force: flags.force === true, inputs });
      if (d.verdict === 'INCONCLUSIVE') throw inconclusive(d);
    });
}

export interface EmitComparison {
  format: CompareFormat;
  verbose?: boolean;
  /** -o: the comparison in --format goes there; stdout shows the table */
  output?: string;
  force?: boolean;
  inputs?: readonly InputFile[];
}

/**
 * Prints a comparison (compare, ab), writes it to -o, appends its markdown to
 * GITHUB_STEP_SUMMARY, and exits with its verdict's code: 0 PASS, 1 REGRESSION, 2 INCONCLUSIVE.
 */
export async function emitComparison(report: ComparisonReport, o: EmitComparison): Promise<GateDecision> {
  await emitGate((format, ro) => renderComparison(report, format, ro), o);
  const d = decideGate(report);
  process.exitCode = d.exitCode;
  return d;
}

/**
 * Prints a gate's output rendered in -f's format (stdout: the table when -o takes the format),
 * writes it to -o, and appends its markdown to GITHUB_STEP_SUMMARY.
 */
export async function emitGate(render: (format: CompareFormat, o: CompareRenderOptions) => string, o: EmitComparison): Promise<void> {
  const width = outputWidth();
  const toFile = o.output !== undefined && o.output !== '-';
  const text = render(o.format, { color: !toFile && o.format === 'table' && colorOn(), width, verbose: o.verbose === true });
  if (o.output !== undefined) await emit(text, { output: o.output, force: o.force ?? false, inputs: o.inputs ?? [] });
  if (toFile || o.output === undefined) {
    // stdout: the table, unless stdout itself received the format asked for
    process.stdout.write(toFile ? render('table', { color: colorOn(), width, verbose: o.verbose === true }) : text);
  }
  appendStepSummary(render('markdown', {}), o.inputs ?? []);
}

/** An INCONCLUSIVE verdict exits 2 like every check that could not be made, with its one line on stderr. */
export function inconclusive(d: GateDecision): UsageError {
  const why = d.uncovered.length ? `compare could not check everything: ${d.uncovered.join('; ')}` : `${d.undecided.length} case(s) undecided`;
  return new UsageError(`${why}${d.decideWith ? `; decide with: ${d.decideWith}` : ''}`);
}

/**
 * `writeprof ab`: a profile on two builds of the CPU backend, interleaved round by round in one
 * process (src/ab/interleave.ts), then the paired gate (src/gates/paired.ts). Writes one results
 * document per side (renderable by `report`; `compare base.json head.json` redoes the paired
 * analysis) and the analysis itself (ab.json).
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { cpuBackendOn, loadBuild } from '../ab/addon.js';
import { buildWorkingTree, planBuild, type Build } from '../ab/builds.js';
import { runInterleaved, type Side } from '../ab/interleave.js';
import { installInterruptGuard } from '../engine/interrupt.js';
import { captureEnvironment } from '../results/environment.js';
import { Interrupted, UsageError, invalid } from '../errors.js';
import { helpAfter, pickFormat } from './output.js';
import { COMPARE_FORMATS } from '../gates/compare-render.js';
import { comparisonDocument } from '../gates/documents.js';
import { DEFAULT_THRESHOLD } from '../gates/compare.js';
import { comparePaired } from '../gates/paired.js';
import { budgetLimits, checkCases } from '../profile/geometry.js';
import { DEFAULTS, RUN_LIMITS } from '../limits.js';
import { parseRunFlags, type RawRunOptions } from './run-settings.js';
import { DEFAULT_PROFILE, loadProfile, resolveProfile } from '../profile/load.js';
import { documentBoundProblem } from '../results/bounds.js';
import { printable } from '../io/sanitize.js';
import { inputFile } from '../io/target.js';
import { applyOverrides, expandCases } from '../profile/plan.js';
import { count, parseNumber } from '../profile/values.js';
import { buildDocument } from '../results/document.js';
import type { CaseResult, ResultsDocument } from '../results/schema.js';
import { checkWritable, writeFileAtomic } from '../io/write.js';
import { writeResultsAtomic } from '../results/file.js';
import { MIN_ROUNDS } from '../stats/paired.js';
import { attachSpeedups } from '../results/metrics.js';
import { axisOptions } from './axis-options.js';
import { emitComparison, inconclusive, openInterval } from './compare.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_ROUNDS = 30;
export const DEFAULT_SAMPLES_PER_ROUND = 6;

interface AbFlags extends Pick<RawRunOptions, 'profile' | 'mode' | 'strategy' | 'valueSize' | 'batchSize' | 'threads' | 'keyDist' | 'updateShare' | 'loadFactor' | 'keys' | 'seed'> {
  base?: string;
  head?: string;
  rounds: string;
  samplesPerRound: string;
  warmup: string;
  threshold: string;
  calibrateSlowdown?: string;
  format?: string;
  output?: string;
  verbose?: boolean;
  outputDir?: string;
  cacheDir?: string;
  quiet?: boolean;
}

const AB_HELP = `
How it measures:
  Both builds are loaded into this one process. Each round visits every case: it opens the case
  on both builds (fresh memory each round), runs --warmup samples per build, then
  --samples-per-round samples per build alternating A B B A ..., with the build that goes first
  alternating between rounds (randomly started). Load from neighbours hits both builds alike and
  cancels in the per-round ratio head/base.

Per case (the median of the per-round ratios head/base and its 95% order-statistic interval):
  slower        the whole interval below -threshold     (a regression)
  faster        the whole interval above +threshold
  unchanged     the whole interval within ±threshold
  inconclusive  the interval reaches across ±threshold (more --rounds narrow it)
The verdict, printed first: PASS (every case unchanged or faster, exit 0), REGRESSION (a case
  slower, or a head case that lost writes, exit 1) or INCONCLUSIVE (a case undecided, exit 2,
  with the ab command that decides it: the undecided cases, twice the rounds).

Builds:
  --base takes a git ref (built once per commit, CPU only, into --cache-dir) or a built addon: a
  path ending in .node (anything else is taken as a ref). The head is, by default, this
  checkout's native sources as they are on disk, built CPU-only the same way (cached by a hash of
  the sources): both sides built alike, since code layout alone can move a case by 20%. --head
  takes a ref or a built addon instead. Only the native addon differs between the sides: both run
  this checkout's TypeScript harness.

Output:
  --output-dir (default reports/ab-<timestamp>/) receives base.json and head.json (results
  documents: \`writeprof report\` renders either, \`writeprof compare base.json head.json\` redoes
  this analysis) and ab.json (the analysis). The markdown table is appended to
  GITHUB_STEP_SUMMARY when that is set.

Exit codes: 0 PASS; 1 REGRESSION (a case slower, or a head case that lost, held stale or
  corrupted writes); 2 INCONCLUSIVE, or bad input (a base that cannot be found, built, or run);
  130/143 interrupted (finished rounds written, partial).

Examples:
  writeprof ab --base main                          # this checkout against main, quick profile
  writeprof ab --base HEAD~1 --mode batch --strategy lock-free --rounds 60
  writeprof ab --base main -f markdown -o ab.md     # the comparison as markdown too
`;

function defaultOutputDir(at: Date): string {
  return join('reports', `ab-${at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-')}`);
}

function progress(quiet: boolean): { update(done: number, total: number, id: string, round: number, rounds: number): void; stop(): void } {
  if (quiet) return { update() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: ' {bar} round {round}/{rounds} | {case}', hideCursor: true, clearOnComplete: true, barsize: 24, fps: 5 },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, id, round, rounds) {
        if (!started) bar.start(total, 0, { round: 1, rounds, case: '' });
        started = true;
        bar.update(done, { round: round + 1, rounds, case: id });
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  // CI logs: one line per finished round.
  const t0 = Date.now();
  return {
    update(done, total, _id, round, rounds) {
      if (done % (total / rounds) === 0) process.stderr.write(`ab: round ${round + 1}/${rounds} done (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
    },
    stop() {},
  };
}

export async function abCommand(flags: AbFlags): Promise<void> {
  if (flags.base === undefined) throw new UsageError('--base: required; allowed: a git ref (e.g. main, HEAD~1) or a built addon path');
  const settings = parseRunFlags({ ...flags, backend: 'cpu' });
  const rounds = count('--rounds', flags.rounds, { min: MIN_ROUNDS, max: 100000 });
  const samplesPerRound = count('--samples-per-round', flags.samplesPerRound, { min: 1, max: 100000 });
  const warmup = parseNumber('--warmup', flags.warmup, RUN_LIMITS.warmup);
  const threshold = openInterval('--threshold', flags.threshold, 0, 100);
  const slowdown = flags.calibrateSlowdown === undefined ? 0 : parseNumber('--calibrate-slowdown', flags.calibrateSlowdown, RUN_LIMITS.calibrateSlowdown);
  const format = pickFormat(COMPARE_FORMATS, flags.format, flags.output, 'table');

  const profile = applyOverrides(loadProfile(settings.profile), settings.overrides);
  const specs = expandCases(profile.suites);
  // Two builds hold a case open at once: each gets half the host's budget.
  checkCases(specs, budgetLimits('host', os.totalmem(), 2));
  // Each side is a results document: never measure what no command could read back.
  const bound = documentBoundProblem({ cases: specs.length, samplesPerCase: rounds * samplesPerRound, samplesFrom: `--rounds ${rounds} x --samples-per-round ${samplesPerRound}` });
  if (bound) throw new UsageError(bound);

  const startedAt = new Date();
  const outDir = flags.outputDir ?? defaultOutputDir(startedAt);
  if (outDir.trim() === '') throw invalid('--output-dir', outDir, 'a folder path');
  const paths = { base: join(outDir, 'base.json'), head: join(outDir, 'head.json'), analysis: join(outDir, 'ab.json') };

  // Notes are one line each, whatever the paths and refs in them hold.
  const note = (line: string): void => {
    if (!flags.quiet) process.stderr.write(`${printable(line)}\n`);
  };
  const ctx = { root: ROOT, cacheDir: flags.cacheDir ?? join(ROOT, 'out', 'ab-builds'), log: note };
  // Both specs are checked before either build starts.
  const headPlan = flags.head !== undefined ? planBuild(flags.head, ctx, '--head') : () => buildWorkingTree(ctx, '--head');
  const basePlan = planBuild(flags.base, ctx, '--base');
  // What ab reads (the profile, an addon given by path) is never one of its outputs.
  const inputs = [inputFile(resolveProfile(settings.profile ?? DEFAULT_PROFILE)), ...[flags.base, flags.head].flatMap((b) => (b?.endsWith('.node') ? [inputFile(b)] : []))];
  for (const p of Object.values(paths)) checkWritable(p, { field: '--output-dir', inputs });
  const head: Build = await headPlan();
  const base = await basePlan();
  const addons = { head: loadBuild(head, '--head'), base: loadBuild(base, '--base') };
  if (realpathSync(head.addonPath) === realpathSync(base.addonPath)) note('ab: base and head are the same file: an A/A run of one loaded copy');
  const backends: Record<Side, ReturnType<typeof cpuBackendOn>> = { head: cpuBackendOn(addons.head), base: cpuBackendOn(addons.base) };
  const status = backends.head.status();

  // Before the first line a script can react to: a signal after it is the guard's, never Node's default exit.
  const guard = installInterruptGuard();
  note(`ab: base ${base.label}`);
  note(`ab: head ${head.label}`);
  note(`ab: profile ${profile.name} (${profile.source}), ${specs.length} cases x ${rounds} rounds x ${samplesPerRound} samples per build${slowdown ? `; head slowed by ${slowdown}% (calibration)` : ''}`);

  const bar = progress(flags.quiet === true);
  const id = `${startedAt.toISOString()}-${randomBytes(4).toString('hex')}`;
  let outcome;
  try {
    outcome = await runInterleaved(specs, backends, {
      rounds,
      samplesPerRound,
      warmup,
      countConflicts: true,
      seed: settings.seed,
      headSlowdownPercent: slowdown,
      signal: guard.signal,
      onProgress: (done, total, spec, round) => bar.update(done, total, spec.id, round, rounds),
    });
  } finally {
    bar.stop();
  }
  const environment = captureEnvironment(status);
  const measurement = { warmup, minSamples: rounds * samplesPerRound, maxSamples: rounds * samplesPerRound, minTime: 0, maxTime: 0, maxNoise: 0 };
  const order = 'sides alternate A B B A within a round; the side first alternates by round, randomly started';
  const doc = (side: Side, cases: CaseResult[], build: Build): ResultsDocument => {
    attachSpeedups(cases, settings.seed);
    return {
      ...buildDocument({ environment, profile: { name: profile.name, source: profile.source, measurement }, cases, partial: outcome.aborted, createdAt: startedAt }),
      pairing: { id, side, build: build.label, rounds: outcome.rounds, samplesPerRound, order },
    };
  };
  const baseDoc = doc('base', outcome.base, base);
  const headDoc = doc('head', outcome.head, head);
  const report = comparePaired(baseDoc, headDoc, { threshold });
  // An interrupted run's analysis says so at its top, as its results documents do.
  const analysis = comparisonDocument(report, outcome.aborted ? { partial: true, roundsAsked: rounds } : {});
  try {
    writeResultsAtomic(paths.base, baseDoc, { inputs, field: '--output-dir' });
    writeResultsAtomic(paths.head, headDoc, { inputs, field: '--output-dir' });
    writeFileAtomic(paths.analysis, JSON.stringify(analysis, null, 2) + '\n', { inputs, field: '--output-dir' });
  } finally {
    if (guard.exitCode === undefined) guard.dispose();
  }
  note(`ab: results ${paths.base}, ${paths.head}, ${paths.analysis}`);
  if (guard.exitCode !== undefined) {
    throw new Interrupted(guard.exitCode, `interrupted by ${guard.signalName}: wrote ${outcome.rounds} of ${rounds} rounds (partial) to ${outDir}`);
  }

  const d = await emitComparison(report, { format, verbose: flags.verbose === true, ...(flags.output !== undefined ? { output: flags.output } : {}), inputs });
  // A gate that compared nothing has not passed: a base that cannot run the cases is bad input.
  const compared = report.cases.filter((c) => !c.baselineFailed);
  if (compared.length === 0 && d.verdict !== 'REGRESSION') {
    const why = outcome.base.find((c) => c.error)?.error ?? 'no case was measured';
    throw new UsageError(`--base: the base build ran none of the ${specs.length} cases (${why})`);
  }
  if (d.verdict === 'INCONCLUSIVE') throw inconclusive(d);
}

export function register(program: Command): void {
  axisOptions(
    program
      .command('ab')
      .description('A/B gate: a profile on two builds (this checkout vs --base), interleaved in one job: PASS, REGRESSION (exit 1) or INCONCLUSIVE (exit 2)')
      .option('--base <ref|path>', 'the build to compare against: a git ref (built and cached) or a built addon path')
      .option('--head <ref|path>', 'the build under test (default: this checkout\'s native sources, built CPU-only and cached)')
      .option('-p, --profile <file|name>', 'profile file, or a name in profiles/', 'quick'),
  )
    .option('--rounds <n>', `rounds per case (at least ${MIN_ROUNDS})`, String(DEFAULT_ROUNDS))
    .option('--samples-per-round <n>', 'measured samples per build in each round', String(DEFAULT_SAMPLES_PER_ROUND))
    .option('--warmup <n>', 'discarded samples per build after each opening', '1')
    .option('--threshold <percent>', 'a regression is slower than this percent, with the whole 95% interval beyond it', String(DEFAULT_THRESHOLD))
    .option('--seed <n>', 'seed of the key streams and of the round order', String(DEFAULTS.seed))
    .option('--calibrate-slowdown <percent>', 'calibration: a spin per write of this percent of the per-write time, on the head only')
    .option('-f, --format <format>', `${COMPARE_FORMATS.join('|')} (default table, or what --output's extension says)`)
    .option('-o, --output <file>', 'also write the comparison there (.json, .md, else --format); stdout shows the table')
    .option('-v, --verbose', 'every undecided case\'s reason, and the p and rounds columns')
    .option('--output-dir <dir>', 'where base.json, head.json and ab.json go (default reports/ab-<timestamp>)')
    .option('--cache-dir <dir>', 'where builds of refs and of this checkout are cached (default out/ab-builds)')
    .option('-q, --quiet', 'no progress and no notes on stderr')
    .addHelpText('after', helpAfter(AB_HELP))
    .action(async (flags: AbFlags) => abCommand(flags));
}

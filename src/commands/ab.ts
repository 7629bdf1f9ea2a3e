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
import { COMPARE_FORMATS, type CompareFormat } from '../gates/compare-render.js';
import { comparisonDocument } from '../gates/documents.js';
import { DEFAULT_THRESHOLD } from '../gates/compare.js';
import { comparePaired } from '../gates/paired.js';
import { budgetLimits, checkCases } from '../profile/geometry.js';
import { DEFAULTS, RUN_LIMITS } from '../limits.js';
import { parseRunFlags, type RawRunOptions, type RunSettings } from './run-settings.js';
import { DEFAULT_PROFILE, loadProfile, resolveProfile } from '../profile/load.js';
import { documentBoundProblem } from '../results/bounds.js';
import { printable } from '../io/sanitize.js';
import { inputFile, type InputFile } from '../io/target.js';
import { applyOverrides, expandCases } from '../profile/plan.js';
import { count, parseNumber } from '../profile/values.js';
import { buildDocument } from '../results/document.js';
import type { CaseResult, ResultsDocument, StrategyFileRecord } from '../results/schema.js';
import { checkWritable, writeFileAtomic } from '../io/write.js';
import { writeResultsAtomic } from '../results/file.js';
import { MIN_ROUNDS } from '../stats/paired.js';
import { attachSpeedups } from '../results/metrics.js';
import { axisOptions } from './axis-options.js';
import type { Backend } from '../backends/backend.js';
import type { CaseSpec } from '../model.js';
import type { Profile } from '../profile/types.js';
import { collect } from './run-strategy-files.js';
import { abStrategyFileCommand } from './ab-strategy-file.js';
import { DEFAULT_COUNT_THRESHOLD } from '../gates/counts.js';
import { emitComparison, inconclusive, openInterval } from './compare.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_ROUNDS = 30;
export const DEFAULT_SAMPLES_PER_ROUND = 6;

export interface AbFlags extends Pick<RawRunOptions, 'profile' | 'mode' | 'strategy' | 'valueSize' | 'batchSize' | 'threads' | 'keyDist' | 'updateShare' | 'loadFactor' | 'keys' | 'seed'> {
  base?: string;
  head?: string;
  rounds: string;
  samplesPerRound: string;
  warmup: string;
  /** default: DEFAULT_THRESHOLD for times, DEFAULT_COUNT_THRESHOLD for counts */
  threshold?: string;
  /** repeatable only to be refused: ab compares two versions of one file */
  strategyFile?: string[];
  backend?: string;
  emuSeeds?: string;
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

A strategy file (--strategy-file F --base <ref|other.cu>, --head other.cu optional):
  Two versions of one strategy file; writeprof's own build is this checkout's on both sides, and
  only the file's cases run (the profile's strategy axis becomes the file's strategy). --base is
  the other version's .cu path, or a git ref: F as that commit holds it (its quoted includes are
  found in F's directory as it is on disk). The head is F as it is on disk unless --head names
  another .cu file. Both versions run under the head's strategy name.
  On cuda-emu (the default without a GPU) times are not compared: emulated times are not
  performance figures. Each case is counted once per --emu-seeds seed on each version (the
  memory-traffic pass: global-memory requests and 32-byte sectors per write, and verification):
  per case, head/base of sectors and of requests per write, summed over the seeds:
  more          beyond +threshold (default ${DEFAULT_COUNT_THRESHOLD}%; a regression)
  fewer         beyond -threshold
  unchanged     within ±threshold (an identical version: 0.0%)
  not gated     a concurrent case of 2+ threads (its host threads race: counts vary run to run)
  REGRESSION (exit 1): a case with more, or a head case that lost, held stale or corrupted
  writes; else PASS (exit 0). A base that fails a case is bad input (exit 2). ab.json in
  --output-dir holds every count, per case, seed and version. The conflict counters of the same
  samples are shown, not gated.
  On --backend cuda the gate is the timing gate above over the versions' GPU builds (not made yet).

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
  writeprof ab --strategy-file my_strategy.cu --base main       # my edit of a strategy file
  writeprof ab --strategy-file my_strategy.cu --base old.cu --profile check --emu-seeds 1-5
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

/** The timing gate's flags, checked (ab of builds, and of strategy files on a GPU). */
export interface TimingSettings {
  settings: RunSettings;
  rounds: number;
  samplesPerRound: number;
  warmup: number;
  threshold: number;
  slowdown: number;
  format: CompareFormat;
}

export function parseTimingFlags(flags: AbFlags, backend: 'cpu' | 'cuda' = 'cpu'): TimingSettings {
  return {
    settings: parseRunFlags({ ...flags, backend }),
    rounds: count('--rounds', flags.rounds, { min: MIN_ROUNDS, max: 100000 }),
    samplesPerRound: count('--samples-per-round', flags.samplesPerRound, { min: 1, max: 100000 }),
    warmup: parseNumber('--warmup', flags.warmup, RUN_LIMITS.warmup),
    threshold: openInterval('--threshold', flags.threshold ?? String(DEFAULT_THRESHOLD), 0, 100),
    slowdown: flags.calibrateSlowdown === undefined ? 0 : parseNumber('--calibrate-slowdown', flags.calibrateSlowdown, RUN_LIMITS.calibrateSlowdown),
    format: pickFormat(COMPARE_FORMATS, flags.format, flags.output, 'table'),
  };
}

/** Where ab writes: --output-dir, else reports/ab-<timestamp>/. */
export function abOutputDir(flags: Pick<AbFlags, 'outputDir'>, startedAt: Date): string {
  const outDir = flags.outputDir ?? defaultOutputDir(startedAt);
  if (outDir.trim() === '') throw invalid('--output-dir', outDir, 'a folder path');
  return outDir;
}

/** Notes are one line each on stderr, whatever the paths and refs in them hold. */
export function abNotes(quiet: boolean | undefined): (line: string) => void {
  return (line) => {
    if (!quiet) process.stderr.write(`${printable(line)}\n`);
  };
}

/** What the timing gate measures, where it writes, and how it names the two sides. */
export interface TimingGate extends TimingSettings {
  flags: AbFlags;
  profile: Profile;
  specs: CaseSpec[];
  startedAt: Date;
  outDir: string;
  paths: { base: string; head: string; analysis: string };
  inputs: InputFile[];
  labels: Record<Side, string>;
  note: (line: string) => void;
  /** two versions of a strategy file: what each side's results record of its version */
  strategyFiles?: Record<Side, StrategyFileRecord[]>;
}

export async function abCommand(flags: AbFlags): Promise<void> {
  if (flags.base === undefined) throw new UsageError('--base: required; allowed: a git ref (e.g. main, HEAD~1) or a built addon path');
  if (flags.backend !== undefined && flags.backend !== 'cpu') throw invalid('--backend', flags.backend, 'cpu (ab gates the CPU backend\'s builds; cuda-emu and cuda gate a --strategy-file)');
  if (flags.emuSeeds !== undefined) throw invalid('--emu-seeds', flags.emuSeeds, 'only with --strategy-file on cuda-emu');
  const timing = parseTimingFlags(flags);
  const { settings, rounds, samplesPerRound } = timing;

  const profile = applyOverrides(loadProfile(settings.profile), settings.overrides);
  const specs = expandCases(profile.suites);
  // Two builds hold a case open at once: each gets half the host's budget.
  checkCases(specs, budgetLimits('host', os.totalmem(), 2));
  // Each side is a results document: never measure what no command could read back.
  const bound = documentBoundProblem({ cases: specs.length, samplesPerCase: rounds * samplesPerRound, samplesFrom: `--rounds ${rounds} x --samples-per-round ${samplesPerRound}` });
  if (bound) throw new UsageError(bound);

  const startedAt = new Date();
  const outDir = abOutputDir(flags, startedAt);
  const paths = { base: join(outDir, 'base.json'), head: join(outDir, 'head.json'), analysis: join(outDir, 'ab.json') };

  const note = abNotes(flags.quiet);
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
  const backends: Record<Side, Backend> = { head: cpuBackendOn(addons.head), base: cpuBackendOn(addons.base) };
  await gateTimings(backends, { ...timing, flags, profile, specs, startedAt, outDir, paths, inputs, labels: { base: base.label, head: head.label }, note });
}

/**
 * The timing gate over two sides' backends: the cases interleaved round by round in this process
 * (src/ab/interleave.ts), the paired analysis (src/gates/paired.ts), a results document per side
 * and ab.json, the comparison printed; exits with its verdict.
 */
export async function gateTimings(backends: Record<Side, Backend>, g: TimingGate): Promise<void> {
  const { flags, settings, profile, specs, rounds, samplesPerRound, warmup, threshold, slowdown, format, startedAt, outDir, paths, inputs, note } = g;
  const status = backends.head.status();

  // Before the first line a script can react to: a signal after it is the guard's, never Node's default exit.
  const guard = installInterruptGuard();
  note(`ab: base ${g.labels.base}`);
  note(`ab: head ${g.labels.head}`);
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
  const doc = (side: Side, cases: CaseResult[]): ResultsDocument => {
    attachSpeedups(cases, settings.seed);
    return {
      ...buildDocument({
        environment, profile: { name: profile.name, source: profile.source, measurement }, cases, partial: outcome.aborted, createdAt: startedAt,
        ...(g.strategyFiles ? { strategyFiles: g.strategyFiles[side] } : {}),
      }),
      pairing: { id, side, build: g.labels[side], rounds: outcome.rounds, samplesPerRound, order },
    };
  };
  const baseDoc = doc('base', outcome.base);
  const headDoc = doc('head', outcome.head);
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
      .description('A/B gate: a profile on two builds (this checkout vs --base), or two versions of a --strategy-file, interleaved in one job: PASS, REGRESSION (exit 1) or INCONCLUSIVE (exit 2)')
      .option('--base <ref|path>', 'the build to compare against: a git ref (built and cached) or a built addon path; with --strategy-file, a git ref holding the file or the other version\'s .cu path')
      .option('--head <ref|path>', 'the build under test (default: this checkout\'s native sources, built CPU-only and cached); with --strategy-file, a .cu path (default: the file as it is on disk)')
      .option('--strategy-file <path>', 'gate two versions of this strategy file (.cu) instead of two builds of writeprof: its cases only', collect)
      .option('-b, --backend <name>', 'with --strategy-file: cuda-emu (counts on the emulator; the default without a GPU) or cuda (times on the GPU); without it, cpu only')
      .option('-p, --profile <file|name>', 'profile file, or a name in profiles/', 'quick'),
  )
    .option('--rounds <n>', `rounds per case (at least ${MIN_ROUNDS})`, String(DEFAULT_ROUNDS))
    .option('--samples-per-round <n>', 'measured samples per build in each round', String(DEFAULT_SAMPLES_PER_ROUND))
    .option('--warmup <n>', 'discarded samples per build after each opening', '1')
    .option('--threshold <percent>', `a regression is slower than this percent, with the whole 95% interval beyond it (default ${DEFAULT_THRESHOLD}); with --strategy-file on cuda-emu, more sectors or requests per write than this percent (default ${DEFAULT_COUNT_THRESHOLD})`)
    .option('--emu-seeds <list>', 'with --strategy-file on cuda-emu: emulator seeds each case is counted under, as 1-3 or 1,4,9 (default 1-3)')
    .option('--seed <n>', 'seed of the key streams and of the round order', String(DEFAULTS.seed))
    .option('--calibrate-slowdown <percent>', 'calibration: a spin per write of this percent of the per-write time, on the head only')
    .option('-f, --format <format>', `${COMPARE_FORMATS.join('|')} (default table, or what --output's extension says)`)
    .option('-o, --output <file>', 'also write the comparison there (.json, .md, else --format); stdout shows the table')
    .option('-v, --verbose', 'every undecided case\'s reason, and the p and rounds columns')
    .option('--output-dir <dir>', 'where base.json, head.json and ab.json go (default reports/ab-<timestamp>)')
    .option('--cache-dir <dir>', 'where builds of refs and of this checkout are cached (default out/ab-builds)')
    .option('-q, --quiet', 'no progress and no notes on stderr')
    .addHelpText('after', helpAfter(AB_HELP))
    .action(async (flags: AbFlags, cmd: Command) =>
      flags.strategyFile !== undefined ? abStrategyFileCommand(flags, (name) => cmd.getOptionValueSource(name) === 'cli') : abCommand(flags),
    );
}

import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { helpAfter } from './output.js';
import { CheckFailed, UsageError, invalid } from '../errors.js';
import { BACKENDS } from '../model.js';
import { planDigest, shortDigest, type PlanSettings } from '../profile/digest.js';
import { DEFAULT_PROFILE, PACKAGE_ROOT, displayPath, loadProfile, resolveProfile } from '../profile/load.js';
import { expandCases } from '../profile/plan.js';
import { layoutShards, MAX_SHARDS, type ShardLayout } from '../profile/shard.js';
import type { Profile } from '../profile/types.js';
import { count, parseNumber } from '../profile/values.js';
import { CASE_LIMITS, DEFAULTS } from '../limits.js';
import { defaultResultsPath } from '../results/document.js';
import { writeFileAtomic } from '../io/write.js';
import { readResults } from '../results/file.js';
import { mergeResults, missingShards } from '../results/merge.js';
import { FLEET_FORMAT, fleetPaths, readManifest, writeManifest, type FleetManifest } from '../slurm/fleet.js';
import { parseSlurmSettings, sbatchOptions, type SlurmField, type SlurmSettings } from '../slurm/options.js';
import { checkSbatchPath, mergeScript, shardScript } from '../slurm/scripts.js';
import { sbatch, tasksInFlight, waitForJob } from '../slurm/submit.js';
import { printable } from '../io/sanitize.js';
import { shellArg, shellLine } from '../io/shell.js';
import { inputFile, refuseInput, type InputFile } from '../io/target.js';
import { TOOL_VERSION } from '../version.js';
import { expandInputs } from './merge.js';
import { checkStrategyFileBackend, collect, flavorFor, prepareFiles, requireFiles, withFileStrategies } from './run-strategy-files.js';

const HELP = `
A fleet sweep: the plan split into n shards balanced by expected cost (see \`writeprof run --help\`,
  --shard), run as a Slurm job array (one shard per task), then one job that merges the shards
  and writes the report. It runs after every shard ended (afterany): when a shard failed or was
  preempted, the merge job exits 1 naming it, and --resume re-runs only what is missing.

Files in --dir (default reports/fleet-<timestamp>): profile.json (the profile with flags applied,
  frozen), shard.sbatch, merge.sbatch, fleet.json, shards/shard-<i>-of-<n>.json, logs/, and at
  the end all.json and report.md. Jobs run \`${process.execPath} ${join(PACKAGE_ROOT, 'bin', 'writeprof')}\`
  in the current directory: both must be visible on the compute nodes (a shared filesystem).

  writeprof slurm --profile validation --shards 8 --partition gpu --gres gpu:h100:1 --time 1:00:00 --submit
  writeprof slurm --resume reports/fleet-<timestamp> --submit      # re-run failed/missing shards
  writeprof merge reports/fleet-h100/all.json reports/fleet-a100/all.json -o both.json   # devices side by side

Pin one kind of device per sweep (--gres gpu:<type>:1 or --constraint): results are complete per
  device. Run the same profile on another kind and merge the two all.json to compare them.

Exit codes: 0 written (and submitted; with --wait: the merge job completed); 1 with --wait, the
  merge job did not complete (missing shards are named); 2 bad input, or sbatch refused the jobs.

Examples:
  writeprof slurm --profile validation --shards 8 --dir reports/fleet-h100 \\
                  --partition gpu --gres gpu:h100:1 --time 1:00:00 --submit
  writeprof slurm --resume reports/fleet-h100 --submit    # re-run only what is missing
`;

interface SlurmFlags extends Partial<Record<SlurmField, string>> {
  profile?: string;
  shards?: string;
  dir?: string;
  backend?: string;
  seed?: string;
  countConflicts?: boolean;
  submit?: boolean;
  wait?: boolean;
  resume?: string;
  strategyFile?: string[];
}

const BACKEND_CHOICES = ['auto', ...BACKENDS];

/** The profile as a profile file: every axis of every suite spelled out, so nothing depends on defaults. */
function frozenProfile(p: Profile): unknown {
  return {
    name: p.name,
    description: `${p.source} with the command's flags applied, frozen by \`writeprof slurm\`: every shard runs this plan`,
    measurement: p.measurement,
    suites: p.suites.map((s) => ({ mode: s.mode, ...s.axes })),
  };
}

function layoutLines(name: string, source: string, digest: string, layout: ShardLayout, cases: number): string[] {
  const lines = [`  profile ${name} (${source}), plan ${shortDigest(digest)}: ${cases} cases in ${layout.count} shards, estimated ${layout.cost.toFixed(1)} s of measuring in all`];
  for (const s of layout.shards) lines.push(`  shard ${s.index}/${s.count}: ${s.cases.length} cases, estimated ${s.cost.toFixed(1)} s`);
  return lines;
}

/** Lines for the user, each escaped: paths in them come from the command line. */
function say(lines: string | string[]): void {
  process.stdout.write([lines].flat().map(printable).join('\n') + '\n');
}

/** "1-4" when every shard, else "2,4". */
function arraySpec(shards: readonly number[], total: number): string {
  const all = shards.length === total && shards.every((s, i) => s === i + 1);
  return all ? `1-${total}` : shards.join(',');
}

const resumeLine = (dir: string): string => shellLine(['writeprof', 'slurm', '--resume', displayPath(dir), '--submit']);

/** How to submit by hand what `--submit` would: printed shell lines, every word quoted. */
function byHand(dir: string, shards: readonly number[], total: number, extra: SlurmSettings, after: readonly string[]): string[] {
  const paths = fleetPaths(dir);
  const deps = ['$array', ...after].join(':');
  return [
    'submit with:',
    `  ${resumeLine(dir)}`,
    'or by hand:',
    `  array=$(${shellLine(['sbatch', '--parsable', ...sbatchOptions(extra), `--array=${arraySpec(shards, total)}`, displayPath(paths.shardScript)])})`,
    `  sbatch ${shellLine(sbatchOptions(extra, true))}${sbatchOptions(extra, true).length ? ' ' : ''}--dependency=afterany:${deps} ${shellArg(displayPath(paths.mergeScript))}`,
  ];
}

/**
 * Queues the shards' array (unless every shard to run is already queued: `inFlight`) and the
 * merge job after all of them. Each job is recorded in fleet.json as soon as sbatch names it: a
 * merge job refused after the array was queued leaves the array recorded, and --resume then
 * queues only the merge job, never the shards again.
 */
async function submit(dir: string, m: FleetManifest, shards: number[], inFlight: readonly string[], extra: SlurmSettings, wait: boolean, inputs: readonly InputFile[]): Promise<void> {
  const paths = fleetPaths(dir);
  let record: FleetManifest['submissions'][number] | undefined;
  if (shards.length) {
    const arrayJob = sbatch([...sbatchOptions(extra), `--array=${arraySpec(shards, m.shards)}`, paths.shardScript], 'the shards\' job array');
    record = { at: new Date().toISOString(), shards, arrayJob, mergeJob: null };
    m.submissions.push(record);
    writeManifest(dir, m, inputs);
  } else {
    // Every shard to run is queued already: the latest such array gets the merge job.
    record = [...m.submissions].reverse().find((s) => inFlight.includes(s.arrayJob));
  }
  const after = [...new Set([...(record && shards.length ? [record.arrayJob] : []), ...inFlight])];
  let mergeJob: string;
  try {
    mergeJob = sbatch([...sbatchOptions(extra, true), `--dependency=afterany:${after.join(':')}`, paths.mergeScript], 'the merge job');
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const queued = shards.length ? `; job array ${record!.arrayJob} (shards ${arraySpec(shards, m.shards)}) is queued and recorded in ${displayPath(paths.manifest)}` : '';
    throw new UsageError(`${err.message}${queued}; submit the merge job once the cause is fixed: ${resumeLine(dir)} (it queues no shard twice)`);
  }
  if (record) record.mergeJob = mergeJob;
  writeManifest(dir, m, inputs);
  const what = shards.length ? `shards ${arraySpec(shards, m.shards)} of ${m.shards} as job array ${record!.arrayJob}` : `nothing new (shards queued in job array ${after.join(', ')})`;
  say([
    `submitted: ${what}; merge + report as job ${mergeJob} (after every shard ends)`,
    `logs: ${displayPath(paths.logs)}/   results: ${displayPath(paths.results)}   report: ${displayPath(paths.report)}`,
  ]);
  if (!wait) return;
  process.stderr.write(`waiting for job ${mergeJob} ...\n`);
  const end = await waitForJob(mergeJob);
  const log = join(paths.logs, `merge-job-${mergeJob}.out`);
  if (end.state === 'COMPLETED') {
    say(`job ${mergeJob} COMPLETED: ${displayPath(paths.report)}`);
    return;
  }
  // The merge log's summary names what is missing; repeat it here.
  const found = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => /^(merge:|\s+(missing|duplicate) )/.test(l)) : [];
  for (const line of found) process.stderr.write(`${printable(line)}\n`);
  const exit = end.exitCode === undefined ? '' : ` (exit ${end.exitCode})`;
  throw new CheckFailed(`merge job ${mergeJob} ended ${end.state}${exit}; see ${displayPath(log)}; re-run what is missing: ${resumeLine(dir)}`);
}

async function newSweep(flags: SlurmFlags, slurm: SlurmSettings): Promise<void> {
  if (flags.shards === undefined) throw new UsageError('--shards: missing; required: the number of shards (array tasks), from 1 to the plan\'s units');
  const shards = count('--shards', flags.shards, { min: 1, max: MAX_SHARDS });
  const backend = flags.backend ?? 'auto';
  if (!BACKEND_CHOICES.includes(backend)) throw invalid('--backend', backend, BACKEND_CHOICES.join(', '));
  const settings: PlanSettings = {
    seed: flags.seed === undefined ? DEFAULTS.seed : parseNumber('--seed', flags.seed, CASE_LIMITS.seed),
    countConflicts: flags.countConflicts !== false,
    calibrateSlowdown: 0,
  };
  // Strategy files are built here first (a file that does not compile stops the sweep before
  // anything is queued), then copied into the sweep: every shard runs the very same file.
  const given = flags.strategyFile ?? [];
  checkStrategyFileBackend(backend, given);
  const files = prepareFiles(given, flavorFor(backend));
  const loaded = loadProfile(flags.profile ?? DEFAULT_PROFILE);
  const profile = { ...loaded, suites: withFileStrategies(loaded.suites, files) };
  const specs = expandCases(profile.suites);
  requireFiles(specs, files);
  const layout = layoutShards(specs, profile.measurement, shards);
  const digest = planDigest(specs, profile.measurement, settings);

  const dir = resolve(flags.dir ?? defaultResultsPath(new Date(), 'reports').replace(/\/([^/]+)\.json$/, '/fleet-$1'));
  checkSbatchPath('--dir', dir);
  checkSbatchPath('working directory', process.cwd());
  const paths = fleetPaths(dir);
  if (existsSync(paths.manifest)) throw new UsageError(`--dir: ${printable(flags.dir ?? dir)} already holds a fleet sweep; re-run its missing shards with --resume ${shellArg(flags.dir ?? dir)}, or choose another --dir`);
  // The profile is an input: no file the sweep writes may be it (a profile.json inside --dir).
  const inputs = [inputFile(resolveProfile(flags.profile ?? DEFAULT_PROFILE))];
  for (const f of [paths.profile, paths.shardScript, paths.mergeScript, paths.manifest]) refuseInput('--dir', f, inputs);
  for (const d of [paths.shards, paths.logs, ...(files.length ? [paths.strategies] : [])]) {
    try {
      mkdirSync(d, { recursive: true });
    } catch (err) {
      throw new UsageError(`--dir: cannot create ${printable(d)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  writeFileAtomic(paths.profile, JSON.stringify(frozenProfile(profile), null, 2) + '\n', { inputs, field: '--dir' });
  const copies = files.map((f) => {
    const copy = join(paths.strategies, `${f.name}.cu`);
    writeFileAtomic(copy, readFileSync(f.path), { inputs: [...inputs, inputFile(f.path)], field: '--dir' });
    return { name: f.name, path: f.shown, sha256: f.sha256, copy };
  });
  // The frozen file must describe the very same plan, or every shard would run something else.
  const frozen = loadProfile(paths.profile);
  if (planDigest(expandCases(frozen.suites), frozen.measurement, settings) !== digest) throw new Error('internal: the frozen profile does not reproduce the plan');

  const parts = {
    dir,
    cwd: process.cwd(),
    name: profile.name,
    shards,
    digest,
    writeprof: [process.execPath, join(PACKAGE_ROOT, 'bin', 'writeprof')],
    backend,
    seed: settings.seed,
    countConflicts: settings.countConflicts,
    slurm,
    version: TOOL_VERSION,
    strategyFiles: copies.map((c) => c.copy),
  };
  writeFileAtomic(paths.shardScript, shardScript(parts), { inputs, field: '--dir' });
  writeFileAtomic(paths.mergeScript, mergeScript(parts), { inputs, field: '--dir' });
  for (const f of [paths.shardScript, paths.mergeScript]) chmodSync(f, 0o755);
  const manifest: FleetManifest = {
    format: FLEET_FORMAT,
    profile: 'profile.json',
    shards,
    digest,
    backend,
    seed: settings.seed,
    countConflicts: settings.countConflicts,
    slurm: { ...slurm } as Record<string, string>,
    submissions: [],
    ...(copies.length ? { strategyFiles: copies } : {}),
  };
  writeManifest(dir, manifest, inputs);

  say([`fleet sweep: ${displayPath(dir)}`, ...layoutLines(profile.name, profile.source, digest, layout, specs.length)]);
  say(`wrote ${displayPath(paths.shardScript)}, ${displayPath(paths.mergeScript)}, ${displayPath(paths.profile)}, ${displayPath(paths.manifest)}`);
  const all = layout.shards.map((s) => s.index);
  if (flags.submit) return submit(dir, manifest, all, [], {}, flags.wait === true, inputs);
  say(byHand(dir, all, shards, {}, []));
}

/** Shards of the sweep in `dir` without complete results (every shard when none has any). */
function shardsToRun(dir: string, m: FleetManifest): { missing: number[]; profile: Profile; layout: ShardLayout } {
  const paths = fleetPaths(dir);
  const profile = loadProfile(paths.profile);
  const specs = expandCases(profile.suites);
  if (planDigest(specs, profile.measurement, { seed: m.seed, countConflicts: m.countConflicts, calibrateSlowdown: 0 }) !== m.digest) {
    throw new UsageError(`${paths.profile}: does not reproduce the sweep's plan ${shortDigest(m.digest)} (edited, or another writeprof version?)`);
  }
  const layout = layoutShards(specs, profile.measurement, m.shards);
  const files = existsSync(paths.shards) ? expandInputs([paths.shards], paths.results) : [];
  if (files.length === 0) return { missing: layout.shards.map((s) => s.index), profile, layout };
  const outcome = mergeResults(files.map((file) => ({ file, doc: readResults(file) })));
  return { missing: missingShards(outcome), profile, layout };
}

async function resume(flags: SlurmFlags, slurm: SlurmSettings): Promise<void> {
  for (const f of ['profile', 'shards', 'dir', 'backend', 'seed', 'strategyFile'] as const) {
    if (flags[f] !== undefined) throw new UsageError(`--${f}: not allowed with --resume (the sweep's own settings are in its fleet.json)`);
  }
  if (flags.countConflicts === false) throw new UsageError('--no-count-conflicts: not allowed with --resume (the sweep\'s own settings are in its fleet.json)');
  const dir = resolve(flags.resume!);
  const m = readManifest(dir);
  const { missing, profile, layout } = shardsToRun(dir, m);
  say([`fleet sweep: ${displayPath(dir)}`, ...layoutLines(profile.name, profile.source, m.digest, layout, layout.shards.reduce((a, s) => a + s.cases.length, 0))]);
  if (missing.length === 0) {
    say(`every shard has complete results; nothing to re-run${existsSync(fleetPaths(dir).results) ? '' : ` (merge them: ${shellLine(['writeprof', 'merge', displayPath(fleetPaths(dir).shards), '-o', displayPath(fleetPaths(dir).results)])})`}`);
    return;
  }
  // Shards queued or running in an array already recorded (a merge job refused after it was
  // queued, or a resume while they run) are not queued again: the merge job waits for them.
  const arrays = [...new Set(m.submissions.map((s) => s.arrayJob))];
  const queued = new Map<number, string>();
  for (const a of arrays) for (const t of tasksInFlight(a)) if (missing.includes(t)) queued.set(t, a);
  const toRun = missing.filter((s) => !queued.has(s));
  const inFlight = [...new Set(queued.values())];
  say(`to run: shard ${missing.join(', ')} of ${m.shards}${queued.size ? ` (queued already in job array ${inFlight.join(', ')}: shard ${[...queued.keys()].sort((a, b) => a - b).join(', ')})` : ''}`);
  const inputs = [inputFile(fleetPaths(dir).profile)];
  if (flags.submit) return submit(dir, m, toRun, inFlight, slurm, flags.wait === true, inputs);
  if (toRun.length === 0) {
    say([
      'submit the merge job with:',
      `  ${resumeLine(dir)}`,
      'or by hand:',
      `  sbatch ${shellLine([...sbatchOptions(slurm, true), `--dependency=afterany:${inFlight.join(':')}`, displayPath(fleetPaths(dir).mergeScript)])}`,
    ]);
    return;
  }
  say(byHand(dir, toRun, m.shards, slurm, inFlight));
}

export async function slurmCommand(flags: SlurmFlags): Promise<void> {
  if (flags.wait && !flags.submit) throw new UsageError('--wait: only with --submit (it waits for the submitted merge job)');
  const slurm = parseSlurmSettings(flags);
  if (flags.resume !== undefined) return resume(flags, slurm);
  return newSweep(flags, slurm);
}

export function register(program: Command): void {
  program
    .command('slurm')
    .description('Run a profile as a Slurm job array of shards plus a dependent merge-and-report job')
    .option('-p, --profile <file|name>', `profile file, or a name in profiles/ (default: ${DEFAULT_PROFILE})`)
    .option('--shards <n>', 'number of shards (array tasks)')
    .option('--dir <path>', 'directory of the sweep (default reports/fleet-<timestamp>)')
    .option('-b, --backend <auto|cpu|cuda>', 'backend each shard uses (default: auto)')
    .option('--seed <n>', `seed of the key streams (default: ${DEFAULTS.seed})`)
    .option('--no-count-conflicts', 'do not maintain conflict counters')
    .option('--partition <name>', 'sbatch --partition')
    .option('--gres <spec>', 'sbatch --gres for each shard, e.g. gpu:1 or gpu:h100:1')
    .option('--time <limit>', 'sbatch --time (per shard and for the merge job)')
    .option('--account <name>', 'sbatch --account')
    .option('--qos <name>', 'sbatch --qos')
    .option('--constraint <features>', 'sbatch --constraint for each shard')
    .option('--cpus-per-task <n>', 'sbatch --cpus-per-task for each shard (concurrent mode uses host threads)')
    .option('--mem <size>', 'sbatch --mem for each shard')
    .option('--submit', 'submit the jobs with sbatch (otherwise only write the scripts)')
    .option('--wait', 'with --submit: wait for the merge job; exit 1 unless it completed')
    .option('--resume <dir>', 'submit only the shards of this sweep that lack complete results, and a new merge job')
    .option('--strategy-file <path>', 'a .cu file declaring a strategy (writeprof/kernel.cuh): copied into the sweep, run by every shard (on cuda or cuda-emu; repeatable)', collect)
    .addHelpText('after', helpAfter(HELP))
    .action(async (flags: SlurmFlags) => slurmCommand(flags));
}

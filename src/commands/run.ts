import os from 'node:os';
import type { Command } from 'commander';
import { Chalk } from 'chalk';
import type { Selected } from '../backends/index.js';
import { openPeers, routeCases, selectRunBackend, type PeerSession } from '../backends/peers.js';
import type { BackendStatus } from '../backends/backend.js';
import { createProgressBar } from '../engine/progress-bar.js';
import { installInterruptGuard } from '../engine/interrupt.js';
import { runSweep } from '../engine/sweep.js';
import { runRepeated } from '../engine/repeat.js';
import { captureEnvironment } from '../results/environment.js';
import { Interrupted, IoFailure, UsageError } from '../errors.js';
import { describeErrno } from '../io/errno.js';
import { DEFAULTS, INPUT_LIMITS } from '../limits.js';
import { Journal } from '../io/journal.js';
import { printable, printableDeep } from '../io/sanitize.js';
import { inputFile, resolveTarget, type InputFile } from '../io/target.js';
import { probeFileTarget, writeTarget } from '../io/write.js';
import { isPeerName } from '../model.js';
import { budgetLimits, checkCases, type Limits } from '../profile/geometry.js';
import { parseRunFlags, type RawRunOptions } from './run-settings.js';
import { flagName } from '../profile/values.js';
import { DEFAULT_PROFILE, loadProfile, resolveProfile } from '../profile/load.js';
import { applyOverrides, expandCases } from '../profile/plan.js';
import { planRecord } from '../profile/digest.js';
import { selectShard } from '../profile/shard.js';
import { render } from '../render/index.js';
import { buildDocument } from '../results/document.js';
import type { CaseResult, ResultsDocument } from '../results/schema.js';
import { resultsText } from '../results/file.js';
import { planOutputs, type OutputPlan } from './run-outputs.js';
import { createJournal, readJournal, recordPath, type RunRecord } from './run-journal.js';
import { attachPeerSpeedups, attachSpeedups } from '../results/metrics.js';
import { planPeerCases } from '../profile/peer-cases.js';
import { peerOptionsOf, peerRecord } from './run-peers.js';
import type { PeerOptions } from '../backends/peers.js';
import { axisOptions } from './axis-options.js';
import { gpuModel } from '../results/gpu-models.js';
import { GPU_MODEL_HELP } from './gpu-model.js';
import { writeReport } from './report.js';

const OUTPUT_HELP = `
Profiles:
  --profile takes a file path or the name of a file in profiles/ (default: ${DEFAULT_PROFILE}).
  Axis flags replace that axis in every suite of the profile; list values are comma-separated
  (--value-size 64,256,1K,4K). --mode keeps only the suites of those modes; a mode the profile
  has no suite for gets one built from the profile's defaults and the flags.

Output:
  The results JSON (the source every format renders from) is always written. --output takes
  one of: a .json path (the results; --format then chooses what stdout shows, default table);
  a .md or .csv path (that report, with the JSON beside it: reports/run.md -> reports/run.json);
  - for stdout, a FIFO or a character device (written through; a report's JSON then goes to
  reports/). The extension and --format must agree; another name needs --format to say what
  it gets. Without --output the JSON gets a new name, reports/<timestamp>.json (never an
  existing file). Files are written atomically; a symbolic link's target is written; a path
  that is one of the run's inputs is refused, and one under reports/baselines/ is not
  overwritten without --force. Progress shows on stderr when it is a terminal.

Durability:
  Each finished case is appended to <results>.journal beside the results file as the sweep
  goes; the final write replaces it. If the results cannot be written (disk full, I/O error)
  or the run is killed, the journal stays and \`writeprof run --resume <journal>\` measures the
  cases still missing and writes the results.

Stopping rule (per case):
  warmup samples, then samples until at least --min-samples and --min-time are reached; then
  stop at --max-samples or --max-time, or once the 95% interval of the median is within
  --max-noise percent of it (0 turns the noise rule off).

Fleet sweeps:
  --shard i/n runs only the i-th of n disjoint slices of the plan, balanced by each case's
  expected cost; a slice never splits a point's strategies, nor a concurrent strategy's thread
  counts. The results record the shard, the plan's digest and the profile: \`writeprof merge\`
  joins the shards, \`writeprof slurm\` runs them as a Slurm job array.

Repeats:
  --repeat <n> runs the whole sweep n times in a row and keeps each run's median per case
  (runMedians; the samples are pooled). With 3 or more, \`writeprof compare\` tests a change
  against the run-to-run spread instead of calling two separate runs inconclusive. A repeated
  run journals nothing: its cases are whole only after the last pass.

Gate calibration:
  --calibrate-slowdown <percent> measures each case's per-write time in a short pilot and adds
  a fixed spin of that percent of it to every write: a known slowdown to check that
  \`writeprof compare\` detects it.

Peers (--backend redis|libcuckoo, --peer redis,libcuckoo):
  A peer runs each point of the sweep once (strategy "peer"), with the same keys, value bytes and
  verification as the strategies; with --peer it runs right after the strategies of its point and
  the tables gain "vs <peer>" columns. Redis: writeprof starts its own redis-server on 127.0.0.1
  (ephemeral port, no persistence) and stops it on every exit path, or uses --redis-url, where it
  writes only keys under a unique prefix and deletes exactly those (never FLUSH). The password is
  never printed or recorded.

Exit codes: 0 ok; 1 a case failed (lost/corrupted writes or an error); 2 bad input;
  4 results could not be written (the finished cases are kept in the journal);
  130/143 interrupted by SIGINT/SIGTERM (finished cases written with "partial": true).
`;

/** The memory-budget rule on the host's memory: the table and arena must not push the machine into swap. */
function hostLimits(): Limits {
  return budgetLimits('host', os.totalmem());
}

/** ... and on the device's, where the backend reports one (a GPU, the emulator). */
function deviceLimits(status: BackendStatus): Limits {
  const deviceMemory = status.device?.['memoryBytes'];
  if (typeof deviceMemory !== 'number' || deviceMemory <= 0) return hostLimits();
  return budgetLimits('device', deviceMemory);
}

function colorAllowed(stream: NodeJS.WriteStream): boolean {
  const noColor = process.env['NO_COLOR'];
  return (noColor === undefined || noColor === '') && stream.isTTY === true;
}

/** Options as commander hands them over, plus --resume. */
export type RunOptions = RawRunOptions & { resume?: string };

/** A run ready to measure: plan, outputs (pre-flight done), journal, backend. */
interface Prepared {
  record: RunRecord;
  /** cases finished in an earlier session (--resume) */
  finished: CaseResult[];
  plan: OutputPlan;
  journal?: Journal;
  selected: Selected;
  quiet: boolean;
  inputs: InputFile[];
  /** how to reach the run's peers (a Redis password only in memory) */
  peerOptions: PeerOptions;
  /** the lines about the plan: "profile: ..." (and the shard), or "resuming ..." */
  headline: string;
}

function deviceOf(status: BackendStatus): string {
  return String(status.device?.['name'] ?? '');
}

async function prepareFresh(opts: RunOptions): Promise<Prepared> {
  const settings = parseRunFlags(opts);
  const profileArg = settings.profile ?? DEFAULT_PROFILE;
  const profile = applyOverrides(loadProfile(profileArg), settings.overrides);
  if (settings.backend === 'cuda-emu' && settings.peers.peers.length) {
    throw new UsageError('--peer: emulated timings cannot be set beside a peer\'s; measure peers with --backend cpu or cuda');
  }
  const planned = planPeerCases(expandCases(profile.suites), settings.backend, settings.peers.peers);
  const picked = settings.shard ? selectShard(planned, profile.measurement, settings.shard) : undefined;
  const specs = picked ? picked.shard.cases : planned;
  // Never measure what no command could read back (src/limits.ts).
  const mostSamples = specs.length * profile.measurement.maxSamples;
  if (mostSamples > INPUT_LIMITS.maxSamplesPerDocument) {
    throw new UsageError(`${specs.length} cases x --max-samples ${profile.measurement.maxSamples} may take ${mostSamples.toLocaleString('en-US')} samples; a results document holds at most ${INPUT_LIMITS.maxSamplesPerDocument.toLocaleString('en-US')} (lower --max-samples or run fewer cases)`);
  }
  const startedAt = new Date();
  // The profile is an input: no output may resolve to it.
  const inputs = [inputFile(resolveProfile(profileArg))];
  let plan = planOutputs({ ...(opts.format !== undefined ? { format: settings.format } : {}), ...(settings.output !== undefined ? { output: settings.output } : {}), force: settings.force, inputs }, startedAt);
  // Host limits first (no addon needed to refuse an impossible sweep), then the device's own.
  checkCases(planned, hostLimits());
  const selected = await selectRunBackend(settings.backend, settings.emulator);
  if (selected.status.name !== 'cpu') checkCases(planned, deviceLimits(selected.status));
  const memoryTraffic = settings.memoryTraffic ?? selected.status.name === 'cuda-emu';
  if (memoryTraffic && !selected.backend.countTraffic) {
    throw new UsageError(`--memory-traffic: counts the CUDA kernels on the emulator; the ${selected.status.name} backend runs none (use --backend cuda or cuda-emu)`);
  }
  const record: RunRecord = {
    backend: selected.status.name,
    device: deviceOf(selected.status),
    seed: settings.seed,
    countConflicts: settings.countConflicts,
    calibrateSlowdown: settings.calibrateSlowdown,
    force: settings.force,
    memoryTraffic,
    ...(settings.gpuModel ? { gpuModel: settings.gpuModel } : {}),
    ...(settings.repeat > 1 ? { repeat: settings.repeat } : {}),
    ...(selected.status.emulator ? { emulator: selected.status.emulator } : {}),
    peers: peerRecord(settings.peers),
    profile: { name: profile.name, source: profile.source, measurement: profile.measurement, suites: profile.suites },
    plan: planRecord(planned, profile.measurement, settings),
    ...(picked
      ? {
          shard: {
            index: picked.shard.index,
            count: picked.shard.count,
            cases: specs.length,
            estimatedSeconds: picked.shard.cost,
            planEstimatedSeconds: picked.layout.cost,
          },
        }
      : {}),
    specs,
    outputs: {
      ...(plan.report ? { report: { path: recordPath(plan.report.target), format: plan.report.format } } : {}),
      ...(plan.print ? { print: plan.print } : {}),
    },
  };
  // Pre-flight writes are real writes (the journal's header, a probe with content): a full disk
  // or a read-only file system fails here, before anything is measured.
  const created = createJournal(plan, record, startedAt);
  if (created) plan = created.plan;
  try {
    if (plan.report) probeFileTarget(plan.report.target, '--output');
  } catch (err) {
    created?.journal.remove();
    throw err;
  }
  const shardLine = picked
    ? `\nshard ${picked.shard.index}/${picked.shard.count}: ${specs.length} of ${planned.length} cases (estimated ${picked.shard.cost.toFixed(1)} s of ${picked.layout.cost.toFixed(1)} s)`
    : '';
  return {
    record,
    finished: [],
    plan,
    ...(created ? { journal: created.journal } : {}),
    selected,
    peerOptions: settings.peers,
    quiet: settings.quiet,
    inputs,
    headline: `profile: ${profile.name} (${profile.source}), ${planned.length} cases${shardLine}`,
  };
}

async function prepareResume(opts: RunOptions, given: readonly string[]): Promise<Prepared> {
  const extra = given.filter((k) => k !== 'resume' && k !== 'quiet');
  if (extra.length) throw new UsageError(`--resume continues with the settings in the journal; ${flagName(extra[0]!)} cannot be combined with it`);
  const j = readJournal(opts.resume!);
  const rec = j.header.run;
  const selected = await selectRunBackend(rec.backend, rec.emulator);
  if (selected.status.name !== rec.backend || deviceOf(selected.status) !== rec.device) {
    throw new UsageError(`--resume: the journal's cases ran on ${rec.backend} "${rec.device}", this machine offers ${selected.status.name} "${deviceOf(selected.status)}"; results of one document come from one device`);
  }
  const inputs = [inputFile(j.path)];
  const field = '--resume';
  const json = resolveTarget(j.header.target, { field, named: false, force: rec.force, inputs });
  const report = rec.outputs.report ? { target: resolveTarget(rec.outputs.report.path, { field, force: rec.force, inputs }), format: rec.outputs.report.format } : undefined;
  const plan: OutputPlan = { json, jsonDefault: false, ...(report ? { report } : {}), ...(rec.outputs.print ? { print: rec.outputs.print } : {}) };
  const byId = new Map(j.entries.map((c) => [c.id, c]));
  const finished = rec.specs.flatMap((s) => byId.get(s.id) ?? []);
  const journal = Journal.reopen(j.path, finished.length, field);
  const torn = j.torn ? '; a last line cut short was dropped' : '';
  return {
    record: rec,
    finished,
    plan,
    journal,
    selected,
    peerOptions: peerOptionsOf(rec.peers),
    quiet: opts.quiet === true,
    inputs,
    headline: `resuming ${j.path}: ${finished.length} of ${rec.specs.length} cases finished, ${rec.specs.length - finished.length} to run${torn}`,
  };
}

/** Where the finished cases are, for a message about a failure after measuring began. */
function keptNote(journal: Journal | undefined): string {
  if (!journal) return '';
  const p = printable(journal.path);
  return `; ${journal.count} finished cases are kept in ${p}: \`writeprof run --resume ${p}\` continues the run`;
}

export async function runCommand(opts: RunOptions, given: readonly string[] = []): Promise<void> {
  const p = opts.resume !== undefined ? await prepareResume(opts, given) : await prepareFresh(opts);
  const { record, plan, journal, selected } = p;
  const specs = record.specs;
  const done = new Set(p.finished.map((c) => c.id));
  const remaining = specs.filter((s) => !done.has(s.id));
  const bar = !p.quiet && process.stderr.isTTY ? createProgressBar([...specs.filter((s) => done.has(s.id)), ...remaining], { done: done.size }) : undefined;
  const note = (line: string): void => {
    if (p.quiet) return;
    if (bar) bar.note(line);
    else process.stderr.write(`${line}\n`);
  };
  note(selected.line);
  for (const line of p.headline.split('\n')) note(line);

  const environment = printableDeep(captureEnvironment(selected.status));
  const guard = installInterruptGuard(
    (line) => (bar ? bar.note(line) : process.stderr.write(`${line}\n`)),
    undefined,
    () => {
      // A journal without a finished case holds nothing to resume: do not leave it in the way.
      if (journal?.count === 0) journal.remove();
      return journal?.count ? keptNote(journal) : '';
    },
  );
  // A journal that cannot be appended to (disk full) stops the sweep at once: measuring on would
  // produce cases nothing can keep.
  const journalFull = new AbortController();
  let journalError: unknown;
  let partial = false;
  let doc: ResultsDocument;
  let ok = false;
  let peers: PeerSession | undefined;
  let trafficSeconds = 0;
  try {
    // Peers start (or are probed) now, before the first case; the finally below stops them.
    const peerNames = [...(isPeerName(record.backend) ? [record.backend] : []), ...(record.peers?.peers ?? [])];
    if (peerNames.length) peers = await openPeers(peerNames, p.peerOptions, note);
    const backend = peers ? routeCases(selected.backend, peers.backends) : selected.backend;
    const repeat = record.repeat ?? 1;
    const outcome = await runRepeated(repeat, (pass) => {
      if (repeat > 1) note(`run ${pass + 1}/${repeat}`);
      return runSweep(remaining, backend, {
        measurement: record.profile.measurement,
        countConflicts: record.countConflicts,
        memoryTraffic: record.memoryTraffic === true,
        seed: record.seed,
        calibrateSlowdown: record.calibrateSlowdown,
        signal: AbortSignal.any([guard.signal, journalFull.signal]),
        onProgress: (e) => {
          bar?.onEvent(e);
          // A repeated run's case is whole only after its last pass: nothing to journal before.
          if (e.kind !== 'case-end' || !journal || journalError !== undefined || repeat > 1) return;
          try {
            journal.append(e.result);
          } catch (err) {
            journalError = err;
            journalFull.abort();
          }
        },
      });
    });
    bar?.stop();
    trafficSeconds = outcome.trafficSeconds;
    if (journalError !== undefined) {
      throw new IoFailure(`${printable(journal!.path)}: cannot record a finished case (${describeErrno(journalError)}); the sweep stopped after ${p.finished.length + outcome.cases.length} of ${specs.length} cases${keptNote(journal)}`);
    }
    partial = outcome.aborted;
    const byId = new Map([...p.finished, ...outcome.cases].map((c) => [c.id, c]));
    const cases = specs.flatMap((s) => byId.get(s.id) ?? []);
    attachSpeedups(cases, record.seed);
    attachPeerSpeedups(cases, record.seed);
    doc = buildDocument({
      environment: peers ? { ...environment, peers: peers.environment } : environment,
      profile: record.profile,
      ...(record.plan ? { plan: record.plan } : {}),
      ...(record.shard ? { shard: record.shard } : {}),
      cases,
      partial,
    });
    // Handlers stay installed while the JSON is written: a Ctrl-C now cannot cut it short.
    try {
      await writeTarget(plan.json, resultsText(doc), '--output', note);
    } catch (err) {
      throw new IoFailure(`${err instanceof Error ? err.message : String(err)}${keptNote(journal)}`);
    }
    journal?.remove();
    ok = true;
  } finally {
    bar?.stop();
    await peers?.close();
    // Nothing worth resuming: do not leave an empty journal behind.
    if (!ok && journal && journal.count === 0 && journalError === undefined) journal.remove();
    else journal?.close();
    // After a signal the handlers stay until exit, so a second Ctrl-C still exits at once.
    if (guard.exitCode === undefined) guard.dispose();
  }
  if (record.memoryTraffic && trafficSeconds > 0) {
    note(`memory traffic: counted by the emulator in ${trafficSeconds.toFixed(1)} s (one instrumented sample per case, after its timed samples; --no-memory-traffic skips it)`);
  }
  note(`results: ${plan.json.kind === 'stdout' ? 'stdout' : plan.json.shown}`);
  for (const w of peers?.warnings ?? []) note(`warning: ${w}`);

  if (guard.exitCode !== undefined) {
    const what = partial ? `${doc.cases.length} of ${specs.length} cases (partial)` : `all ${specs.length} cases`;
    throw new Interrupted(guard.exitCode, `interrupted by ${guard.signalName}: wrote ${what} to ${plan.json.shown}`);
  }

  const model = record.gpuModel ? gpuModel(record.gpuModel) : undefined;
  const withModel = model ? { gpuModel: model } : {};
  if (plan.report) {
    const { target, format } = plan.report;
    try {
      const report = await render(doc, format, { color: false, ...withModel, ...(target.kind === 'file' ? { outputPath: target.path } : {}) });
      await writeReport(target, report, { field: '--output', force: record.force, inputs: p.inputs, onWait: note });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new IoFailure(`report not written: ${why}; the results are in ${plan.json.shown} (\`writeprof report\` renders them)`);
    }
    note(`report: ${target.kind === 'stdout' ? 'stdout' : target.shown}`);
  }
  if (plan.print) process.stdout.write((await render(doc, plan.print, { color: colorAllowed(process.stdout), ...withModel })).text);

  const failed = doc.cases.filter((c) => c.status === 'failed');
  if (failed.length > 0) {
    const red = new Chalk({ level: colorAllowed(process.stderr) ? 1 : 0 }).red;
    for (const c of failed) process.stderr.write(red(`writeprof: case ${c.id} failed: ${printable(c.error ?? 'failed')}`) + '\n');
    process.exitCode = 1;
  }
}

export function register(program: Command): void {
  axisOptions(
    program
      .command('run')
      .description('Sweep a profile\'s cases on a backend, write the results JSON, print a report')
      .option('-p, --profile <file|name>', `profile file, or a name in profiles/ (default: ${DEFAULT_PROFILE})`)
      .option('-b, --backend <auto|cpu|cuda|cuda-emu|redis|libcuckoo>', 'auto picks CUDA when usable, else CPU; cuda-emu runs the CUDA kernels on the host SIMT emulator; redis and libcuckoo are peers (no strategies)', 'auto')
      .option('--peer <list>', 'also measure these peers on every case point: redis,libcuckoo (adds "vs peer" columns)')
      .option('--redis-url <url>', 'use this Redis server instead of starting one: redis://[user:password@]host:port[/db] (password also from WRITEPROF_REDIS_PASSWORD)')
      .option('--redis-persistence <none|aof>', 'the redis-server writeprof starts: no persistence (default) or an append-only file')
      .option('--redis-command <set|mset>', 'batch and concurrent submissions to Redis: a pipeline of SETs (default) or one MSET'),
  )
    .option('--warmup <n>', 'warmup samples per case (discarded)')
    .option('--min-samples <n>', 'measured samples per case, at least')
    .option('--max-samples <n>', 'measured samples per case, at most')
    .option('--min-time <seconds>', 'measure each case at least this long')
    .option('--max-time <seconds>', 'stop measuring a case after this long (once the minimums hold)')
    .option('--max-noise <percent>', 'stop once the median\'s 95% interval half-width is below this (0 = off)')
    .option('-f, --format <table|json|markdown|csv>', 'what to print (default table), or what --output receives; see below')
    .option('-o, --output <path>', 'results .json, or a .md/.csv report with the JSON beside it; - for stdout (default reports/<timestamp>.json); see below')
    .option('--resume <journal>', 'continue a run from the journal it left beside its results (after a full disk, a crash or a second Ctrl-C)')
    .option('--force', 'allow --output to overwrite a file under reports/baselines/')
    .option('--seed <n>', 'seed of the key streams (same seed: same writes for every strategy)', String(DEFAULTS.seed))
    .option('--no-count-conflicts', 'do not maintain conflict counters (to measure what counting costs)')
    .option('--memory-traffic', 'count each case\'s GPU memory traffic on the emulator after its timed samples (default with cuda-emu; with cuda: beside GPU timings)')
    .option('--no-memory-traffic', 'skip the memory-traffic count (one instrumented emulator sample per case)')
    .option('--gpu-model <name>', GPU_MODEL_HELP)
    .option('--calibrate-slowdown <percent>', 'add a spin per write of this percent of the measured per-write time')
    .option('--emu-seed <n>', 'cuda-emu: scheduler seed (a failing seed reproduces; default 1)')
    .option('--emu-workers <n>', 'cuda-emu: OS threads running blocks, 0 = one per core (1 makes each launch deterministic)')
    .option('--emu-timeout <seconds>', 'cuda-emu: a launch with no thread making progress this long fails its case (default 10)')
    .option('--shard <i/n>', 'run only the i-th of n disjoint slices of the plan, balanced by expected cost (fleet sweeps; see `writeprof merge`)')
    .option('--repeat <n>', 'run the whole sweep n times; each case keeps every run\'s median (see below)')
    .option('-q, --quiet', 'no progress and no notes on stderr')
    .addHelpText('after', OUTPUT_HELP)
    .action(async (opts: RunOptions, cmd: Command) => {
      // Which options the user gave (not commander's defaults): --resume takes no others.
      const given = Object.keys(opts).filter((k) => cmd.getOptionValueSource(k) === 'cli');
      await runCommand(opts, given);
    });
}

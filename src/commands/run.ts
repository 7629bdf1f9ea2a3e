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
import { DEFAULTS } from '../limits.js';
import { Journal } from '../io/journal.js';
import { printable, printableDeep } from '../io/sanitize.js';
import { inputFile, resolveTarget, STDERR_TARGET, type InputFile } from '../io/target.js';
import { probeFileTarget, writeTarget } from '../io/write.js';
import { isPeerName, type CaseSpec, type Measurement } from '../model.js';
import { documentBoundProblem } from '../results/bounds.js';
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
import { createJournal, openJournal, recordPath, resumeCommand, type RunRecord } from './run-journal.js';
import { attachPeerSpeedups, attachSpeedups } from '../results/metrics.js';
import { planPeerCases } from '../profile/peer-cases.js';
import { peerOptionsOf, peerRecord } from './run-peers.js';
import type { PeerOptions, PeerOrigin } from '../backends/peers.js';
import { axisOptions } from './axis-options.js';
import { checkStrategyFileBackend, collect, flavorFor, journaled, prepareFiles, requireFiles, resultsRecords, resumeFiles, routeFiles, selectFileBackend, withFileStrategies } from './run-strategy-files.js';
import type { StrategyFile } from '../strategy-file/index.js';
import { gpuModel } from '../results/gpu-models.js';
import { GPU_MODEL_HELP } from './gpu-model.js';
import { writeReport } from './report.js';
import { checkSummaryClaims, loadSummaryClaims, type ClaimsFlag } from './claims-summary.js';
import { appendStepSummary, colorOn, helpAfter, outputWidth } from './output.js';
import { buildMatrix } from '../render/index.js';
import { buildSummary } from '../render/summary.js';
import { summaryText } from '../render/terminal.js';
import { screenWidth, wrap } from '../screen.js';

const OUTPUT_HELP = `
Profiles:
  --profile takes a file path or the name of a file in profiles/ (default: ${DEFAULT_PROFILE}).
  Axis flags replace that axis in every suite of the profile; lists are comma-separated
  (--value-size 64,256,1K,4K). --mode keeps only the suites of those modes; a mode the profile
  has no suite for gets one from the profile's defaults and the flags. A flag no suite uses
  (--batch-size with single mode only, --threads without concurrent mode) is refused.

Summary:
  The run ends with its answer: OK or FAILED (lost writes), per table the fastest strategy and
  its speedup over baseline with the 95% interval, the claims of --claims checked (default
  profiles/claims/story-3.1.json; --no-claims skips them; \`writeprof validate\` gates on
  them), and one line on noise. The same markdown goes to $GITHUB_STEP_SUMMARY when set.

Stopping rule and noise (per case):
  warmup samples, then samples until --min-samples and --min-time are both reached; then stop
  at --max-samples or --max-time, or once the noise is below --max-noise (0: rule off).
  --max-samples ends a case even before --min-time (the summary says when it did). Noise is
  the half-width of the median's 95% interval, in percent of the median: the same measure in
  the rule, the ⚠ marks, the warnings (one line per table; each case with --verbose) and the
  report.

Output:
  The results JSON (the source every format renders from) is always written. --output takes
  a .json path (the results; --format then chooses what stdout shows, default table); a .md
  or .csv path (that report, with the JSON beside it: reports/run.md -> reports/run.json);
  - for stdout, a FIFO or a character device. Another name needs --format to say what it
  gets. Without --output the JSON gets a new name, reports/<timestamp>.json. Files are
  written atomically; an input is never an output; reports/baselines/ needs --force.
  \`writeprof report <results.json> -o x.html\` renders any format later.

Durability:
  Each finished case is appended to <results>.journal as the sweep goes; the final write
  replaces it. If the results cannot be written or the run is killed, the journal stays and
  \`writeprof run --resume <journal>\` measures the missing cases and writes the results beside
  it. The journal is read like any input and grants nothing (a baseline needs --force again);
  one process at a time holds it (a lock).

Repeats, shards, calibration:
  --repeat <n> runs the whole sweep n times and keeps each run's median per case: with 3 or
  more, \`writeprof compare\` tests a change against the run-to-run spread. --shard i/n runs
  one of n cost-balanced slices (\`writeprof merge\` joins them, \`writeprof slurm\` runs them).
  --calibrate-slowdown <percent> adds a known spin per write, to check that a gate sees it.

Peers (--backend redis|libcuckoo, --peer redis,libcuckoo):
  A peer runs each point of the sweep once (strategy "peer"), with the same keys, value bytes
  and verification, right after the strategies of its point, in a table of its own. Redis is
  reached over loopback TCP: writeprof starts its own redis-server on 127.0.0.1 and stops it
  on every exit path, or uses --redis-url (keys under a unique prefix, deleted after; never
  FLUSH). Single mode is a round trip per write, batch mode a pipeline of N SETs per round
  trip. The password is never printed or recorded.
  Each reply must be whole within --redis-timeout (default 10 s) and at most 1 MiB.

Exit codes: 0 ok; 1 a case failed (lost/stale/corrupted writes or an error); 2 bad input;
  4 results could not be written (the finished cases are kept in the journal);
  130/143 interrupted by SIGINT/SIGTERM (finished cases written with "partial": true).

Examples:
  writeprof run                                  # the story's matrix, best backend
  writeprof run --profile quick -o reports/quick.md        # report + reports/quick.json
  writeprof run --mode batch --batch-size 1000 --value-size 64 --peer redis,libcuckoo
  writeprof run --backend cuda-emu --profile quick         # CUDA kernels, no GPU needed
  writeprof run --profile quick --repeat 3 -f json -o -    # JSON on stdout
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

/** Never measure what no command could read back (src/results/bounds.ts). */
function checkReadable(specs: readonly CaseSpec[], m: Measurement, repeat: number): void {
  const samplesFrom = repeat > 1 ? `--max-samples ${m.maxSamples} x --repeat ${repeat}` : `--max-samples ${m.maxSamples}`;
  const problem = documentBoundProblem({ cases: specs.length, samplesPerCase: m.maxSamples * repeat, runsPerCase: repeat > 1 ? repeat : 0, samplesFrom });
  if (problem) throw new UsageError(problem);
}

/** Options as commander hands them over, plus --resume. */
export type RunOptions = RawRunOptions & { resume?: string; claims?: ClaimsFlag; verbose?: boolean };

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
  /** where the peers' settings came from: the flags, or a journal (which keeps no password) */
  peerOrigin: PeerOrigin;
  /** the lines about the plan: "profile: ..." (and the shard), or "resuming ..." */
  headline: string;
  /** the claims the summary checks (--claims, default the story's; --no-claims: none) */
  claims?: ReturnType<typeof loadSummaryClaims>;
  /** --strategy-file: built and loaded */
  files: StrategyFile[];
}

function deviceOf(status: BackendStatus): string {
  return String(status.device?.['name'] ?? '');
}

async function prepareFresh(opts: RunOptions): Promise<Prepared> {
  const settings = parseRunFlags(opts);
  const profileArg = settings.profile ?? DEFAULT_PROFILE;
  const overridden = applyOverrides(loadProfile(profileArg), settings.overrides);
  // Strategy files are built (or found in the cache) before anything else: a file that does not
  // compile is bad input, shown as the compiler's errors. They are built for the backend that
  // runs them, so that one is chosen first (`auto`: cuda, else cuda-emu).
  checkStrategyFileBackend(settings.backend, settings.strategyFiles);
  const early = settings.strategyFiles.length ? await selectFileBackend(settings.backend, settings.emulator) : undefined;
  const runsOn = early?.status.name ?? settings.backend;
  if (runsOn === 'cuda-emu' && settings.peers.peers.length) {
    throw new UsageError('--peer: emulated timings cannot be set beside a peer\'s; measure peers with --backend cpu or cuda');
  }
  // The memory traffic is counted on the emulator's instrumented build (on cuda-emu unless
  // --no-memory-traffic, on cuda with --memory-traffic): the file's own, built too.
  const files = prepareFiles(settings.strategyFiles, flavorFor(runsOn), settings.memoryTraffic ?? runsOn === 'cuda-emu');
  const profile = { ...overridden, suites: withFileStrategies(overridden.suites, files) };
  const planned = planPeerCases(expandCases(profile.suites), settings.backend, settings.peers.peers);
  requireFiles(planned, files);
  const picked = settings.shard ? selectShard(planned, profile.measurement, settings.shard) : undefined;
  const specs = picked ? picked.shard.cases : planned;
  checkReadable(specs, profile.measurement, settings.repeat);
  const startedAt = new Date();
  const claims = loadSummaryClaims(opts.claims);
  // The profile and the claims file are inputs: no output may resolve to them.
  const inputs = [inputFile(resolveProfile(profileArg)), ...(claims ? [inputFile(claims.path)] : [])];
  let plan = planOutputs({ ...(opts.format !== undefined ? { format: settings.format } : {}), ...(settings.output !== undefined ? { output: settings.output } : {}), force: settings.force, inputs }, startedAt);
  // Host limits first (no addon needed to refuse an impossible sweep), then the device's own.
  checkCases(planned, hostLimits());
  const selected = early ?? (await selectRunBackend(settings.backend, settings.emulator));
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
    ...(files.length ? { strategyFiles: journaled(files) } : {}),
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
    peerOrigin: 'flags',
    quiet: settings.quiet,
    inputs,
    headline: `profile: ${profile.name} (${profile.source}), ${planned.length} cases${shardLine}${files.map((f) => `\nstrategy file: ${f.name} = ${printable(f.shown)} (sha256 ${f.sha256.slice(0, 12)})`).join('')}`,
    claims,
    files,
  };
}

async function prepareResume(opts: RunOptions, given: readonly string[]): Promise<Prepared> {
  // The journal fixes the run; only how it is shown and a permission it never grants (--force,
  // to replace a baseline) come from the command line.
  const extra = given.filter((k) => !['resume', 'quiet', 'force', 'claims', 'verbose'].includes(k));
  if (extra.length) throw new UsageError(`--resume continues with the settings in the journal; ${flagName(extra[0]!)} cannot be combined with it`);
  const j = openJournal(opts.resume!);
  try {
    const rec: RunRecord = { ...j.record, force: opts.force === true };
    // The same checks as a fresh run of this plan: a journal is input.
    checkReadable(rec.specs, rec.profile.measurement, rec.repeat ?? 1);
    checkCases(rec.specs, hostLimits());
    const selected = await selectRunBackend(rec.backend, rec.emulator);
    if (selected.status.name !== rec.backend || deviceOf(selected.status) !== rec.device) {
      throw new UsageError(`--resume: the journal's cases ran on ${rec.backend} "${printable(rec.device)}", this machine offers ${selected.status.name} "${deviceOf(selected.status)}"; results of one document come from one device`);
    }
    if (selected.status.name !== 'cpu') checkCases(rec.specs, deviceLimits(selected.status));
    const files = resumeFiles(rec.strategyFiles, flavorFor(rec.backend), rec.memoryTraffic === true);
    const inputs = [inputFile(j.path)];
    const field = '--resume';
    const json = resolveTarget(j.outputs.json, { field, named: false, force: rec.force, inputs });
    const r = j.outputs.report;
    const report = r
      ? { target: r.path === 'stderr' ? STDERR_TARGET : resolveTarget(r.path, { field, force: rec.force, inputs, named: r.path === '-' }), format: r.format }
      : undefined;
    const plan: OutputPlan = { json, jsonDefault: false, ...(report ? { report } : {}), ...(rec.outputs.print ? { print: rec.outputs.print } : {}) };
    if (report) probeFileTarget(report.target, field);
    const torn = j.torn ? '; a last line cut short was dropped' : '';
    const skipped = j.outputs.reportSkipped
      ? `\nthe run's report went to ${j.outputs.reportSkipped}, which is not beside the journal: not written on resume (\`writeprof report\` renders the results)`
      : '';
    return {
      record: rec,
      finished: j.finished,
      plan,
      journal: j.journal,
      selected,
      peerOptions: peerOptionsOf(rec.peers),
      peerOrigin: 'resume',
      quiet: opts.quiet === true,
      inputs,
      headline: `resuming ${printable(j.path)}: ${j.finished.length} of ${rec.specs.length} cases finished, ${rec.specs.length - j.finished.length} to run${torn}${skipped}`,
      claims: loadSummaryClaims(opts.claims),
      files,
    };
  } catch (err) {
    j.journal.close();
    throw err;
  }
}

/** Where the finished cases are, for a message about a failure after measuring began. */
function keptNote(journal: Journal | undefined): string {
  if (!journal) return '';
  return `; ${journal.count} finished cases are kept in ${printable(journal.path)}: \`${resumeCommand(journal.path)}\` continues the run`;
}

/** A fresh run's journal without a finished case holds nothing to resume: not left in the way. A resumed one is never removed but by its results. */
function dropIfEmpty(journal: Journal | undefined): boolean {
  if (!journal?.created || journal.count !== 0) return false;
  journal.remove();
  return true;
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
    // Notes fit the screen too: a long line continues indented.
    const text = wrap(line, screenWidth(process.stderr), '  ').join('\n');
    if (bar) bar.note(text);
    else process.stderr.write(`${text}\n`);
  };
  // The guard is in place before the first line a user (or a script) can react to: a signal that
  // follows the headline is always the guard's, never Node's default exit.
  const guard = installInterruptGuard(
    (line) => (bar ? bar.note(line) : process.stderr.write(`${line}\n`)),
    undefined,
    () => {
      if (dropIfEmpty(journal)) return '';
      return journal ? keptNote(journal) : '';
    },
  );
  note(selected.line);
  for (const line of p.headline.split('\n')) note(line);

  const environment = printableDeep(captureEnvironment(selected.status));
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
    if (peerNames.length) peers = await openPeers(peerNames, p.peerOptions, note, p.peerOrigin);
    // A resumed journal is written to only once the run can go on (its peers answer).
    if (journal && !journal.created) journal.takeOver(p.finished.length);
    const own = routeFiles(selected.backend, p.files, record.emulator);
    const backend = peers ? routeCases(own, peers.backends) : own;
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
      strategyFiles: resultsRecords(record.strategyFiles),
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
    if (ok || journalError !== undefined || !dropIfEmpty(journal)) journal?.close();
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

  const checked = checkSummaryClaims(doc, p.claims);
  const resultsPath = plan.json.kind === 'file' ? plan.json.shown : undefined;
  const summary = { ...(checked ? { claims: checked } : {}), ...(resultsPath ? { resultsPath } : {}) };
  const model = record.gpuModel ? gpuModel(record.gpuModel) : undefined;
  const withModel = model ? { gpuModel: model } : {};
  if (plan.report) {
    const { target, format } = plan.report;
    try {
      const report = await render(doc, format, { color: false, summary, ...withModel, ...(target.kind === 'file' ? { outputPath: target.path } : {}) });
      await writeReport(target, report, { field: '--output', force: record.force, inputs: p.inputs, onWait: note });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new IoFailure(`report not written: ${why}; the results are in ${plan.json.shown} (\`writeprof report\` renders them)`);
    }
    note(`report: ${target.kind === 'stdout' ? 'stdout' : target.shown}`);
  }
  const width = outputWidth();
  if (plan.print) {
    process.stdout.write((await render(doc, plan.print, { color: colorOn(process.stdout), width, verbose: opts.verbose === true, summary, ...withModel })).text);
  }
  // The summary goes with the tables. When stdout holds a document (JSON, CSV, markdown) piped
  // elsewhere, the summary goes to stderr; a document printed on the terminal keeps it to itself.
  if (plan.print !== 'table' && !p.quiet && !(plan.print !== undefined && process.stdout.isTTY)) {
    process.stderr.write(`${summaryText(buildSummary(doc, buildMatrix(doc), summary), new Chalk({ level: colorOn(process.stderr) ? 1 : 0 }), screenWidth(process.stderr))}\n`);
  }
  appendStepSummary((await render(doc, 'markdown', { color: false, summary, brief: true })).text, p.inputs);

  const failed = doc.cases.filter((c) => c.status === 'failed');
  if (failed.length > 0) {
    const red = new Chalk({ level: colorOn(process.stderr) ? 1 : 0 }).red;
    for (const c of failed) process.stderr.write(red(`writeprof: case ${c.id} failed: ${printable(c.error ?? 'failed')}`) + '\n');
    process.exitCode = 1;
  }
}

export function register(program: Command): void {
  axisOptions(
    program
      .command('run')
      .description('Sweep a profile\'s cases on a backend, write the results JSON, print the tables and the summary')
      .option('-p, --profile <file|name>', `profile file, or a name in profiles/ (default: ${DEFAULT_PROFILE})`)
      .option('-b, --backend <name>', 'auto (CUDA when usable, else CPU), cpu, cuda, cuda-emu (the CUDA kernels on the host SIMT emulator), or a peer alone: redis, libcuckoo', 'auto')
      .option('--peer <list>', 'also measure these peers at every point: redis,libcuckoo (a table of their own)')
      .option('--redis-url <url>', 'use this Redis server instead of starting one: redis://[user:password@]host:port[/db] (password also from WRITEPROF_REDIS_PASSWORD)')
      .option('--redis-persistence <mode>', 'the redis-server writeprof starts: none (default) or aof (an append-only file)')
      .option('--redis-command <cmd>', 'batch and concurrent submissions to Redis: set (a pipeline of SETs, default) or mset')
      .option('--redis-timeout <seconds>', `connecting, and each whole reply, at most this long (default ${DEFAULTS.redisTimeoutMs / 1000})`),
  )
    .option('--warmup <n>', 'warmup samples per case (discarded)')
    .option('--min-samples <n>', 'measured samples per case, at least')
    .option('--max-samples <n>', 'measured samples per case, at most (ends a case even before --min-time)')
    .option('--min-time <seconds>', 'measure each case at least this long (up to --max-samples)')
    .option('--max-time <seconds>', 'stop measuring a case after this long (once the minimums hold)')
    .option('--max-noise <percent>', 'stop once the noise (half-width of the median\'s 95% interval) is below this (0 = off)')
    .option('-f, --format <format>', 'table, json, markdown or csv: what stdout shows (default table), or what --output receives')
    .option('-o, --output <path>', 'results .json, or a .md/.csv report with the JSON beside it; - for stdout (default reports/<timestamp>.json)')
    .option('--claims <file>', 'the claims the summary checks (default profiles/claims/story-3.1.json)')
    .option('--no-claims', 'check no claims in the summary')
    .option('-v, --verbose', 'list every noisy case under the tables')
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
    .option('--strategy-file <path>', 'a .cu file declaring a strategy (writeprof/kernel.cuh): run beside the built-in ones (cuda or cuda-emu; repeatable)', collect)
    .option('--shard <i/n>', 'run only the i-th of n disjoint slices of the plan, balanced by expected cost (see `writeprof merge`)')
    .option('--repeat <n>', 'run the whole sweep n times; each case keeps every run\'s median (see below)')
    .option('-q, --quiet', 'no progress, notes or summary on stderr')
    .addHelpText('after', helpAfter(OUTPUT_HELP))
    .action(async (opts: RunOptions, cmd: Command) => {
      // Which options the user gave (not commander's defaults): --resume takes no others.
      const given = Object.keys(opts).filter((k) => cmd.getOptionValueSource(k) === 'cli');
      await runCommand(opts, given);
    });
}

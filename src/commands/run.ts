import os from 'node:os';
import type { Command } from 'commander';
import { Chalk } from 'chalk';
import { selectBackend } from '../backends/index.js';
import type { BackendStatus } from '../backends/backend.js';
import { createProgressBar } from '../engine/progress-bar.js';
import { installInterruptGuard } from '../engine/interrupt.js';
import { runSweep } from '../engine/sweep.js';
import { runRepeated } from '../engine/repeat.js';
import { captureEnvironment } from '../env.js';
import { Interrupted } from '../errors.js';
import { ARENA_LIMIT_BYTES, checkCases, type Limits } from '../profile/geometry.js';
import { parseRunFlags, type RawRunOptions } from '../profile/flags.js';
import { DEFAULT_PROFILE, loadProfile } from '../profile/load.js';
import { applyOverrides, expandCases } from '../profile/plan.js';
import { render } from '../render/index.js';
import { buildDocument } from '../results/document.js';
import type { ResultsDocument } from '../results/schema.js';
import { writeFileAtomic, writeResultsAtomic } from '../results/io.js';
import { checkOutputs, planOutputs } from '../results/outputs.js';
import { attachSpeedups } from '../stats/speedup.js';
import { axisOptions } from './axis-options.js';

const OUTPUT_HELP = `
Profiles:
  --profile takes a file path or the name of a file in profiles/ (default: ${DEFAULT_PROFILE}).
  Axis flags replace that axis in every suite of the profile; list values are comma-separated
  (--value-size 64,256,1K,4K). --mode keeps only the suites of those modes; a mode the profile
  has no suite for gets one built from the profile's defaults and the flags.

Output:
  The results JSON (the source every format renders from) is always written: to --output, or
  to reports/<timestamp>.json without it. --format chooses what is printed on stdout.
  With --format markdown or csv, --output names that report file instead, and the JSON is
  written beside it with a .json extension (--output reports/run.md -> reports/run.json).
  Files are written atomically; a path under reports/baselines/ is not overwritten without
  --force. Progress shows on stderr when it is a terminal.

Stopping rule (per case):
  warmup samples, then samples until at least --min-samples and --min-time are reached; then
  stop at --max-samples or --max-time, or once the 95% interval of the median is within
  --max-noise percent of it (0 turns the noise rule off).

Repeats:
  --repeat <n> runs the whole sweep n times in a row and keeps each run's median per case
  (runMedians; the samples are pooled). With 3 or more, \`writeprof compare\` tests a change
  against the run-to-run spread instead of calling two separate runs inconclusive.

Gate calibration:
  --calibrate-slowdown <percent> measures each case's per-write time in a short pilot and adds
  a fixed spin of that percent of it to every write: a known slowdown to check that
  \`writeprof compare\` detects it.

Exit codes: 0 ok; 1 a case failed (lost/corrupted writes or an error); 2 bad input;
  130/143 interrupted by SIGINT/SIGTERM (finished cases written with "partial": true).
`;

/** Half the host's memory per case: the table and arena must not push the machine into swap. */
function hostLimits(): Limits {
  return { arenaLimitBytes: ARENA_LIMIT_BYTES, memoryBytes: Math.floor(os.totalmem() / 2), memoryName: 'host memory' };
}

function deviceLimits(status: BackendStatus): Limits {
  const deviceMemory = status.device?.['memoryBytes'];
  if (typeof deviceMemory !== 'number' || deviceMemory <= 0) return hostLimits();
  return { arenaLimitBytes: ARENA_LIMIT_BYTES, memoryBytes: Math.floor(deviceMemory * 0.9), memoryName: 'device memory' };
}

function colorAllowed(stream: NodeJS.WriteStream): boolean {
  const noColor = process.env['NO_COLOR'];
  return (noColor === undefined || noColor === '') && stream.isTTY === true;
}

export async function runCommand(opts: RawRunOptions): Promise<void> {
  const settings = parseRunFlags(opts);
  const profile = applyOverrides(loadProfile(settings.profile), settings.overrides);
  const specs = expandCases(profile.suites);
  const startedAt = new Date();
  const outputs = planOutputs(settings.format, settings.output, startedAt);
  checkOutputs(outputs, settings.force);
  // Host limits first (no addon needed to refuse an impossible sweep), then the device's own.
  checkCases(specs, hostLimits());
  const selected = await selectBackend(settings.backend);
  if (selected.status.name === 'cuda') checkCases(specs, deviceLimits(selected.status));

  const note = (line: string): void => {
    if (!settings.quiet) process.stderr.write(`${line}\n`);
  };
  note(selected.line);
  note(`profile: ${profile.name} (${profile.source}), ${specs.length} cases`);

  const environment = captureEnvironment(selected.status);
  const guard = installInterruptGuard();
  const bar = !settings.quiet && process.stderr.isTTY ? createProgressBar() : undefined;
  let partial = false;
  let doc: ResultsDocument;
  try {
    const outcome = await runRepeated(settings.repeat, (pass) => {
      if (settings.repeat > 1) note(`run ${pass + 1}/${settings.repeat}`);
      return runSweep(specs, selected.backend, {
        measurement: profile.measurement,
        countConflicts: settings.countConflicts,
        seed: settings.seed,
        calibrateSlowdown: settings.calibrateSlowdown,
        signal: guard.signal,
        ...(bar ? { onProgress: (e) => bar.onEvent(e) } : {}),
      });
    });
    bar?.stop();
    partial = outcome.aborted;
    attachSpeedups(outcome.cases, settings.seed);
    doc = buildDocument({
      environment,
      profile: { name: profile.name, source: profile.source, measurement: profile.measurement },
      cases: outcome.cases,
      partial,
    });
    // Handlers stay installed while the JSON is written: a Ctrl-C now cannot cut it short.
    writeResultsAtomic(outputs.json, doc);
  } finally {
    bar?.stop();
    // After a signal the handlers stay until exit, so a second Ctrl-C still exits at once.
    if (guard.exitCode === undefined) guard.dispose();
  }
  note(`results: ${outputs.json}`);

  if (guard.exitCode !== undefined) {
    const what = partial ? `${doc.cases.length} of ${specs.length} cases (partial)` : `all ${specs.length} cases`;
    throw new Interrupted(guard.exitCode, `interrupted by ${guard.signalName}: wrote ${what} to ${outputs.json}`);
  }

  const color = colorAllowed(process.stdout);
  if (outputs.report) {
    writeFileAtomic(outputs.report, await render(doc, settings.format, { color: false, outputPath: outputs.report }));
    note(`report: ${outputs.report}`);
  } else {
    process.stdout.write(await render(doc, settings.format, { color }));
  }

  const failed = doc.cases.filter((c) => c.status === 'failed');
  if (failed.length > 0) {
    const red = new Chalk({ level: colorAllowed(process.stderr) ? 1 : 0 }).red;
    for (const c of failed) process.stderr.write(red(`writeprof: case ${c.id} failed: ${c.error ?? 'failed'}`) + '\n');
    process.exitCode = 1;
  }
}

export function register(program: Command): void {
  axisOptions(
    program
      .command('run')
      .description('Sweep a profile\'s cases on a backend, write the results JSON, print a report')
      .option('-p, --profile <file|name>', `profile file, or a name in profiles/ (default: ${DEFAULT_PROFILE})`)
      .option('-b, --backend <auto|cpu|cuda>', 'auto picks CUDA when usable, else CPU', 'auto'),
  )
    .option('--warmup <n>', 'warmup samples per case (discarded)')
    .option('--min-samples <n>', 'measured samples per case, at least')
    .option('--max-samples <n>', 'measured samples per case, at most')
    .option('--min-time <seconds>', 'measure each case at least this long')
    .option('--max-time <seconds>', 'stop measuring a case after this long (once the minimums hold)')
    .option('--max-noise <percent>', 'stop once the median\'s 95% interval half-width is below this (0 = off)')
    .option('-f, --format <table|json|markdown|csv>', 'what to print (or write to --output, see below)', 'table')
    .option('-o, --output <path>', 'results JSON path (default reports/<timestamp>.json); see below')
    .option('--force', 'allow --output to overwrite a file under reports/baselines/')
    .option('--seed <n>', 'seed of the key streams (same seed: same writes for every strategy)', '42')
    .option('--no-count-conflicts', 'do not maintain conflict counters (to measure what counting costs)')
    .option('--calibrate-slowdown <percent>', 'add a spin per write of this percent of the measured per-write time')
    .option('--repeat <n>', 'run the whole sweep n times; each case keeps every run\'s median (see below)')
    .option('-q, --quiet', 'no progress and no notes on stderr')
    .addHelpText('after', OUTPUT_HELP)
    .action(async (opts: RawRunOptions) => {
      await runCommand(opts);
    });
}

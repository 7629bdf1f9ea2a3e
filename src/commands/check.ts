/**
 * `writeprof check`: compute-sanitizer without a GPU. The plan's cases run once per emulator seed,
 * in both kernel variants, on the check addon (kernels/cuda instrumented on the host SIMT
 * emulator) under the chosen tools; the findings go to stdout and into the results document.
 * Exit 0 when every tool found nothing and every run verified its writes, 1 otherwise, 2 on bad
 * input.
 */
import type { Command } from 'commander';
import { emuStatus } from '../backends/cuda-emu.js';
import { loadAddonAt, loadCheckAddon, type NativeCheckAddon } from '../backends/native.js';
import { fileOf, strategyFileRecord } from '../strategy-file/index.js';
import { collect, prepareFiles, requireFiles, withFileStrategies } from './run-strategy-files.js';
import { TOOL_FINDS, TOOLS, parseSeeds, parseTools } from '../check/tools.js';
import { VARIANTS, runCheck, type Variant } from '../check/run.js';
import { summarize } from '../check/summary.js';
import { installInterruptGuard } from '../engine/interrupt.js';
import { CheckFailed, Interrupted, invalid, IoFailure, UsageError } from '../errors.js';
import { printableDeep } from '../io/sanitize.js';
import { inputFile } from '../io/target.js';
import { probeFileTarget, writeTarget } from '../io/write.js';
import { DEFAULTS } from '../limits.js';
import { loadProfile, resolveProfile } from '../profile/load.js';
import { applyOverrides, expandCases } from '../profile/plan.js';
import { render } from '../render/index.js';
import { buildDocument } from '../results/document.js';
import { captureEnvironment } from '../results/environment.js';
import { resultsText } from '../results/file.js';
import { axisOptions } from './axis-options.js';
import { appendStepSummary, helpAfter } from './output.js';
import { writeReport } from './report.js';
import { planOutputs } from './run-outputs.js';
import { parseRunFlags, type RawRunOptions } from './run-settings.js';

export const CHECK_PROFILE = 'check';

export interface CheckOptions extends RawRunOptions {
  tool?: string;
  emuSeeds?: string;
  variant?: string;
}

const HELP = `
Tools (default: all):
${TOOLS.map((t) => `  ${t.padEnd(10)} ${TOOL_FINDS[t]}`).join('\n')}

Each case of the profile (default: ${CHECK_PROFILE}, every kernel on small shapes; each
--strategy-file adds its strategy to every suite, built instrumented too) runs once per
emulator seed and kernel variant (count: with conflict counters, plain: without) on kernels/cuda
built with every load and store instrumented. Findings are folded (same tool, kind, kernel and
source lines: one entry with a count) and end with one summary line per tool. A kernel's invalid
access never happens: its launch fails, the run is reported, the other runs go on.

Output: as \`writeprof run\`: the results JSON (with the findings in "check") is always written;
--output takes a .json, or a .md or .csv report (one row per finding) with the JSON beside it;
\`writeprof report\` renders the JSON again (markdown, html, csv).

Exit codes: 0 no finding and every write verified; 1 a finding, or a run that failed (lost writes,
a fault, a timeout); 2 bad input; 4 results could not be written.
`;

export function parseVariants(raw: string | undefined): Variant[] {
  if (raw === undefined) return [...VARIANTS];
  const out: Variant[] = [];
  for (const v of raw.split(',').map((s) => s.trim())) {
    if (!(VARIANTS as readonly string[]).includes(v)) throw invalid('--variant', raw, VARIANTS.join(', '));
    if (!out.includes(v as Variant)) out.push(v as Variant);
  }
  return out;
}

export async function checkCommand(opts: CheckOptions): Promise<void> {
  const { tool, emuSeeds, variant, ...rest } = opts;
  const tools = parseTools(tool);
  const variants = parseVariants(variant);
  const settings = parseRunFlags({ ...rest, backend: 'cuda-emu' });
  const seeds = parseSeeds(rest.emuSeed, emuSeeds, DEFAULTS.emulator.seed);
  const profileArg = settings.profile ?? CHECK_PROFILE;
  const overridden = applyOverrides(loadProfile(profileArg), settings.overrides);
  // A strategy file is built instrumented, as kernels/cuda is for the checker; its cases run there.
  const files = prepareFiles(settings.strategyFiles, 'check');
  const profile = { ...overridden, suites: withFileStrategies(overridden.suites, files) };
  const specs = expandCases(profile.suites);
  requireFiles(specs, files);
  if (specs.length === 0) throw new UsageError('the profile and flags select no case: a check over nothing is not a pass');
  const startedAt = new Date();
  const inputs = [inputFile(resolveProfile(profileArg))];
  const plan = planOutputs({ ...(opts.format !== undefined ? { format: settings.format } : {}), ...(settings.output !== undefined ? { output: settings.output } : {}), force: settings.force, inputs }, startedAt);
  if (plan.report) probeFileTarget(plan.report.target, '--output');
  const addon = loadCheckAddon();
  const emulator = { ...settings.emulator, seed: seeds[0]! };
  const status = emuStatus(emulator, () => addon);
  if (!status.available) throw new UsageError(`check: the emulator is unavailable (${status.reason ?? 'unknown reason'}); run \`make build\``);
  const note = (line: string): void => {
    if (!settings.quiet) process.stderr.write(`${line}\n`);
  };
  note(`check: ${tools.join(', ')} over ${specs.length} cases x ${variants.length} kernel variants x ${seeds.length} seeds (profile ${profile.name})`);

  const guard = installInterruptGuard((line) => process.stderr.write(`${line}\n`));
  let outcome;
  try {
    outcome = await runCheck(
      {
        specs,
        tools,
        seeds,
        variants,
        workers: settings.emulator.workers,
        timeoutSec: settings.emulator.timeoutSec,
        keySeed: settings.seed,
        signal: guard.signal,
        onRun: (r, done, total) => {
          if (settings.quiet || !process.stderr.isTTY) return;
          process.stderr.write(`\r[${done}/${total}] ${r.case} [${r.variant}] seed ${r.seed}: ${r.status}${r.findings ? `, ${r.findings} findings` : ''}\x1b[K`);
          if (done === total) process.stderr.write('\n');
        },
      },
      (spec) => {
        const file = fileOf(files, spec);
        return file ? (loadAddonAt(file.addonPath) as NativeCheckAddon) : addon;
      },
    );
  } finally {
    if (guard.exitCode === undefined) guard.dispose();
  }
  const summary = summarize(tools, outcome.findings, outcome.kernels.length, seeds.length);
  const environment = printableDeep(captureEnvironment(status));
  const doc = buildDocument({
    environment,
    profile: { name: profile.name, source: profile.source, measurement: profile.measurement, suites: profile.suites },
    cases: [],
    strategyFiles: files.map(strategyFileRecord),
    check: { tools, seeds, variants, kernels: outcome.kernels, runs: outcome.runs, findings: outcome.findings, summary, limits: outcome.limits },
    ...(outcome.aborted ? { partial: true } : {}),
  });
  try {
    await writeTarget(plan.json, resultsText(doc), '--output', note);
  } catch (err) {
    throw new IoFailure(err instanceof Error ? err.message : String(err));
  }
  note(`results: ${plan.json.kind === 'stdout' ? 'stdout' : plan.json.shown}`);
  if (plan.report) {
    const report = await render(doc, plan.report.format, { color: false });
    await writeReport(plan.report.target, report, { field: '--output', force: settings.force, inputs, onWait: note });
    note(`report: ${plan.report.target.kind === 'stdout' ? 'stdout' : plan.report.target.shown}`);
  }
  if (plan.print) process.stdout.write((await render(doc, plan.print, { color: false })).text);
  appendStepSummary((await render(doc, 'markdown', { color: false })).text, inputs);
  if (guard.exitCode !== undefined) throw new Interrupted(guard.exitCode, `interrupted by ${guard.signalName}: wrote ${outcome.runs.length} runs to ${plan.json.shown}`);

  const errors = outcome.findings.filter((f) => f.severity === 'error');
  const failed = outcome.runs.filter((r) => r.status === 'failed');
  if (errors.length || failed.length) {
    const what = [errors.length ? `${errors.length} findings` : '', failed.length ? `${failed.length} failed runs` : ''].filter(Boolean).join(' and ');
    throw new CheckFailed(`check failed: ${what}`);
  }
}

export function register(program: Command): void {
  axisOptions(
    program
      .command('check')
      .description('Run the CUDA kernels on the host SIMT emulator under memcheck, racecheck, initcheck, synccheck and weak (compute-sanitizer without a GPU)')
      .option('--tool <list>', `all, or tools: ${TOOLS.join(',')}`)
      .option('-p, --profile <file|name>', `profile file, or a name in profiles/ (default: ${CHECK_PROFILE})`),
  )
    .option('--variant <list>', 'kernel variants: count,plain (default both)')
    .option('--strategy-file <path>', 'a .cu file declaring a strategy (writeprof/kernel.cuh): checked beside the built-in ones (repeatable)', collect)
    .option('--seed <n>', 'seed of the key streams', String(DEFAULTS.seed))
    .option('--emu-seed <n>', 'scheduler seed (default 1)')
    .option('--emu-seeds <list>', 'scheduler seeds, as 1-3 or 1,4,9: every case runs under each')
    .option('--emu-workers <n>', 'OS threads running blocks, 0 = one per core (1 makes each launch deterministic)')
    .option('--emu-timeout <seconds>', 'a launch with no thread making progress this long fails its run (default 10)')
    .option('-f, --format <table|json|markdown|csv>', 'what to print (default table: the findings and the summary)')
    .option('-o, --output <path>', 'results .json, or a .md/.csv report with the JSON beside it; - for stdout (default reports/<timestamp>.json)')
    .option('--force', 'allow --output to overwrite a file under reports/baselines/')
    .option('-q, --quiet', 'no progress and no notes on stderr')
    .addHelpText('after', helpAfter(HELP))
    .action(async (opts: CheckOptions) => checkCommand(opts));
}

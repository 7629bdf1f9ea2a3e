import { extname } from 'node:path';
import type { Command } from 'commander';
import { invalid } from '../errors.js';
import { inputFile, resolveTarget, type InputFile, type Target } from '../io/target.js';
import { probeFileTarget, writeFileTarget, writeTarget } from '../io/write.js';
import { render, type Rendered } from '../render/index.js';
import { readMeasured, readResults } from '../results/file.js';
import { GPU_MODEL_HELP, joinCounts, parseGpuModel } from './gpu-model.js';

const MARKDOWN = ['.md', '.markdown'];

/** reports/run.json -> reports/run.md */
export function defaultReportPath(resultsPath: string): string {
  const ext = extname(resultsPath);
  return (ext ? resultsPath.slice(0, -ext.length) : resultsPath) + '.md';
}

/**
 * Writes a rendered report: its chart files first, beside a report file, under the rules of
 * outputs the user did not name (never an input, a baseline only with --force, never a device or
 * FIFO), then the report, so a reader who sees the report finds its charts.
 */
export async function writeReport(
  target: Target,
  report: Rendered,
  o: { field: string; force: boolean; inputs: readonly InputFile[]; onWait?: (line: string) => void },
): Promise<void> {
  for (const f of report.files) writeFileTarget(resolveTarget(f.path, { field: 'chart', named: false, force: o.force, inputs: o.inputs }), f.data, 'chart');
  await writeTarget(target, report.text, o.field, o.onWait);
}

interface ReportFlags {
  output?: string;
  force?: boolean;
  gpuModel?: string;
  counts?: string;
}

export async function reportCommand(resultsPath: string, opts: ReportFlags): Promise<void> {
  const output = opts.output ?? defaultReportPath(resultsPath);
  const force = opts.force ?? false;
  const model = opts.gpuModel === undefined ? undefined : parseGpuModel(opts.gpuModel);
  // The inputs are never an output: `report run.md` (JSON in a .md file) must not replace it.
  const inputs = [inputFile(resultsPath), ...(opts.counts === undefined ? [] : [inputFile(opts.counts)])];
  const field = opts.output === undefined ? 'report (the default --output)' : '--output';
  const target = resolveTarget(output, { field, force, inputs });
  if (target.kind === 'file' && !MARKDOWN.includes(extname(output).toLowerCase())) {
    throw invalid('--output', output, 'a markdown path (.md); the report is markdown');
  }
  const read = readResults(resultsPath);
  const doc = opts.counts === undefined ? read : joinCounts(read, readMeasured(opts.counts, '--counts'), '--counts', opts.counts);
  probeFileTarget(target, field);
  // A report written through a stream has no charts.
  const report = await render(doc, 'markdown', { color: false, ...(model ? { gpuModel: model } : {}), ...(target.kind === 'file' ? { outputPath: target.path } : {}) });
  await writeReport(target, report, { field, force, inputs });
  if (target.kind !== 'stdout') process.stdout.write(`report: ${target.shown}\n`);
}

export function register(program: Command): void {
  program
    .command('report')
    .description('Render a results JSON as a markdown report with SVG charts beside it')
    .argument('<results.json>', 'results document written by `writeprof run`')
    .option('-o, --output <file.md>', 'report path (default: beside the results, same name, .md), or - for stdout; charts are written next to a file')
    .option('--force', 'allow overwriting a file under reports/baselines/')
    .option('--gpu-model <name>', GPU_MODEL_HELP)
    .option('--counts <results.json>', 'memory-traffic counts of the same cases from an emulated run, joined by case id (GPU timings beside the counts)')
    .action(async (results: string, opts: ReportFlags) => reportCommand(results, opts));
}

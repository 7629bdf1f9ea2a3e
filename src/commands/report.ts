import { extname } from 'node:path';
import type { Command } from 'commander';
import { invalid } from '../errors.js';
import { inputFile, resolveTarget, type InputFile, type Target } from '../io/target.js';
import { probeFileTarget, writeFileTarget, writeTarget } from '../io/write.js';
import { render, REPORT_FORMATS, type ReportFormat, type Rendered } from '../render/index.js';
import { checkSummaryClaims, loadSummaryClaims, type ClaimsFlag } from './claims-summary.js';
import { helpAfter, pickFormat } from './output.js';
import { readMeasured, readResults } from '../results/file.js';
import { GPU_MODEL_HELP, joinCounts, parseGpuModel } from './gpu-model.js';

const EXTENSION: Record<ReportFormat, string> = { markdown: '.md', html: '.html', csv: '.csv', json: '.json' };

/** reports/run.json -> reports/run.md (or .html, .csv) */
export function defaultReportPath(resultsPath: string, format: ReportFormat = 'markdown'): string {
  const ext = extname(resultsPath);
  return (ext ? resultsPath.slice(0, -ext.length) : resultsPath) + EXTENSION[format];
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
  format?: string;
  force?: boolean;
  claims?: ClaimsFlag;
  gpuModel?: string;
  counts?: string;
}

const HELP = `
Formats (from --output's extension, or --format):
  .md    markdown: the summary first, the story's tables, SVG charts written beside it
  .html  one self-contained page: the same report, charts inline, no network
  .csv   one row per case, units in the headers
  .json  the results document itself (validated)
  Without --output the report goes beside the results: reports/run.json -> reports/run.md.
  - writes to stdout (markdown without charts; html with them).

The summary checks the claims of --claims (default profiles/claims/story-3.1.json) and the
  charts draw their thresholds; --no-claims leaves them out.

Examples:
  writeprof report reports/run.json                      # reports/run.md + charts
  writeprof report reports/run.json -o reports/run.html  # one page to share
  writeprof report reports/run.json -o run.csv           # for a spreadsheet
  writeprof report reports/run.json -f markdown -o - | less
`;

export async function reportCommand(resultsPath: string, opts: ReportFlags): Promise<void> {
  const format = pickFormat(REPORT_FORMATS, opts.format, opts.output, 'markdown');
  // A name that asks for a format this command does not write is refused; a name without an
  // extension (a FIFO, /dev/stdout) gets markdown.
  const asked = opts.output !== undefined && opts.output !== '-' ? extname(opts.output).toLowerCase() : '';
  if (opts.format === undefined && asked !== '' && !Object.values(EXTENSION).includes(asked) && asked !== '.markdown') {
    throw invalid('--output', opts.output, 'a .md, .html, .csv or .json path (or --format markdown|html|csv|json to use this name anyway)');
  }
  const output = opts.output ?? defaultReportPath(resultsPath, format);
  const force = opts.force ?? false;
  const model = opts.gpuModel === undefined ? undefined : parseGpuModel(opts.gpuModel);
  const claims = format === 'markdown' || format === 'html' ? loadSummaryClaims(opts.claims) : undefined;
  // The inputs are never outputs: `report run.md` (JSON in a .md file) must not replace it.
  const inputs = [inputFile(resultsPath), ...(claims ? [inputFile(claims.path)] : []), ...(opts.counts === undefined ? [] : [inputFile(opts.counts)])];
  const field = opts.output === undefined ? 'report (the default --output)' : '--output';
  const target = resolveTarget(output, { field, force, inputs });
  const read = readResults(resultsPath);
  // GPU timings beside an emulated run's counts of the same cases, joined by case id.
  const doc = opts.counts === undefined ? read : joinCounts(read, readMeasured(opts.counts, '--counts'), '--counts', opts.counts);
  probeFileTarget(target, field);
  const checked = checkSummaryClaims(doc, claims);
  // A markdown report written through a stream has no charts (an HTML page carries its own).
  const report = await render(doc, format, {
    color: false,
    ...(model ? { gpuModel: model } : {}),
    summary: { ...(checked ? { claims: checked } : {}), resultsPath },
    ...(target.kind === 'file' || format === 'html' ? { outputPath: target.kind === 'file' ? target.path : 'report.html' } : {}),
  });
  await writeReport(target, report, { field, force, inputs });
  if (target.kind !== 'stdout') process.stdout.write(`report: ${target.shown}\n`);
}

export function register(program: Command): void {
  program
    .command('report')
    .description('Render a results JSON as a report: markdown with SVG charts, one HTML page, CSV or JSON')
    .argument('<results.json>', 'results document written by `writeprof run`')
    .option('-o, --output <file>', 'x.md, x.html, x.csv or x.json (default: beside the results, .md); - for stdout')
    .option('-f, --format <format>', 'markdown, html, csv or json (default: from --output\'s extension, else markdown)')
    .option('--claims <file>', 'the claims the summary checks (default profiles/claims/story-3.1.json)')
    .option('--no-claims', 'check no claims in the summary')
    .option('--force', 'allow overwriting a file under reports/baselines/')
    .option('--gpu-model <name>', GPU_MODEL_HELP)
    .option('--counts <results.json>', 'memory-traffic counts of the same cases from an emulated run, joined by case id (GPU timings beside the counts)')
    .addHelpText('after', helpAfter(HELP))
    .action(async (results: string, opts: ReportFlags) => reportCommand(results, opts));
}

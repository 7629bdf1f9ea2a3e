import { extname } from 'node:path';
import type { Command } from 'commander';
import { invalid } from '../errors.js';
import { inputFile, resolveTarget } from '../io/target.js';
import { probeFileTarget, writeFileTarget, writeTarget } from '../io/write.js';
import { render } from '../render/index.js';
import { readResults } from '../results/io.js';

const MARKDOWN = ['.md', '.markdown'];

/** reports/run.json -> reports/run.md */
export function defaultReportPath(resultsPath: string): string {
  const ext = extname(resultsPath);
  return (ext ? resultsPath.slice(0, -ext.length) : resultsPath) + '.md';
}

export async function reportCommand(resultsPath: string, opts: { output?: string; force?: boolean }): Promise<void> {
  const output = opts.output ?? defaultReportPath(resultsPath);
  const force = opts.force ?? false;
  // The input is never an output: `report run.md` (JSON in a .md file) must not replace it.
  const inputs = [inputFile(resultsPath)];
  const field = opts.output === undefined ? 'report (the default --output)' : '--output';
  const target = resolveTarget(output, { field, force, inputs });
  if (target.kind === 'file' && !MARKDOWN.includes(extname(output).toLowerCase())) {
    throw invalid('--output', output, 'a markdown path (.md); the report is markdown');
  }
  const doc = readResults(resultsPath);
  probeFileTarget(target, field);
  // Charts go beside a report file under the same rules (never an input, a baseline only with
  // --force, never a device or FIFO); a report written through a stream has none.
  const charts = (path: string, data: string): void => writeFileTarget(resolveTarget(path, { field: 'chart', named: false, force, inputs }), data, 'chart');
  // The charts are written first, the report last, so a reader who sees the report finds its charts.
  const text = await render(doc, 'markdown', { color: false, ...(target.kind === 'file' ? { outputPath: target.path, writeFile: charts } : {}) });
  await writeTarget(target, text, field);
  if (target.kind !== 'stdout') process.stdout.write(`report: ${target.shown}\n`);
}

export function register(program: Command): void {
  program
    .command('report')
    .description('Render a results JSON as a markdown report with SVG charts beside it')
    .argument('<results.json>', 'results document written by `writeprof run`')
    .option('-o, --output <file.md>', 'report path (default: beside the results, same name, .md), or - for stdout; charts are written next to a file')
    .option('--force', 'allow overwriting a file under reports/baselines/')
    .action(async (results: string, opts: { output?: string; force?: boolean }) => reportCommand(results, opts));
}

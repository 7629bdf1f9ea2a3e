import { extname } from 'node:path';
import type { Command } from 'commander';
import { invalid } from '../errors.js';
import { render } from '../render/index.js';
import { checkWritable, readResults, writeFileAtomic } from '../results/io.js';

/** reports/run.json -> reports/run.md */
export function defaultReportPath(resultsPath: string): string {
  const ext = extname(resultsPath);
  return (ext ? resultsPath.slice(0, -ext.length) : resultsPath) + '.md';
}

export async function reportCommand(resultsPath: string, opts: { output?: string; force?: boolean }): Promise<void> {
  const output = opts.output ?? defaultReportPath(resultsPath);
  if (output.trim() === '') throw invalid('--output', output, 'a file path');
  if (extname(output).toLowerCase() === '.json') throw invalid('--output', output, 'a markdown path (.md); the results JSON is the input');
  const doc = readResults(resultsPath);
  checkWritable(output, { field: '--output', force: opts.force ?? false });
  // The charts are written beside the report by render(); the report itself last, so a reader
  // who sees the report finds its charts.
  const text = await render(doc, 'markdown', { color: false, outputPath: output });
  writeFileAtomic(output, text);
  process.stdout.write(`report: ${output}\n`);
}

export function register(program: Command): void {
  program
    .command('report')
    .description('Render a results JSON as a markdown report with SVG charts beside it')
    .argument('<results.json>', 'results document written by `writeprof run`')
    .option('-o, --output <file.md>', 'report path (default: beside the results, same name, .md); charts are written next to it')
    .option('--force', 'allow overwriting a file under reports/baselines/')
    .action(async (results: string, opts: { output?: string; force?: boolean }) => reportCommand(results, opts));
}

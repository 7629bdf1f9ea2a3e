/**
 * What every command that writes does alike: -f/--format chosen from the allowed formats (or
 * from -o's extension), -o/--output written under the output rules (src/io: atomic, never an
 * input, baselines only with --force), colour only on a terminal, the screen's width, and the
 * markdown appended to GITHUB_STEP_SUMMARY when CI sets it.
 */
import { appendFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { extname } from 'node:path';
import { UsageError, invalid } from '../errors.js';
import { refuseInput, resolveTarget, type InputFile } from '../io/target.js';
import { printable } from '../io/sanitize.js';
import { writeTarget } from '../io/write.js';
import { DEFAULT_WIDTH, screenWidth, wrapBlock } from '../screen.js';

const EXTENSIONS: Record<string, string> = { '.json': 'json', '.md': 'markdown', '.markdown': 'markdown', '.csv': 'csv', '.html': 'html', '.htm': 'html', '.txt': 'table' };

/**
 * The format of a command's output: --format when given (it must agree with -o's extension when
 * that names one), else what -o's extension says, else `fallback`.
 */
export function pickFormat<F extends string>(allowed: readonly F[], format: string | undefined, output: string | undefined, fallback: F): F {
  if (format !== undefined && !(allowed as readonly string[]).includes(format)) throw invalid('--format', format, allowed.join(', '));
  const byExt = output !== undefined && output !== '-' ? EXTENSIONS[extname(output).toLowerCase()] : undefined;
  if (format !== undefined) {
    if (byExt !== undefined && byExt !== format && (allowed as readonly string[]).includes(byExt)) {
      throw invalid('--output', output, `a ${extname(output!)} path holds ${byExt}; with --format ${format} give a name that says so`);
    }
    return format as F;
  }
  if (byExt !== undefined && (allowed as readonly string[]).includes(byExt)) return byExt as F;
  return fallback;
}

/** Colour on stdout: a terminal, and NO_COLOR unset. */
export function colorOn(stream: NodeJS.WriteStream = process.stdout): boolean {
  const noColor = process.env['NO_COLOR'];
  return (noColor === undefined || noColor === '') && stream.isTTY === true;
}

export interface Emit {
  /** -o as given; undefined or '-': stdout */
  output?: string;
  force?: boolean;
  inputs?: readonly InputFile[];
}

/** Writes a command's rendered output to -o (atomically), or to stdout. */
export async function emit(text: string, o: Emit): Promise<void> {
  if (o.output === undefined) {
    process.stdout.write(text);
    return;
  }
  const target = resolveTarget(o.output, { field: '--output', force: o.force ?? false, inputs: o.inputs ?? [] });
  await writeTarget(target, text, '--output');
}

/** The width tables and wrapped lines are laid out for. */
export function outputWidth(): number {
  return screenWidth(process.stdout);
}

/**
 * Appends markdown to $GITHUB_STEP_SUMMARY when CI sets it (compare, ab, run, validate). It is an
 * output like any other: appending to one of the command's inputs would corrupt it.
 */
export function appendStepSummary(markdown: string, inputs: readonly InputFile[]): void {
  const summaryPath = process.env['GITHUB_STEP_SUMMARY'];
  if (!summaryPath) return;
  refuseInput('GITHUB_STEP_SUMMARY', summaryPath, inputs);
  try {
    appendFileSync(summaryPath, markdown.endsWith('\n') ? `${markdown}\n` : `${markdown}\n\n`);
  } catch (err) {
    throw new UsageError(`GITHUB_STEP_SUMMARY: cannot append to ${printable(summaryPath)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** A help text added after a command's options, re-wrapped to the screen when it is narrower. */
export function helpAfter(text: string): () => string {
  return () => wrapBlock(text, screenWidth());
}

/** The output flags of a command that prints a table or its JSON (devices, kernels); --json stays as an alias. */
export function tableOrJsonOptions(cmd: Command): Command {
  return cmd
    .option('-f, --format <format>', 'table or json (default table, or what --output\'s extension says)')
    .option('-o, --output <file>', 'write it there instead of stdout')
    .addOption(new Option('--json', 'same as --format json').hideHelp());
}

export interface TableOrJsonFlags {
  json?: boolean;
  format?: string;
  output?: string;
}

/** Prints (or writes to -o) the table, laid out for the screen, or the JSON. */
export async function emitTableOrJson(flags: TableOrJsonFlags, json: () => unknown, table: (width: number) => string, inputs: Emit['inputs'] = []): Promise<void> {
  const format = flags.json ? 'json' : pickFormat(['table', 'json'] as const, flags.format, flags.output, 'table');
  const text = format === 'json' ? JSON.stringify(json(), null, 2) + '\n' : table(flags.output === undefined ? outputWidth() : DEFAULT_WIDTH);
  await emit(text, flags.output !== undefined ? { output: flags.output, inputs } : {});
}

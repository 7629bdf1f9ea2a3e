/**
 * Where `writeprof run` writes. The results JSON is always kept (it is the source of truth).
 * --output receives one thing, chosen by its extension, or by --format where the name has no
 * known extension (the user insists), and refused when the two disagree:
 *   .json -> the results JSON;  .md/.markdown -> the markdown report;  .csv -> the CSV report
 * (a FIFO or device named so gets that format too).
 * A report's JSON goes beside it (.json); a report written to stdout, a FIFO or a device has its
 * JSON under reports/. Without --output the JSON gets a fresh name under reports/, created
 * exclusively so that two runs started in the same second keep both documents.
 * stdout shows --format (default table) unless --output is stdout itself or receives a report.
 */
import { extname } from 'node:path';
import { invalid } from '../errors.js';
import type { Format } from '../render/index.js';
import { resolveTarget, type InputFile, type Target } from '../io/target.js';
import { defaultResultsPath } from '../results/document.js';

export type ReportFormat = 'markdown' | 'csv';

export interface OutputPlan {
  /** where the results JSON goes */
  json: Target;
  /** the JSON's name was chosen by writeprof (reports/<timestamp>.json): try the next on a clash */
  jsonDefault: boolean;
  /** the report --output receives, when it receives one */
  report?: { target: Target; format: ReportFormat };
  /** what is printed on stdout; undefined: nothing */
  print?: Format;
}

export interface OutputRequest {
  /** --format as given (undefined when the user did not give it) */
  format?: Format;
  output?: string;
  force: boolean;
  inputs: readonly InputFile[];
}

const BY_EXTENSION: Record<string, 'json' | ReportFormat> = { '.json': 'json', '.md': 'markdown', '.markdown': 'markdown', '.csv': 'csv' };
const EXTENSION: Record<'json' | ReportFormat, string> = { json: '.json', markdown: '.md', csv: '.csv' };

/** What a regular file named `output` receives, from its extension and --format. */
export function contentFor(output: string, format: Format | undefined): 'json' | ReportFormat {
  const ext = extname(output).toLowerCase();
  const byExt = BY_EXTENSION[ext];
  if (byExt) {
    if (format === undefined || format === 'table' || format === byExt) return byExt;
    const beside = format === 'json' ? '' : ' (the results JSON is written beside it)';
    throw invalid('--output', output, `a ${EXTENSION[format]} path with --format ${format}${beside}; the name says ${byExt}`);
  }
  if (format === 'json' || format === 'markdown' || format === 'csv') return format;
  throw invalid('--output', output, 'a .json path for the results, .md or .csv for a report (or --format json|markdown|csv to use this name anyway)');
}

/** The n-th candidate default name (1: reports/<stamp>.json, 2: reports/<stamp>-2.json, ...). */
export function defaultTarget(at: Date, n = 1): Target {
  const first = defaultResultsPath(at);
  const path = n === 1 ? first : first.replace(/\.json$/, `-${n}.json`);
  // A fresh name, created exclusively (never replacing a file): no input can be there.
  return { ...resolveTarget(path, { field: '--output', named: false, inputs: [] }), exclusive: true };
}

export function planOutputs(req: OutputRequest, at: Date): OutputPlan {
  const shown = req.format ?? 'table';
  if (req.output === undefined) return { json: defaultTarget(at), jsonDefault: true, print: shown };
  const opts = { field: '--output', force: req.force, inputs: req.inputs };
  const target = resolveTarget(req.output, opts);
  // A name asks for its format whatever it names (a file, a FIFO, a device); a stream or a name
  // without a known extension gets what --format says, JSON by default.
  const named = target.kind === 'file' || BY_EXTENSION[extname(req.output).toLowerCase()] !== undefined;
  const content = named ? contentFor(req.output, req.format) : req.format === 'markdown' || req.format === 'csv' ? req.format : 'json';
  if (content === 'json') return { json: target, jsonDefault: false, ...(target.kind === 'stdout' ? {} : { print: shown }) };
  const report = { target, format: content };
  if (target.kind !== 'file') return { json: defaultTarget(at), jsonDefault: true, report };
  const ext = extname(req.output);
  const beside = (ext ? req.output.slice(0, -ext.length) : req.output) + '.json';
  return { json: resolveTarget(beside, { ...opts, named: false }), jsonDefault: false, report };
}

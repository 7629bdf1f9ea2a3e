/**
 * Where `writeprof run` writes. The results JSON is always written (it is the source of truth);
 * --output names it, except with --format markdown|csv, where --output receives that report and
 * the JSON goes beside it with a .json extension.
 */
import { extname } from 'node:path';
import { invalid } from '../errors.js';
import type { Format } from '../render/index.js';
import { defaultResultsPath } from './document.js';
import { checkWritable } from './io.js';

export interface OutputPlan {
  json: string;
  /** markdown/csv report file, when --output names one */
  report?: string;
}

export function planOutputs(format: Format, output: string | undefined, at: Date): OutputPlan {
  if (output === undefined) return { json: defaultResultsPath(at) };
  if (output.trim() === '') throw invalid('--output', output, 'a file path');
  if (format !== 'markdown' && format !== 'csv') return { json: output };
  const ext = extname(output);
  const json = (ext ? output.slice(0, -ext.length) : output) + '.json';
  if (ext.toLowerCase() === '.json') {
    throw invalid('--output', output, `a .${format === 'markdown' ? 'md' : 'csv'} path with --format ${format} (the results JSON is written beside it)`);
  }
  return { json, report: output };
}

/** Every planned path must be writable before the sweep starts, not after it. */
export function checkOutputs(plan: OutputPlan, force: boolean): void {
  checkWritable(plan.json, { field: '--output', force });
  if (plan.report) checkWritable(plan.report, { field: '--output', force });
}

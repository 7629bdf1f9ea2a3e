/**
 * Gate baselines merged from several runs of the same profile on the same machine.
 * One run's medians carry that process's luck (memory layout, clocks, neighbours); a baseline
 * that pools K runs has a centre K times less variable, and keeps each run's median
 * (`runMedians`) so that compare can test a new run against the run-to-run spread.
 *
 *   node dist/gates/baseline.js --output <baseline.json> <run1.json> <run2.json> ...
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { caseId } from '../model.js';
import { UsageError, exitCodeOf } from '../errors.js';
import type { CaseResult, ResultsDocument } from '../results/schema.js';
import { inputFile, resolveTarget } from '../io/target.js';
import { writeFileTarget } from '../io/write.js';
import { readResults, resultsText } from '../results/file.js';
import { mergeCase } from '../results/runs.js';
import { checkComparable } from './compare.js';

/** Merges runs case by case (matched by axes); a case missing from some runs keeps the others. */
export function mergeRuns(docs: ResultsDocument[]): ResultsDocument {
  if (docs.length === 0) throw new UsageError('baseline: no results documents to merge');
  const first = docs[0]!;
  for (const d of docs.slice(1)) checkComparable(first, d);
  const order: string[] = [];
  const byId = new Map<string, CaseResult[]>();
  for (const d of docs) {
    for (const c of d.cases) {
      const id = caseId(c);
      if (!byId.has(id)) {
        byId.set(id, []);
        order.push(id);
      }
      byId.get(id)!.push(c);
    }
  }
  const partial = docs.some((d) => d.partial === true);
  return {
    ...first,
    createdAt: docs[docs.length - 1]!.createdAt,
    ...(partial ? { partial: true } : {}),
    cases: order.map((id) => mergeCase(byId.get(id)!)),
  };
}

function main(argv: string[]): number {
  try {
    const i = argv.indexOf('--output');
    if (i < 0 || i + 1 >= argv.length) throw new UsageError('baseline: --output <path> is required');
    const output = argv[i + 1]!;
    const inputs = argv.filter((_, k) => k !== i && k !== i + 1);
    if (inputs.length === 0) throw new UsageError('baseline: give the results files of the runs to merge');
    // The merged baseline may replace an older one (that is its job), never one of its inputs.
    const target = resolveTarget(output, { field: '--output', force: true, named: false, inputs: inputs.map((p) => inputFile(p)) });
    const merged = mergeRuns(inputs.map((p) => readResults(p)));
    writeFileTarget(target, resultsText(merged), '--output');
    process.stderr.write(`baseline: merged ${inputs.length} runs (${merged.cases.length} cases) into ${output}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`baseline: ${err instanceof Error ? err.message : String(err)}\n`);
    return exitCodeOf(err);
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}

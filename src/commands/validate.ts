import type { Command } from 'commander';
import { appendStepSummary, emit, helpAfter, outputWidth, pickFormat } from './output.js';
import { CheckFailed, UsageError } from '../errors.js';
import { loadClaims } from '../gates/claims.js';
import { evaluateClaims, formatClaimLine, type ClaimResult } from '../gates/validate.js';
import { VALIDATE_SCHEMA, type ValidateDocument } from '../gates/documents.js';
import { inputFile } from '../io/target.js';
import { wrap } from '../screen.js';
import { readMeasured } from '../results/file.js';
import { splitByDevice } from '../results/devices.js';

const HELP = `
Claims file (JSON, strict): { "name": ..., "claims": [ { "id", "text", "kind", "select"?, ... } ] }
  kinds and thresholds:
    minSpeedup            min: ratio over baseline (20 = 20x); strategy: best|<name>; bound: median|low
    minConflictReduction  min: percent fewer (lock retries + CAS failures) per write than baseline
    minBandwidthFraction  min: fraction 0..1 of reference (a key of case.bandwidth) or referenceBytesPerSec
    minScalingEfficiency  min: fraction 0..1 of ops(T) / (T * ops(1)) for every T up to upToThreads
    maxLostWrites         max: lost + stale + corrupted writes over the selected cases
  select: { mode, strategy, valueSize, batchSize, threads, keyDist, loadFactor, keys }; a number or a
  list must be present in the results; numeric axes also take { "min": .., "max": .. }.
  Merged results from several devices: every claim is checked on each device ("id [device]").

Exit codes: 0 every claim passes; 1 a claim fails (even when others cannot be evaluated);
  2 bad input, or a claim that cannot be evaluated (its cases are absent, did not run, or lack
  the figure it needs; a partial run passes nothing): never a silent pass. The JSON
  (--format json) says the same: verdict PASS, FAIL or N/A, and exitCode.

Examples:
  writeprof validate reports/run.json -c profiles/claims/story-3.1.json
  writeprof validate reports/run.json -c profiles/claims/cpu-ci.json -f json -o verdict.json
  writeprof run --peer redis -o reports/r.json && writeprof validate reports/r.json -c ...
`;

export const VALIDATE_FORMATS = ['table', 'json', 'markdown'] as const;

interface ValidateFlags {
  claims: string;
  format?: string;
  output?: string;
  force?: boolean;
}

/** The claims checked, with the one verdict their exit code says: FAIL 1, else N/A 2, else PASS 0. */
export function validationDocument(resultsPath: string, claimsPath: string, name: string, results: readonly ClaimResult[]): ValidateDocument {
  const na = results.filter((r) => r.verdict === 'N/A');
  const failed = results.filter((r) => r.verdict === 'FAIL');
  // A failed check outranks one that could not be made: FAIL -> 1, else N/A -> 2, else 0.
  const naText = na.length ? `${na.length} cannot be evaluated: ${na.map((r) => r.id).join(', ')}` : '';
  const [verdict, exitCode, headline] = failed.length
    ? (['FAIL', 1, `FAIL: ${failed.length} of ${results.length} claims failed: ${failed.map((r) => r.id).join(', ')}${naText ? `; ${naText}` : ''}`] as const)
    : na.length
      ? (['N/A', 2, `N/A: ${na.length} of ${results.length} claims cannot be evaluated: ${na.map((r) => r.id).join(', ')}; none failed`] as const)
      : (['PASS', 0, `PASS: all ${results.length} claims hold`] as const);
  return { schema: VALIDATE_SCHEMA, verdict, exitCode, headline, results: resultsPath, claimsFile: claimsPath, claimsName: name, claims: [...results] };
}

function markdownOf(d: ValidateDocument): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const rows = d.claims.map((c) => `| ${c.verdict === 'PASS' ? c.verdict : `**${c.verdict}**`} | \`${c.id}\` | ${cell(c.measuredText)} | ${cell(c.requiredText)} | ${cell(c.verdict === 'N/A' ? (c.detail ?? '') : (c.worst ?? ''))} |`);
  return [
    `### writeprof validate: ${d.verdict}`,
    '',
    `**${cell(d.headline)}** (claims ${cell(d.claimsName)} from \`${d.claimsFile}\` against \`${d.results}\`)`,
    '',
    '| Verdict | Claim | Measured | Required | Worst case / why not evaluated |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n') + '\n';
}

export async function validateCommand(resultsPath: string, opts: ValidateFlags): Promise<void> {
  const format = pickFormat(VALIDATE_FORMATS, opts.format, opts.output, 'table');
  const claims = loadClaims(opts.claims);
  const doc = readMeasured(resultsPath, 'results');
  // Claims hold per device: a speedup or a scaling curve never mixes cases of two devices.
  const parts = splitByDevice(doc);
  const results = parts.flatMap((p) => evaluateClaims(p.doc, claims).map((r) => (parts.length > 1 ? { ...r, id: `${r.id} [${p.label}]` } : r)));
  const d = validationDocument(resultsPath, opts.claims, claims.name, results);
  const table = [...results.map((r) => formatClaimLine(r)), d.headline].flatMap((l) => wrap(l, outputWidth(), '     ')).join('\n') + '\n';
  const text = format === 'json' ? JSON.stringify(d, null, 2) + '\n' : format === 'markdown' ? markdownOf(d) : table;
  const toFile = opts.output !== undefined && opts.output !== '-';
  const inputs = [inputFile(resultsPath), inputFile(opts.claims)];
  if (opts.output !== undefined) await emit(text, { output: opts.output, force: opts.force === true, inputs });
  if (toFile || opts.output === undefined) process.stdout.write(toFile ? table : text);
  appendStepSummary(markdownOf(d), inputs);
  if (d.exitCode === 1) throw new CheckFailed(d.headline.replace(/^FAIL: /, ''));
  if (d.exitCode === 2) {
    const na = results.filter((r) => r.verdict === 'N/A');
    if (na.length === 1) throw new UsageError(`claim ${na[0]!.id} cannot be evaluated: ${na[0]!.detail ?? ''}`);
    throw new UsageError(d.headline.replace(/^N\/A: /, ''));
  }
}

export function register(program: Command): void {
  program
    .command('validate')
    .description('Check a claims file against a results JSON: one PASS/FAIL/N/A line per claim, then the verdict')
    .argument('<results.json>', 'results document written by `writeprof run`')
    .requiredOption('-c, --claims <claims.json>', 'claims file (e.g. profiles/claims/story-3.1.json)')
    .option('-f, --format <format>', 'table, json or markdown (default table, or what --output\'s extension says)')
    .option('-o, --output <file>', 'write the verdict there (.json, .md, else --format); stdout still shows the table')
    .option('--force', 'allow --output to overwrite a file under reports/baselines/')
    .addHelpText('after', helpAfter(HELP))
    .action(async (results: string, opts: ValidateFlags) => validateCommand(results, opts));
}

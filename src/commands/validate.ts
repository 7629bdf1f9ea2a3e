import type { Command } from 'commander';
import { CheckFailed, UsageError } from '../errors.js';
import { loadClaims } from '../gates/claims.js';
import { evaluateClaims, formatClaimLine } from '../gates/validate.js';
import { readMeasured } from '../results/file.js';
import { splitByDevice } from '../results/devices.js';

const HELP = `
Claims file (JSON, strict): { "name": ..., "claims": [ { "id", "text", "kind", "select"?, ... } ] }
  kinds and thresholds:
    minSpeedup            min: ratio over baseline (20 = 20x); strategy: best|<name>; bound: median|low
    minConflictReduction  min: percent fewer (lock retries + CAS failures) per write than baseline
    minBandwidthFraction  min: fraction 0..1 of reference (a key of case.bandwidth) or referenceBytesPerSec
    minScalingEfficiency  min: fraction 0..1 of ops(T) / (T * ops(1)) for every T up to upToThreads
    maxLostWrites         max: lost + corrupted writes over the selected cases
  select: { mode, strategy, valueSize, batchSize, threads, keyDist, loadFactor, keys }; a number or a
  list must be present in the results; numeric axes also take { "min": .., "max": .. }.
  Merged results from several devices: every claim is checked on each device ("id [device]").

Exit codes: 0 every claim passes; 1 a claim fails (even when others cannot be evaluated);
  2 bad input, or a claim that cannot be evaluated (its cases are absent, did not run, or lack
  the figure it needs; a partial run passes nothing): never a silent pass.
`;

export async function validateCommand(resultsPath: string, opts: { claims: string }): Promise<void> {
  const claims = loadClaims(opts.claims);
  const doc = readMeasured(resultsPath, 'results');
  // Claims hold per device: a speedup or a scaling curve never mixes cases of two devices.
  const parts = splitByDevice(doc);
  const results = parts.flatMap((p) => evaluateClaims(p.doc, claims).map((r) => (parts.length > 1 ? { ...r, id: `${r.id} [${p.label}]` } : r)));
  for (const r of results) process.stdout.write(formatClaimLine(r) + '\n');
  const na = results.filter((r) => r.verdict === 'N/A');
  const failed = results.filter((r) => r.verdict === 'FAIL');
  // A failed check outranks one that could not be made: FAIL -> 1, else N/A -> 2, else 0.
  const naText = na.length ? `${na.length} cannot be evaluated: ${na.map((r) => r.id).join(', ')}` : '';
  if (failed.length) {
    throw new CheckFailed(`${failed.length} of ${results.length} claims failed: ${failed.map((r) => r.id).join(', ')}${naText ? `; ${naText}` : ''}`);
  }
  if (na.length === 1) throw new UsageError(`claim ${na[0]!.id} cannot be evaluated: ${na[0]!.detail ?? ''}`);
  if (na.length) throw new UsageError(`${na.length} of ${results.length} claims cannot be evaluated: ${na.map((r) => r.id).join(', ')}; none failed`);
}

export function register(program: Command): void {
  program
    .command('validate')
    .description('Check a claims file against a results JSON: one PASS/FAIL line per claim')
    .argument('<results.json>', 'results document written by `writeprof run`')
    .requiredOption('-c, --claims <claims.json>', 'claims file (e.g. profiles/claims/story-3.1.json)')
    .addHelpText('after', HELP)
    .action(async (results: string, opts: { claims: string }) => validateCommand(results, opts));
}

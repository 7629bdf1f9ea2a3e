import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { helpAfter } from './output.js';
import { CheckFailed, UsageError, invalid } from '../errors.js';
import { shortDigest } from '../profile/digest.js';
import { FORMATS, render, type Format } from '../render/index.js';
import { checkWritable } from '../io/write.js';
import { printable } from '../io/sanitize.js';
import { inputFile } from '../io/target.js';
import { readMeasured, writeResultsAtomic } from '../results/file.js';
import { mergeResults, missingShards, type MergeInput, type MergeOutcome } from '../results/merge.js';

const HELP = `
Inputs: results files of \`writeprof run --shard i/n\` (or whole runs, or earlier merges) of one plan
  (same profile, flags and writeprof version: their plan digests must be equal); a directory
  stands for the *.json files directly inside it.

Complete means every device present holds every case of the plan. A missing shard or case is
  named, with the shard to re-run (\`writeprof run ... --shard i/n\`, or for a Slurm sweep
  \`writeprof slurm --resume <dir> --submit\`). A shard's interrupted (partial) results are
  superseded by a complete re-run of that shard; any other case present twice on one device is
  a duplicate. Each case keeps the environment (host, device) it ran in; results from several
  kinds of device render as the story's tables per device plus one comparison table.

Exit codes: 0 merged (complete, or partial with --allow-partial); 1 incomplete or duplicate
  cases (nothing written); 2 bad input (unreadable file, different plans).

Examples:
  writeprof merge reports/fleet-h100/shards -o reports/fleet-h100/all.json
  writeprof merge h100/all.json a100/all.json -o h100-vs-a100.json   # devices side by side
`;

interface MergeFlags {
  output: string;
  allowPartial?: boolean;
  format: string;
  quiet?: boolean;
  force?: boolean;
}

/** Files named, and the *.json files directly inside directories named (sorted; temp files skipped). */
export function expandInputs(paths: readonly string[], exclude: string): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      /* readResults names a missing file */
    }
    if (!isDir) {
      out.push(p);
      continue;
    }
    const files = readdirSync(p)
      .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
      .sort()
      .map((f) => join(p, f))
      .filter((f) => resolve(f) !== resolve(exclude));
    out.push(...files);
  }
  return out;
}

function listCases(ids: readonly string[], max = 3): string {
  const shown = ids.slice(0, max).join(', ');
  return ids.length > max ? `${shown} and ${ids.length - max} more` : shown;
}

/** What merge found, one line each: inputs, devices, and every gap or duplicate. */
export function mergeSummary(o: MergeOutcome, inputs: readonly MergeInput[]): string[] {
  const shards = o.shards ? `, ${o.shards} shards` : '';
  const lines = [`merge: plan ${shortDigest(o.plan.digest)} (profile ${o.profile}, ${o.plan.cases} cases${shards}) from ${inputs.length} results`];
  for (const { file, doc } of inputs) {
    const sh = doc.shard ? `shard ${doc.shard.index}/${doc.shard.count}` : doc.merged ? 'merged' : 'whole run';
    const partial = doc.partial ? ' (partial: interrupted)' : '';
    lines.push(`  ${sh}: ${doc.cases.length} cases${partial} on ${doc.environment.host} — ${file}`);
  }
  for (const d of o.devices) lines.push(`  device ${d.label}: ${d.cases} of ${o.plan.cases} cases, hosts ${d.hosts.join(', ')}`);
  for (const s of o.superseded) lines.push(`  superseded: ${s.cases} cases of ${s.file} (interrupted) by ${s.by}`);
  for (const g of o.missing) {
    const where = g.shard !== undefined ? `shard ${g.shard}/${o.shards}` : 'plan';
    lines.push(`  missing on ${g.device}: ${where}, ${g.cases.length} cases (${listCases(g.cases)})`);
  }
  for (const d of o.duplicates) lines.push(`  duplicate on ${d.device}: ${d.id} in ${d.files[0]} and ${d.files[1]}`);
  return lines;
}

/** The one line that says what to re-run. */
export function rerunHint(o: MergeOutcome): string {
  const shards = missingShards(o);
  if (shards.length === 0) return 're-run the missing cases with the same profile and flags';
  const list = shards.map((s) => `${s}/${o.shards}`).join(', ');
  return `re-run shard ${list} with the same profile and flags (writeprof run ... --shard ${shards[0]}/${o.shards}), or for a Slurm sweep: writeprof slurm --resume <dir> --submit`;
}

export async function mergeCommand(paths: string[], flags: MergeFlags): Promise<void> {
  if (flags.output.trim() === '') throw invalid('--output', flags.output, 'a file path');
  if (!(FORMATS as readonly string[]).includes(flags.format)) throw invalid('--format', flags.format, FORMATS.join(', '));
  const format = flags.format as Format;
  const files = expandInputs(paths, flags.output);
  if (files.length === 0) throw new CheckFailed(`merge: no results files in ${paths.map(printable).join(', ')} (every shard failed before writing results?)`);
  // The output is none of the inputs, by identity (a link to an input is that input).
  const inputs = files.map(inputFile);
  checkWritable(flags.output, { field: '--output', inputs, force: flags.force === true });
  // Names are echoed (summary, the merged document's record of its inputs): escaped once, here.
  const docs = files.map((file) => ({ file: printable(file), doc: readMeasured(file, 'merge') }));
  const outcome = mergeResults(docs);
  const note = (line: string): void => {
    if (!flags.quiet) process.stderr.write(`${printable(line)}\n`);
  };
  for (const line of mergeSummary(outcome, docs)) note(line);

  if (outcome.duplicates.length) {
    throw new CheckFailed(`merge: ${outcome.duplicates.length} cases appear twice on one device (see above); nothing written`);
  }
  const absent = outcome.missing.reduce((a, g) => a + g.cases.length, 0);
  if (absent > 0 && !flags.allowPartial) {
    throw new CheckFailed(`merge: incomplete, ${absent} cases missing; nothing written (--allow-partial writes what there is); ${rerunHint(outcome)}`);
  }
  writeResultsAtomic(flags.output, outcome.doc, { inputs, field: '--output', force: flags.force === true });
  note(`results: ${flags.output}${absent ? ` (partial: ${absent} cases missing)` : ''}`);
  const color = format === 'table' && process.stdout.isTTY === true && !process.env['NO_COLOR'];
  process.stdout.write((await render(outcome.doc, format, { color })).text);
}

export function register(program: Command): void {
  program
    .command('merge')
    .description('Merge shard results of one plan into one results JSON; exit 1 when cases are missing or duplicated')
    .argument('<results...>', 'results files (or directories of them) from `writeprof run --shard i/n`')
    .requiredOption('-o, --output <all.json>', 'merged results JSON to write')
    .option('--allow-partial', 'write the merged results even when cases are missing (marked partial)')
    .option('-f, --format <table|json|markdown|csv>', 'what to print on stdout after writing', 'table')
    .option('-q, --quiet', 'no summary on stderr')
    .option('--force', 'allow --output to overwrite a file under reports/baselines/')
    .addHelpText('after', helpAfter(HELP))
    .action(async (paths: string[], flags: MergeFlags) => mergeCommand(paths, flags));
}

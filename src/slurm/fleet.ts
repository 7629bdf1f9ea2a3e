/**
 * A fleet sweep's directory, written by `writeprof slurm`:
 *   fleet.json     this manifest (plan, shards, settings, submissions)
 *   profile.json   the profile with the flags applied, frozen: every shard runs exactly this plan
 *   shard.sbatch   one shard per array task;  merge.sbatch  merge + report, after the shards
 *   strategies/    copies of the --strategy-file files, which every shard runs (frozen too)
 *   shards/        shard-<i>-of-<n>.json      logs/  one file per job
 *   all.json, report.md (+ charts)            written by the merge job
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { readJsonFile, formatPath } from '../io/json.js';
import { writeFileAtomic } from '../io/write.js';
import type { InputFile } from '../io/target.js';

export const FLEET_FORMAT = 'writeprof-fleet/1';

const manifestSchema = z.object({
  format: z.literal(FLEET_FORMAT),
  profile: z.string(),
  shards: z.number().int().positive(),
  digest: z.string(),
  backend: z.string(),
  seed: z.number().int().nonnegative(),
  countConflicts: z.boolean(),
  slurm: z.record(z.string(), z.string()),
  /** each array queued, and the merge job after it (null: refused, or not yet submitted) */
  submissions: z.array(z.object({ at: z.string(), shards: z.array(z.number().int().positive()), arrayJob: z.string(), mergeJob: z.string().nullable() })),
  /** --strategy-file: each strategy's name, the file as given, its hash and its copy under strategies/ */
  strategyFiles: z.array(z.object({ name: z.string(), path: z.string(), sha256: z.string(), copy: z.string() })).optional(),
});
export type FleetManifest = z.infer<typeof manifestSchema>;

export const fleetPaths = (dir: string) => ({
  manifest: join(dir, 'fleet.json'),
  profile: join(dir, 'profile.json'),
  shardScript: join(dir, 'shard.sbatch'),
  mergeScript: join(dir, 'merge.sbatch'),
  shards: join(dir, 'shards'),
  logs: join(dir, 'logs'),
  results: join(dir, 'all.json'),
  report: join(dir, 'report.md'),
  strategies: join(dir, 'strategies'),
  shardResult: (i: number | string, n: number) => join(dir, 'shards', `shard-${i}-of-${n}.json`),
});

export function readManifest(dir: string): FleetManifest {
  const file = fleetPaths(dir).manifest;
  if (!existsSync(file)) throw new UsageError(`--resume: ${dir} holds no fleet sweep (no fleet.json); give the --dir of a \`writeprof slurm\` run`);
  const raw = readJsonFile(file);
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${file}: ${formatPath(issue.path)}: invalid (${issue.message}); written by another writeprof version?`);
  }
  return parsed.data;
}

export function writeManifest(dir: string, m: FleetManifest, inputs: readonly InputFile[]): void {
  writeFileAtomic(fleetPaths(dir).manifest, JSON.stringify(m, null, 2) + '\n', { inputs, field: '--dir' });
}

/**
 * `writeprof slurm` on a real single-node Slurm cluster (./cluster.ts): a 4-shard sweep of a tiny
 * profile runs as a job array through sbatch, the dependent job merges and reports, and the merged
 * cases equal an unsharded run's. Then the fault path: a shard cancelled before it ran is named
 * by the merge job, and `--resume` re-runs that shard alone and completes the set.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../../src/results/file.js';
import type { ResultsDocument } from '../../src/results/schema.js';
import { requireBuilt, runCli, startCli } from '../cli/helpers.js';
import { startCluster, type Cluster } from './cluster.js';
import { TINY_PROFILE } from './tiny-profile.js';

const work = mkdtempSync(join(tmpdir(), 'wp-fleet-'));
const profile = join(work, 'tiny.json');
let cluster: Cluster | undefined;
let reference: ResultsDocument;

const ids = (d: ResultsDocument): string[] => d.cases.map((c) => c.id).sort();

beforeAll(async () => {
  requireBuilt();
  writeFileSync(profile, JSON.stringify(TINY_PROFILE));
  // The unsharded run measures while the daemons start.
  const unsharded = runCli(['run', '--profile', profile, '--backend', 'cpu', '--output', join(work, 'unsharded.json'), '--quiet', '--format', 'json'], { cwd: work });
  cluster = await startCluster();
  expect((await unsharded).code).toBe(0);
  reference = readResults(join(work, 'unsharded.json'));
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(work, { recursive: true, force: true });
}, 30_000);

function manifest(dir: string): { digest: string; submissions: { shards: number[]; arrayJob: string; mergeJob: string | null }[] } {
  return JSON.parse(readFileSync(join(dir, 'fleet.json'), 'utf8'));
}

function jobField(c: Cluster, id: string, field: string): string {
  return new RegExp(`\\b${field}=(\\S+)`).exec(c.cmd('scontrol', ['show', 'job', '-o', id]))?.[1] ?? '';
}

describe('writeprof slurm on a real Slurm cluster', () => {
  it('runs a 4-shard sweep as a job array, then merges and reports: the cases of an unsharded run', async () => {
    const c = cluster!;
    const dir = join(work, 'fleet');
    const r = await runCli(['slurm', '--profile', profile, '--shards', '4', '--dir', dir, '--backend', 'cpu', '--time', '5', '--submit', '--wait'], { cwd: work, env: c.env });
    expect(r.stderr).not.toMatch(/writeprof: /);
    expect(r.code).toBe(0);
    const m = manifest(dir);
    expect(m.submissions).toHaveLength(1);
    const { arrayJob, mergeJob, shards } = m.submissions[0]!;
    expect(shards).toEqual([1, 2, 3, 4]);
    expect(r.stdout).toContain(`as job array ${arrayJob}`);
    expect(jobField(c, mergeJob, 'JobState')).toBe('COMPLETED');
    expect(jobField(c, mergeJob, 'Dependency')).toBe('(null)');

    // Each array task ran its own shard, under Slurm, and logged it.
    for (let i = 1; i <= 4; i++) {
      const shard = readResults(join(dir, 'shards', `shard-${i}-of-4.json`));
      expect(shard.shard).toMatchObject({ index: i, count: 4 });
      expect(shard.plan!.digest).toBe(m.digest);
      expect(readFileSync(join(dir, 'logs', `shard-${i}-job-${arrayJob}.out`), 'utf8')).toContain(`shard ${i}/4:`);
    }
    const merged = readResults(join(dir, 'all.json'));
    expect(merged.partial).toBeUndefined();
    expect(merged.plan!.digest).toBe(reference.plan!.digest);
    expect(ids(merged)).toEqual(ids(reference));
    expect(merged.merged!.inputs.map((i) => i.shard).sort()).toEqual(['1/4', '2/4', '3/4', '4/4']);
    for (const k of merged.cases) expect(k.environment?.backend).toBe('cpu');
    const report = readFileSync(join(dir, 'report.md'), 'utf8');
    for (const heading of ['Single Write Performance', 'Batch Write Performance', 'Concurrent Write Performance']) expect(report).toContain(heading);
    expect(readFileSync(join(dir, 'logs', `merge-job-${mergeJob}.out`), 'utf8')).toContain('device ');
  }, 90_000);

  it('names a cancelled shard in the merge job, and --resume re-runs only that shard', async () => {
    const c = cluster!;
    const dir = join(work, 'faulty');
    // Held jobs let the test cancel task 2 before it starts: a shard that never ran (preempted, node lost).
    const first = startCli(['slurm', '--profile', profile, '--shards', '4', '--dir', dir, '--backend', 'cpu', '--submit', '--wait'], {
      cwd: work,
      env: { ...c.env, SBATCH_HOLD: '1' },
    });
    const until = Date.now() + 20_000;
    while (!existsSync(join(dir, 'fleet.json')) || !manifest(dir).submissions[0]?.mergeJob) {
      if (Date.now() > until) throw new Error('writeprof slurm --submit did not record its jobs');
      await sleep(100);
    }
    const { arrayJob, mergeJob } = manifest(dir).submissions[0]! as { arrayJob: string; mergeJob: string };
    c.cmd('scancel', [`${arrayJob}_2`]);
    // Release the other tasks by id: releasing the whole array would also name the cancelled task.
    c.cmd('scontrol', ['release', [1, 3, 4].map((i) => `${arrayJob}_${i}`).join(',')]);
    c.cmd('scontrol', ['release', mergeJob]);
    const failed = await first.done;
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^ {2}missing on .*: shard 2\/4, \d+ cases/m);
    expect(failed.stderr).toMatch(new RegExp(`^writeprof: merge job ${mergeJob} ended FAILED \\(exit 1\\); .*writeprof slurm --resume .*faulty --submit$`, 'm'));
    expect(jobField(c, mergeJob, 'JobState')).toBe('FAILED');
    expect(jobField(c, mergeJob, 'ExitCode')).toBe('1:0');
    const log = readFileSync(join(dir, 'logs', `merge-job-${mergeJob}.out`), 'utf8');
    expect(log).toMatch(/missing on .*: shard 2\/4, \d+ cases/);
    expect(log).toContain('incomplete');
    expect(existsSync(join(dir, 'all.json'))).toBe(false);
    expect(existsSync(join(dir, 'shards', 'shard-2-of-4.json'))).toBe(false);
    const kept = [1, 3, 4].map((i) => statSync(join(dir, 'shards', `shard-${i}-of-4.json`)).mtimeMs);

    const again = await runCli(['slurm', '--resume', dir, '--submit', '--wait'], { cwd: work, env: c.env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('to run: shard 2 of 4');
    const resumed = manifest(dir).submissions[1]!;
    expect(resumed.shards).toEqual([2]);
    expect(readFileSync(join(dir, 'logs', `shard-2-job-${resumed.arrayJob}.out`), 'utf8')).toContain('shard 2/4:');
    // The shards that had finished were not run again.
    expect([1, 3, 4].map((i) => statSync(join(dir, 'shards', `shard-${i}-of-4.json`)).mtimeMs)).toEqual(kept);
    const merged = readResults(join(dir, 'all.json'));
    expect(merged.partial).toBeUndefined();
    expect(ids(merged)).toEqual(ids(reference));

    const done = await runCli(['slurm', '--resume', dir], { cwd: work, env: c.env });
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('every shard has complete results; nothing to re-run');
  }, 90_000);

  it('a merge job refused after the array was queued: the array is recorded, and --resume queues only the merge job', async () => {
    const c = cluster!;
    const dir = join(work, 'refused');
    // A site's submit filter that refuses the merge job (a job with a dependency), in front of the
    // real sbatch; what it passes on is held, so the array is still queued when --resume looks.
    const bin = join(work, 'filter-bin');
    mkdirSync(bin, { recursive: true });
    const realSbatch = c.cmd('bash', ['-c', 'command -v sbatch']).trim();
    writeFileSync(
      join(bin, 'sbatch'),
      `#!/bin/bash\nfor a in "$@"; do case "$a" in --dependency=*) echo "sbatch: error: Batch job submission failed: Job violates accounting/QOS policy" >&2; exit 1;; esac; done\nexec ${realSbatch} --hold "$@"\n`,
    );
    chmodSync(join(bin, 'sbatch'), 0o755);
    const refused = await runCli(['slurm', '--profile', profile, '--shards', '2', '--dir', dir, '--backend', 'cpu', '--submit'], {
      cwd: work,
      env: { ...c.env, PATH: `${bin}:${c.env['PATH']}` },
    });
    expect(refused.code).toBe(2);
    const [first] = manifest(dir).submissions;
    expect(first).toMatchObject({ shards: [1, 2], mergeJob: null });
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(new RegExp(`^writeprof: sbatch refused the merge job: .*QOS policy; job array ${first!.arrayJob} \\(shards 1-2\\) is queued and recorded in .*fleet\\.json; submit the merge job once the cause is fixed: writeprof slurm --resume \\S+ --submit`));

    const again = startCli(['slurm', '--resume', dir, '--submit', '--wait'], { cwd: work, env: c.env });
    const until = Date.now() + 20_000;
    while (manifest(dir).submissions[0]!.mergeJob === null) {
      if (Date.now() > until) {
        again.child.kill('SIGKILL');
        const out = await again.done;
        throw new Error(`--resume did not submit the merge job: ${out.stdout} ${out.stderr}`);
      }
      await sleep(100);
    }
    const m = manifest(dir);
    expect(m.submissions).toHaveLength(1); // no second array: the queued shards were not queued again
    c.cmd('scontrol', ['release', m.submissions[0]!.arrayJob]);
    const done = await again.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(new RegExp(`queued already in job array ${first!.arrayJob}: shard 1, 2`));
    expect(done.stdout).toMatch(/submitted: nothing new/);
    expect(manifest(dir).submissions).toHaveLength(1);
    expect(readResults(join(dir, 'all.json')).partial).toBeUndefined();
  }, 90_000);
});

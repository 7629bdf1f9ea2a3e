/**
 * Fleet commands as a user runs them, without a scheduler: `run --shard`, `merge`, and `report`,
 * `validate`, `compare` on the merged results; `slurm` writing its scripts and refusing bad input.
 * (tests/slurm/ runs the same sweep through a real Slurm cluster.)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { readResults } from '../../src/results/file.js';
import { TINY_PROFILE } from '../slurm/tiny-profile.js';
import { requireBuilt, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wp-fleet-cli-'));
const profile = join(dir, 'tiny.json');
const shard = (i: number) => join(dir, 'shards', `s${i}.json`);
const cli = (...args: string[]) => runCli(args, { cwd: dir });

/** The CLI in this process (no Node start-up per call): exit code and what it wrote. */
async function inProcess(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const code = await main(['node', 'writeprof', ...args]);
    return { code, stdout, stderr };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    process.exitCode = undefined;
    vi.restoreAllMocks();
  }
}

afterEach(() => {
  process.exitCode = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  requireBuilt();
  writeFileSync(profile, JSON.stringify(TINY_PROFILE));
  const runs = await Promise.all([1, 2, 3].map((i) => cli('run', '--profile', profile, '--backend', 'cpu', '--shard', `${i}/3`, '--output', shard(i), '--quiet', '--format', 'json')));
  for (const r of runs) expect(r.code, r.stderr).toBe(0);
}, 60_000);

describe('writeprof run --shard', () => {
  it('runs a disjoint slice and records the shard, the plan digest and the profile', () => {
    const docs = [1, 2, 3].map((i) => readResults(shard(i)));
    const ids = docs.flatMap((d) => d.cases.map((c) => c.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(12);
    docs.forEach((d, i) => {
      expect(d.shard).toMatchObject({ index: i + 1, count: 3, cases: d.cases.length });
      expect(d.shard!.estimatedSeconds).toBeGreaterThan(0);
      expect(d.plan).toMatchObject({ digest: docs[0]!.plan!.digest, cases: 12, seed: 42, countConflicts: true });
      expect(d.profile.suites!.map((s) => s.mode)).toEqual(['single', 'batch', 'concurrent']);
    });
  });

  it('refuses a bad slice with one line naming the flag (exit 2)', async () => {
    for (const bad of ['4/3', '0/3', 'half', '1/7']) {
      const r = await inProcess(['run', '--profile', profile, '--backend', 'cpu', '--shard', bad, '--output', join(dir, 'never.json')]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^writeprof: --shard: /);
    }
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });
});

describe('writeprof merge', () => {
  it('merges a directory of shards into the whole plan; report, validate and compare accept the result', async () => {
    const out = join(dir, 'all.json');
    const r = await cli('merge', join(dir, 'shards'), '-o', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^merge: plan [0-9a-f]{12} \(profile tiny, 12 cases, 3 shards\) from 3 results$/m);
    expect(r.stderr).toMatch(/device .* \(cpu\): 12 of 12 cases, hosts /);
    expect(r.stdout).toContain('Merged from 3 results files');
    expect(r.stdout).toContain('Single Write Performance');
    const merged = readResults(out);
    expect(merged.cases).toHaveLength(12);
    expect(merged.partial).toBeUndefined();
    expect(merged.cases.every((c) => c.environment?.backend === 'cpu')).toBe(true);

    const report = await cli('report', out, '--output', join(dir, 'all.md'));
    expect(report.code, report.stderr).toBe(0);
    expect(readFileSync(join(dir, 'all.md'), 'utf8')).toContain('Merged from 3 results files');

    const claims = join(dir, 'claims.json');
    writeFileSync(claims, JSON.stringify({ name: 'c', claims: [{ id: 'intact', text: 'no lost writes', kind: 'maxLostWrites', max: 0 }] }));
    const validate = await cli('validate', out, '--claims', claims);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/^PASS intact: measured 0 lost, stale or corrupted in 12 cases/);

    // Read and compared case by case; one document against itself is still two separate runs to
    // compare (it cannot know the drift between them): INCONCLUSIVE, exit 2, never a pass.
    const compare = await cli('compare', out, out, '--format', 'json');
    const verdict = JSON.parse(compare.stdout);
    expect(verdict.cases).toHaveLength(12);
    expect(verdict.verdict).toBe('INCONCLUSIVE');
    expect(compare.code, compare.stderr).toBe(2);
  });

  it('exits 1 naming the missing shard, writes nothing; --allow-partial writes a partial document', async () => {
    const out = join(dir, 'two.json');
    const r = await inProcess(['merge', shard(1), shard(3), '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ {2}missing on .*: shard 2\/3, \d+ cases \(/m);
    expect(r.stderr).toMatch(/^writeprof: merge: incomplete, \d+ cases missing; nothing written .*re-run shard 2\/3/m);
    expect(existsSync(out)).toBe(false);

    const partial = await inProcess(['merge', shard(1), shard(3), '-o', out, '--allow-partial']);
    expect(partial.code).toBe(0);
    expect(partial.stdout).toMatch(/Partial results: merged without \d+ cases of the plan \(shard 2\)\./);
    const doc = readResults(out);
    expect(doc.partial).toBe(true);
    expect(doc.merged!.missing![0]!.shard).toBe(2);
  });

  it('exits 1 on a case present twice, 2 on bad input', async () => {
    const dup = await inProcess(['merge', shard(1), shard(2), shard(3), shard(2), '-o', join(dir, 'dup.json')]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/duplicate on .*: .* in .*s2\.json and .*s2\.json/);
    expect(existsSync(join(dir, 'dup.json'))).toBe(false);

    const self = await inProcess(['merge', shard(1), '-o', shard(1)]);
    expect(self.code).toBe(2);
    expect(self.stderr).toMatch(/^writeprof: --output: .* is the input .*; writing it would destroy the input/);

    mkdirSync(join(dir, 'empty'));
    const empty = await inProcess(['merge', join(dir, 'empty'), '-o', join(dir, 'e.json')]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^writeprof: merge: no results files in /);

    const missing = await inProcess(['merge', join(dir, 'nope.json'), '-o', join(dir, 'n.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('replaces a baseline only with the --force it asks for', async () => {
    const baseline = join(dir, 'reports', 'baselines', 'merged.json');
    mkdirSync(dirname(baseline), { recursive: true });
    writeFileSync(baseline, '{"kept": true}\n');
    const refused = await inProcess(['merge', join(dir, 'shards'), '-o', baseline]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--force/);
    expect(readFileSync(baseline, 'utf8')).toBe('{"kept": true}\n');
    const forced = await inProcess(['merge', join(dir, 'shards'), '-o', baseline, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readResults(baseline).cases).toHaveLength(12);
  });
});

describe('writeprof slurm without a scheduler', () => {
  it('a shard task killed outright resumes from its journal when run again (a requeue)', async () => {
    // Cases of about half a second each, so the kill lands mid-shard.
    const slow = join(dir, 'slow.json');
    writeFileSync(slow, JSON.stringify({ ...TINY_PROFILE, name: 'slow', measurement: { ...TINY_PROFILE.measurement, minTime: 0.5, maxTime: 0.5, maxSamples: 1000 } }));
    const fleet = join(dir, 'fleet-requeue');
    const w = await cli('slurm', '--profile', slow, '--shards', '2', '--dir', fleet);
    expect(w.code, w.stderr).toBe(0);
    const script = join(fleet, 'shard.sbatch');
    const out = join(fleet, 'shards', 'shard-1-of-2.json');
    const env = { ...process.env, SLURM_ARRAY_TASK_ID: '1', NO_COLOR: '1' };
    const first = spawn('bash', [script], { cwd: dir, env, stdio: 'ignore' });
    const journal = `${out}.journal`;
    // Header plus one finished case, then SIGKILL: no chance to write the results.
    // However long that takes under load (no fixed number of polls).
    while (!(existsSync(journal) && readFileSync(journal, 'utf8').trim().split('\n').length >= 2)) {
      expect(first.exitCode, 'the shard ended before a case was journaled').toBeNull();
      await new Promise((r) => setTimeout(r, 25));
    }
    first.kill('SIGKILL');
    await new Promise((r) => first.on('close', r));
    const kept = readFileSync(journal, 'utf8').trim().split('\n').length - 1;
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(existsSync(out)).toBe(false);
    const again = spawnSync('bash', [script], { cwd: dir, env, encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    // Notes wrap at the screen's width (continuation lines indented): read them joined.
    expect(again.stderr.replace(/\n {2,}(?=\S)/g, ' ')).toMatch(new RegExp(`resuming .*shard-1-of-2\\.json\\.journal: ${kept} of \\d+ cases finished`));
    const doc = readResults(out);
    expect(doc.partial).toBeUndefined();
    expect(doc.shard).toMatchObject({ index: 1, count: 2 });
    expect(doc.cases.every((c) => c.status === 'ok')).toBe(true);
    expect(existsSync(journal)).toBe(false);
  }, 60_000);

  it('writes the job scripts, the frozen profile and the manifest, and says how to submit', async () => {
    const fleet = join(dir, 'fleet');
    const r = await cli('slurm', '--profile', profile, '--shards', '4', '--dir', fleet, '--partition', 'gpu', '--gres', 'gpu:h100:1', '--time', '30', '--cpus-per-task', '4');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/profile tiny \(tiny\.json\), plan [0-9a-f]{12}: 12 cases in 4 shards/);
    expect(r.stdout).toMatch(/^ {2}shard 4\/4: \d+ cases, estimated [\d.]+ s$/m);
    expect(r.stdout).toContain('writeprof slurm --resume fleet --submit');
    const shardScript = readFileSync(join(fleet, 'shard.sbatch'), 'utf8');
    for (const line of ['#SBATCH --partition=gpu', '#SBATCH --gres=gpu:h100:1', '#SBATCH --time=30', '#SBATCH --cpus-per-task=4', `#SBATCH --output=${fleet}/logs/shard-%a-job-%A.out`]) {
      expect(shardScript).toContain(line);
    }
    expect(shardScript).toContain('--shard "${shard}/4"');
    const mergeScript = readFileSync(join(fleet, 'merge.sbatch'), 'utf8');
    expect(mergeScript).toContain('#SBATCH --partition=gpu');
    expect(mergeScript).not.toContain('--gres');
    for (const f of ['shard.sbatch', 'merge.sbatch']) expect(spawnSync('bash', ['-n', join(fleet, f)]).status).toBe(0);
    // The frozen profile is the same plan: a shard run from it has the sweep's digest.
    const digest = JSON.parse(readFileSync(join(fleet, 'fleet.json'), 'utf8')).digest;
    expect(digest).toBe(readResults(shard(1)).plan!.digest);

    const again = await inProcess(['slurm', '--profile', profile, '--shards', '4', '--dir', fleet]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^writeprof: --dir: .* already holds a fleet sweep; re-run its missing shards with --resume/);
  });

  it('refuses bad input with one line (exit 2), and says when sbatch is missing', async () => {
    const cases: [string[], RegExp][] = [
      [['--shards', '9'], /^writeprof: --shards: 9 shards is more than this plan has units \(6\)/],
      [['--shards', 'x'], /^writeprof: --shards: "x" is invalid/],
      [[], /^writeprof: --shards: missing/],
      [['--shards', '2', '--time', '1 hour'], /^writeprof: --time: "1 hour" is invalid; allowed: minutes, MM:SS/],
      [['--shards', '2', '--gres', 'gpu 1'], /^writeprof: --gres: /],
      [['--shards', '2', '--wait'], /^writeprof: --wait: only with --submit/],
      [['--shards', '2', '--dir', join(dir, 'a b')], /^writeprof: --dir: .* contains a space/],
      [['--shards', '2', '--backend', 'tpu'], /^writeprof: --backend: "tpu" is invalid/],
    ];
    for (const [args, re] of cases) {
      const r = await inProcess(['slurm', '--profile', profile, '--dir', join(dir, 'bad'), ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(re);
    }
    const resume = await inProcess(['slurm', '--resume', join(dir, 'nothing-here')]);
    expect(resume.code).toBe(2);
    expect(resume.stderr).toMatch(/holds no fleet sweep/);

    const nosbatch = await inProcess(['slurm', '--profile', profile, '--shards', '2', '--dir', join(dir, 'nos'), '--submit'], { PATH: '/nonexistent' });
    expect(nosbatch.code).toBe(2);
    expect(nosbatch.stderr).toMatch(/^writeprof: sbatch not found on PATH: --submit needs Slurm's client commands/);
  });
});

/**
 * `writeprof slurm` without a scheduler: what goes into #SBATCH lines is refused when sbatch would
 * read it otherwise (a "#" starts a comment there), every command printed for the user is a shell
 * line that bash reads back word for word, and an sbatch that exits 0 without printing a job id
 * (a site's wrapper) is a clear error, not a crash. (The refused merge job, with real daemons:
 * tests/slurm/fleet.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TINY_PROFILE } from '../slurm/tiny-profile.js';
import { requireCli, runCli, tempDir } from './helpers.js';

let profile: string;
beforeAll(() => {
  requireCli();
  profile = join(tempDir('slurm-profile'), 'tiny.json');
  writeFileSync(profile, JSON.stringify(TINY_PROFILE));
});

/** The words bash reads from `line`, each command word printed instead of run. */
function bashWords(line: string): string[] {
  const r = spawnSync('bash', ['-c', `writeprof() { printf '%s\\0' "$@"; }; sbatch() { printf '%s\\0' "$@"; }; ${line}`], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\0').slice(0, -1);
}

describe.concurrent('writeprof slurm: its paths, its printed commands and what sbatch prints', () => {
  it.each([['a#b'], ['logs\u0007x']])('--dir %j: refused before anything is written (exit 2)', async (name) => {
    const root = tempDir('slurm-hash');
    const dir = join(root, name);
    const r = await runCli(['slurm', '--profile', profile, '--shards', '2', '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--dir: .* contains a space, quote, backslash, \$, %, # or control character; Slurm's #SBATCH lines cannot hold it/);
    expect(existsSync(dir)).toBe(false);
  });

  it('the printed commands are shell lines: bash reads each path back as one word', async () => {
    const root = tempDir('slurm-quote');
    const dir = join(root, "f;(x)&y|z*");
    const r = await runCli(['slurm', '--profile', profile, '--shards', '2', '--dir', dir], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').map((l) => l.trim());
    const resume = lines.find((l) => l.startsWith('writeprof slurm --resume'))!;
    expect(bashWords(resume)).toEqual(['slurm', '--resume', "f;(x)&y|z*", '--submit']);
    const array = lines.find((l) => l.startsWith('array=$(sbatch'))!;
    expect(bashWords(array.replace(/^array=\$\((.*)\)$/, '$1'))).toEqual(['--parsable', '--array=1-2', "f;(x)&y|z*/shard.sbatch"]);
    const merge = lines.find((l) => l.startsWith('sbatch --dependency'))!;
    expect(bashWords(merge)).toEqual(['--dependency=afterany:', "f;(x)&y|z*/merge.sbatch"]);
  });

  it('an sbatch that exits 0 without a job id: exit 2 saying what it printed, nothing recorded as queued', async () => {
    const root = tempDir('slurm-noid');
    const bin = join(root, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'sbatch'), '#!/bin/sh\necho "Your job is in the site queue; see the portal"\n');
    chmodSync(join(bin, 'sbatch'), 0o755);
    const dir = join(root, 'fleet');
    const r = await runCli(['slurm', '--profile', profile, '--shards', '2', '--dir', dir, '--submit'], { env: { PATH: `${bin}:${process.env['PATH']}` } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^writeprof: sbatch exited 0 for the shards' job array but printed "Your job is in the site queue; see the portal", not a job id/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dir, 'fleet.json'), 'utf8')).submissions).toEqual([]);
  });
});

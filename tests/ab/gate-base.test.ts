/**
 * `make gate`'s default base (scripts/gate.sh --default-base) in throwaway repositories: the
 * merge-base with main on a branch, HEAD~1 on main, a shallow clone deepened from its origin,
 * and clear exits 2 when there is nothing to compare with.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/helpers.js';

let dir: string;
const ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GATE_MAIN: '' };

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-C', cwd, ...args], { encoding: 'utf8', env: ENV });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A repository with `commits` empty commits on main and this checkout's gate script. */
function repo(name: string, commits: number): string {
  const d = join(dir, name);
  mkdirSync(join(d, 'scripts'), { recursive: true });
  git(d, 'init', '--quiet', '-b', 'main');
  for (let i = 0; i < commits; i++) git(d, 'commit', '--quiet', '--allow-empty', '-m', `c${i}`);
  return d;
}

function defaultBase(d: string): { code: number; out: string; err: string } {
  copyFileSync(join(ROOT, 'scripts', 'gate.sh'), join(d, 'scripts', 'gate.sh'));
  const r = spawnSync('bash', [join(d, 'scripts', 'gate.sh'), '--default-base'], { cwd: d, encoding: 'utf8', env: ENV });
  return { code: r.status ?? -1, out: r.stdout.trim(), err: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wp-gate-base-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('make gate: the default base', () => {
  it('on main: the previous commit', () => {
    const d = repo('main', 3);
    expect(defaultBase(d)).toMatchObject({ code: 0, out: git(d, 'rev-parse', 'HEAD~1') });
  });

  it('on a branch: the merge-base with main, however many commits ahead', () => {
    const d = repo('branch', 2);
    const fork = git(d, 'rev-parse', 'HEAD');
    git(d, 'checkout', '--quiet', '-b', 'feature');
    git(d, 'commit', '--quiet', '--allow-empty', '-m', 'f1');
    git(d, 'commit', '--quiet', '--allow-empty', '-m', 'f2');
    git(d, 'checkout', '--quiet', 'main');
    git(d, 'commit', '--quiet', '--allow-empty', '-m', 'main moved on');
    git(d, 'checkout', '--quiet', 'feature');
    expect(defaultBase(d)).toMatchObject({ code: 0, out: fork });
  });

  it('a shallow clone of main fetches the previous commit from its origin', () => {
    const origin = repo('origin', 3);
    const clone = join(dir, 'shallow');
    const r = spawnSync('git', ['clone', '--quiet', '--depth', '1', `file://${origin}`, clone], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    mkdirSync(join(clone, 'scripts'));
    const got = defaultBase(clone);
    expect(got.err).toMatch(/shallow and lacks the previous commit/);
    expect(got).toMatchObject({ code: 0, out: git(origin, 'rev-parse', 'HEAD~1') });
  });

  it('a shallow clone of a branch fetches the history back to its merge-base with main', () => {
    const origin = repo('origin-branch', 2);
    const fork = git(origin, 'rev-parse', 'HEAD');
    git(origin, 'checkout', '--quiet', '-b', 'feature');
    git(origin, 'commit', '--quiet', '--allow-empty', '-m', 'f1');
    git(origin, 'checkout', '--quiet', 'main');
    git(origin, 'commit', '--quiet', '--allow-empty', '-m', 'main moved on');
    const clone = join(dir, 'shallow-branch');
    const r = spawnSync('git', ['clone', '--quiet', '--depth', '1', '--no-single-branch', '--branch', 'feature', `file://${origin}`, clone], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    mkdirSync(join(clone, 'scripts'));
    const got = defaultBase(clone);
    expect(got.err).toMatch(/shallow and lacks the merge-base of HEAD and origin\/main/);
    expect(got).toMatchObject({ code: 0, out: fork });
  });

  it('exit 2 with one clear line: a shallow clone that cannot fetch, or a first commit', () => {
    const origin = repo('origin2', 2);
    const clone = join(dir, 'orphaned');
    expect(spawnSync('git', ['clone', '--quiet', '--depth', '1', `file://${origin}`, clone]).status).toBe(0);
    git(clone, 'remote', 'remove', 'origin');
    mkdirSync(join(clone, 'scripts'));
    const shallow = defaultBase(clone);
    expect(shallow.code).toBe(2);
    expect(shallow.out).toBe('');
    expect(shallow.err).toMatch(/^gate: HEAD~1 is not in this shallow clone and could not be fetched: run `git fetch --deepen=1`/);
    const first = defaultBase(repo('first', 1));
    expect(first.code).toBe(2);
    expect(first.err).toMatch(/^gate: HEAD has no parent \(the first commit\): nothing to compare with; set GATE_BASE/);
  });
});

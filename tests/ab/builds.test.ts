/**
 * The builds ab measures: a git ref exported and built CPU-only into a cache (a real node-gyp
 * build of this checkout's HEAD, ~20 s), the cache hit, the built addon running a verified
 * sample, and the messages for specs that name nothing buildable.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuBackendOn, loadAddonAt } from '../../src/ab/addon.js';
import { buildCommit, resolveBuild, resolveCommit, sourcesDigest, type BuildContext } from '../../src/ab/builds.js';
import { openOptionsFor } from '../../src/engine/sweep.js';
import { caseId } from '../../src/model.js';
import { ADDON, ROOT } from '../cli/helpers.js';

let dir: string;
const logs: string[] = [];
const ctx = (root = ROOT): BuildContext => ({ root, cacheDir: join(dir, 'cache'), log: (l) => logs.push(l) });
const git = (cwd: string, ...args: string[]) => spawnSync('git', ['-C', cwd, ...args], { encoding: 'utf8' });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wp-ab-builds-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('ab builds', () => {
  it('builds a commit CPU-only once, then finds it cached; the addon runs a verified sample', async () => {
    const sha = git(ROOT, 'rev-parse', 'HEAD').stdout.trim();
    const built = await buildCommit(resolveCommit('HEAD', ctx()), 'HEAD', ctx());
    expect(built.addonPath).toBe(join(dir, 'cache', `${sha}-cpu`, 'writeprof.node'));
    expect(built.label).toBe(`git ${sha.slice(0, 10)} (HEAD)`);
    expect(logs.some((l) => /building the addon of git \w+ \(HEAD\), CPU only/.test(l))).toBe(true);
    logs.length = 0;
    expect((await resolveBuild(sha, ctx())).addonPath).toBe(built.addonPath);
    expect(logs.join('\n')).toMatch(/cached build/);

    const addon = loadAddonAt(built.addonPath, '--base');
    expect(addon.cudaStatus().compiled).toBe(false);
    const spec = { strategy: 'lock-free', mode: 'batch', valueSize: 64, batchSize: 100, threads: 1, keyDist: 'uniform', loadFactor: 0.5, keys: 2000 } as const;
    const handle = cpuBackendOn(addon).open({ ...spec, id: caseId(spec) }, openOptionsFor({ ...spec, id: caseId(spec) }, { countConflicts: true, seed: 1 }, 0));
    return handle
      .runSample()
      .then((s) => {
        expect(s.writes).toBe(2000);
        expect(s.verification).toMatchObject({ writes: 2000, distinct: 2000, lost: 0, stale: 0, corrupted: 0 });
      })
      .finally(() => handle.close());
  }, 240_000);

  it('takes a built addon by a .node path; anything else is a git ref', async () => {
    copyFileSync(ADDON, join(dir, 'copy.node'));
    expect((await resolveBuild(join(dir, 'copy.node'), ctx())).addonPath).toBe(join(dir, 'copy.node'));
    expect(() => resolveBuild(dir, ctx())).toThrow(/is not a branch, a tag or a commit/);
    expect(() => resolveBuild(join(dir, 'nope.node'), ctx())).toThrow(/is not a built addon \(no such file\)/);
    writeFileSync(join(dir, 'junk.node'), 'not an ELF file');
    expect(() => loadAddonAt(join(dir, 'junk.node'), '--base')).toThrow(/--base: .*junk\.node cannot be loaded/);
  });

  it('names what is missing: no repository, no such ref, a shallow clone without the commit', () => {
    expect(() => resolveCommit('main', ctx(dir))).toThrow(/is not a \.node file, and .* is not a git repository/);
    expect(() => resolveCommit('no-such-branch-9c1', ctx())).toThrow(/"no-such-branch-9c1" is not a branch, a tag or a commit/);
    const shallow = join(dir, 'shallow');
    const cloned = spawnSync('git', ['clone', '--quiet', '--depth', '1', `file://${ROOT}`, shallow], { encoding: 'utf8' });
    expect(cloned.status, cloned.stderr).toBe(0);
    expect(() => resolveCommit('HEAD~1', ctx(shallow))).toThrow(/"HEAD~1" is not in this clone, which is shallow; fetch the history it needs \(git fetch --unshallow/);
  });

  it('keys the working tree by a hash of its native sources', () => {
    const fake = join(dir, 'tree');
    mkdirSync(join(fake, 'kernels', 'cpu'), { recursive: true });
    writeFileSync(join(fake, 'binding.gyp'), '{}');
    writeFileSync(join(fake, 'kernels', 'cpu', 'a.cc'), 'int a;');
    const first = sourcesDigest(fake);
    expect(first.files).toEqual(['binding.gyp', 'kernels/cpu/a.cc']);
    expect(sourcesDigest(fake).digest).toBe(first.digest);
    writeFileSync(join(fake, 'kernels', 'cpu', 'a.cc'), 'int b;');
    expect(sourcesDigest(fake).digest).not.toBe(first.digest);
  });
});

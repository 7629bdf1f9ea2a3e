/**
 * `writeprof ab`'s builds are input too: a cached build is checked against the size and SHA-256
 * recorded when it was built, and built again when damaged (never loaded: a truncated shared
 * object kills the loading process with SIGBUS); --base is a git ref or a .node file and says
 * which; a build stopped by SIGTERM leaves nothing behind; two builds never run at once in one
 * cache. Builds are stopped as soon as they start (a whole one takes minutes): what is checked is
 * what happens before, around and after them. Each ab runs in its own process group, killed whole
 * at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDON, BIN, ROOT } from '../cli/helpers.js';
import { requireCli, tempDir } from './helpers.js';

const SHA = spawnSync('git', ['-C', ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
const SMALL = ['--mode', 'batch', '--strategy', 'baseline', '--batch-size', '100', '--keys', '1000', '--samples-per-round', '1', '--warmup', '0'];
const groups: ChildProcess[] = [];

beforeAll(requireCli);
afterAll(() => {
  for (const g of groups) {
    try {
      process.kill(-g.pid!, 'SIGKILL');
    } catch {
      /* ended */
    }
  }
});

interface Ab {
  child: ChildProcess;
  stderr: () => string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function ab(args: string[], cwd = ROOT): Ab {
  const child = spawn(process.execPath, [BIN, 'ab', ...args], { cwd, env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  groups.push(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, stderr: () => err, done };
}

async function until(what: () => boolean, ms = 60_000): Promise<void> {
  for (const end = Date.now() + ms; !what(); ) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A cache entry for this checkout's HEAD holding a copy of the built addon, recorded as built. */
function seedCache(cache: string): string {
  const entry = join(cache, `${SHA}-cpu`);
  mkdirSync(entry, { recursive: true });
  copyFileSync(ADDON, join(entry, 'writeprof.node'));
  const bytes = readFileSync(join(entry, 'writeprof.node'));
  writeFileSync(join(entry, 'build.json'), JSON.stringify({ build: 'test', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }));
  return entry;
}

/** What a build may leave in the cache: nothing but whole entries. */
const leftovers = (cache: string): string[] => readdirSync(cache).filter((f) => f.startsWith('.build-') || f.endsWith('.build.log'));

describe.concurrent('a damaged cached build is built again, never loaded', () => {
  it.each([
    ['truncated', (entry: string) => truncateSync(join(entry, 'writeprof.node'), 4096), /its addon is 4096 bytes, \d+ when built/],
    ['missing its addon', (entry: string) => truncateSync(join(entry, 'writeprof.node'), 0) === undefined && spawnSync('rm', [join(entry, 'writeprof.node')]), /its addon is missing/],
  ])('an entry %s: said, removed and rebuilt; SIGTERM during that build leaves nothing behind (exit 143)', async (_what, damage, why) => {
    const cache = tempDir('cache-damaged');
    damage(seedCache(cache));
    const run = ab(['--base', 'HEAD', '--head', ADDON, '--cache-dir', cache, '--rounds', '6', ...SMALL, '--output-dir', tempDir('ab-out')]);
    await until(() => /building the addon of git/.test(run.stderr()));
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(143);
    expect(run.stderr()).toMatch(new RegExp(`the cached build of git \\w+ \\(HEAD\\) is damaged \\(${why.source}\\): building it again`));
    expect(run.stderr()).toMatch(/interrupted by SIGTERM while building the addon of git \w+ \(HEAD\); nothing of the build was kept/);
    expect(readdirSync(cache)).toEqual([]);
  });

  it('--base of a truncated .node file: exit 2 naming it, this process never loads it', async () => {
    const dir = tempDir('trunc-node');
    copyFileSync(ADDON, join(dir, 'base.node'));
    truncateSync(join(dir, 'base.node'), 65536);
    const run = ab(['--base', join(dir, 'base.node'), '--head', ADDON, '--rounds', '6', ...SMALL, '--output-dir', join(dir, 'out'), '-q']);
    const r = await run.done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(run.stderr()).toMatch(/^writeprof: --base: .*base\.node cannot be loaded \(/);
  });

  it('--base of a file that is not a .node addon is a git ref: never run as JavaScript', async () => {
    const dir = tempDir('not-node');
    const marker = join(dir, 'ran');
    writeFileSync(join(dir, 'evil'), `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x');`);
    for (const base of ['evil', 'README.md']) {
      writeFileSync(join(dir, 'README.md'), `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x');`);
      const run = ab(['--base', base, '--head', ADDON, '--rounds', '6', ...SMALL, '--output-dir', join(dir, 'out'), '-q'], dir);
      const r = await run.done;
      expect(r.code).toBe(2);
      expect(run.stderr()).toMatch(new RegExp(`--base: "${base.replace('.', '\\.')}" is not a branch, a tag or a commit`));
    }
    expect(existsSync(marker)).toBe(false);
  });
});

describe('--base says what it took; an interrupted ab says its analysis is partial', () => {
  it('a ref named like a folder in the current directory is the ref (cached build used); Ctrl-C marks ab.json partial (exit 130)', async () => {
    const cwd = tempDir('ref-dir');
    mkdirSync(join(cwd, 'HEAD'));
    const cache = tempDir('cache-ok');
    seedCache(cache);
    const out = join(cwd, 'out');
    const run = ab(['--base', 'HEAD', '--head', ADDON, '--cache-dir', cache, '--rounds', '500', ...SMALL, '--output-dir', out], cwd);
    await until(() => /ab: round 2\/500 done/.test(run.stderr()));
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(run.stderr()).toMatch(new RegExp(`--base: "HEAD" is a git ref: commit ${SHA.slice(0, 10)}`));
    expect(run.stderr()).toMatch(/--base: git \w+ \(HEAD\), cached build/);
    const analysis = JSON.parse(readFileSync(join(out, 'ab.json'), 'utf8'));
    expect(analysis.partial).toBe(true);
    expect(analysis.roundsAsked).toBe(500);
    expect(analysis.pairing.rounds).toBeLessThan(500);
  });
});

describe('one build at a time in a cache', () => {
  it('a second ab waits for the first one\'s build (no second build, no shared log); it builds once the first is gone', async () => {
    const cache = tempDir('cache-two');
    const args = ['--base', 'HEAD', '--head', ADDON, '--cache-dir', cache, '--rounds', '6', ...SMALL];
    const first = ab([...args, '--output-dir', tempDir('ab-1')]);
    await until(() => /building the addon of git/.test(first.stderr()));
    const second = ab([...args, '--output-dir', tempDir('ab-2')]);
    await until(() => /another writeprof is building in .*; waiting for it/.test(second.stderr()));
    expect(second.stderr()).not.toMatch(/building the addon/);
    expect(readdirSync(cache).filter((f) => f.startsWith('.build-')).length).toBeLessThanOrEqual(1);
    first.child.kill('SIGTERM');
    expect((await first.done).code).toBe(143);
    await until(() => /building the addon of git/.test(second.stderr()));
    second.child.kill('SIGTERM');
    expect((await second.done).code).toBe(143);
    expect(leftovers(cache)).toEqual([]);
  });
});

/**
 * The two builds `writeprof ab` measures, both CPU-only addons built the same way unless a built
 * addon is given: the head is this checkout's native sources as they are on disk; the base is a
 * git ref, built once per commit. Builds are cached under out/ab-builds/ (ignored by git, removed
 * by `make clean`): <sha>-cpu/ for commits, tree-<hash of the sources>-cpu/ for the working tree.
 * Either side may instead be a built addon (a .node file, or a checkout holding
 * build/Release/writeprof.node).
 *
 * A ref is exported with `git archive` (tracked files at that commit; no `git worktree`
 * registration that an interrupted build could leave stale) and only its `writeprof` addon target
 * is built, with node-gyp and this checkout's node_modules (no npm ci, no tsc, no CUDA): ab runs this checkout's
 * TypeScript harness over both addons, so the base's own JavaScript is not needed. Builds happen
 * in a temporary folder renamed into place when complete, so an interrupted build is never
 * mistaken for a cached one.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { UsageError } from '../errors.js';

export interface Build {
  addonPath: string;
  /** how reports name this build: "git 1a2b3c4d5e (main)", "addon path/to/x.node" */
  label: string;
}

export interface BuildContext {
  /** the checkout whose git history refs are looked up in, and whose node_modules builds use */
  root: string;
  cacheDir: string;
  log: (line: string) => void;
}

function git(root: string, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });
  if (r.error) return { ok: false, out: '', err: r.error.message };
  return { ok: r.status === 0, out: r.stdout.trim(), err: r.stderr.trim().split('\n')[0] ?? '' };
}

/** A built addon given as a file or as a checkout that holds build/Release/writeprof.node. */
function addonAtPath(spec: string, field: string): Build {
  const abs = resolve(spec);
  if (statSync(abs).isDirectory()) {
    const inside = join(abs, 'build', 'Release', 'writeprof.node');
    if (!existsSync(inside)) throw new UsageError(`${field}: ${spec} is a folder without build/Release/writeprof.node (run \`make build\` there, or give the .node file)`);
    return { addonPath: inside, label: `addon ${relative(process.cwd(), inside) || inside}` };
  }
  return { addonPath: abs, label: `addon ${spec}` };
}

/** The commit a ref names, with a message that says how to get it when this clone lacks it. */
export function resolveCommit(ref: string, ctx: BuildContext, field = '--base'): string {
  if (!git(ctx.root, ['rev-parse', '--git-dir']).ok) {
    throw new UsageError(`${field}: "${ref}" is not a file, and ${ctx.root} is not a git repository to find it in; give a built addon path`);
  }
  const r = git(ctx.root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (r.ok && /^[0-9a-f]{40,64}$/.test(r.out)) return r.out;
  if (git(ctx.root, ['rev-parse', '--is-shallow-repository']).out === 'true') {
    throw new UsageError(
      `${field}: "${ref}" is not in this clone, which is shallow; fetch the history it needs (git fetch --unshallow, or git fetch --deepen=N) or give a built addon path`,
    );
  }
  throw new UsageError(`${field}: "${ref}" is not a file, a branch, a tag or a commit of ${ctx.root}; give a git ref or a built addon path`);
}

/**
 * Builds (or finds cached) a CPU-only addon from sources that `populate` lays out in a fresh
 * folder: `<cacheDir>/<key>/writeprof.node`.
 */
function cachedBuild(key: string, label: string, populate: (src: string) => void, ctx: BuildContext, field: string): Build {
  const dir = join(ctx.cacheDir, key);
  const addonPath = join(dir, 'writeprof.node');
  if (existsSync(addonPath)) {
    ctx.log(`${field}: ${label}, cached build ${relative(process.cwd(), addonPath) || addonPath}`);
    return { addonPath, label };
  }
  const tmp = join(ctx.cacheDir, `.build-${key}-${process.pid}`);
  const src = join(tmp, 'src');
  const logPath = join(ctx.cacheDir, `${key}.build.log`);
  const t0 = Date.now();
  ctx.log(`${field}: building the addon of ${label}, CPU only, into ${relative(process.cwd(), dir) || dir} (log: ${logPath}); cached afterwards`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  try {
    populate(src);
    if (!existsSync(join(src, 'binding.gyp'))) throw new UsageError(`${field}: ${label} has no binding.gyp: it predates the native addon`);
    const modules = join(ctx.root, 'node_modules');
    const gyp = join(modules, 'node-gyp', 'bin', 'node-gyp.js');
    if (!existsSync(gyp)) throw new UsageError(`${field}: ${gyp} is missing; run \`make build\` (npm ci) in ${ctx.root} first`);
    symlinkSync(modules, join(src, 'node_modules'), 'dir');
    const nodedir = process.env['NODEDIR'] || dirname(dirname(process.execPath));
    // Only the `writeprof` target: binding.gyp may hold others (the emulator's addon links
    // libraries that the Makefile builds first), and ab measures this one.
    const fd = openSync(logPath, 'w');
    let failed: string | undefined;
    try {
      const opts = { cwd: src, stdio: ['ignore', fd, fd] as ['ignore', number, number] };
      const configured = spawnSync(process.execPath, [gyp, 'configure', `--nodedir=${nodedir}`, '--', '-Dwith_cuda=0'], opts);
      if (configured.status !== 0) failed = `node-gyp configure exited ${configured.status ?? configured.signal}`;
      else {
        const made = spawnSync('make', ['-C', 'build', 'BUILDTYPE=Release', `-j${Math.max(1, availableParallelism())}`, 'writeprof'], opts);
        if (made.status !== 0) failed = `make exited ${made.status ?? made.signal ?? made.error?.message}`;
      }
    } finally {
      closeSync(fd);
    }
    const out = join(src, 'build', 'Release', 'writeprof.node');
    if (failed !== undefined || !existsSync(out)) {
      throw new UsageError(`${field}: building the addon of ${label} failed (${failed ?? 'no build/Release/writeprof.node'}); see ${logPath}`);
    }
    copyFileSync(out, join(tmp, 'writeprof.node'));
    writeFileSync(join(tmp, 'build.json'), JSON.stringify({ build: label, builtAt: new Date().toISOString(), node: process.version, cuda: false }, null, 2) + '\n');
    rmSync(src, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (err) {
      // Another ab built the same sources meanwhile: theirs is as good as ours.
      if (!existsSync(addonPath)) throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  ctx.log(`${field}: built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return { addonPath, label };
}

/** The CPU-only addon of one commit, exported with `git archive`. */
export function buildCommit(sha: string, ref: string, ctx: BuildContext, field = '--base'): Build {
  const short = sha.slice(0, 10);
  const label = sha.startsWith(ref) ? `git ${short}` : `git ${short} (${ref})`;
  return cachedBuild(`${sha}-cpu`, label, (src) => {
    const tar = join(src, '..', 'src.tar');
    const archived = git(ctx.root, ['archive', '--format=tar', '-o', tar, sha]);
    if (!archived.ok) throw new UsageError(`${field}: git archive ${short} failed (${archived.err})`);
    const untar = spawnSync('tar', ['-xf', tar, '-C', src], { encoding: 'utf8' });
    if (untar.status !== 0) throw new UsageError(`${field}: unpacking ${short} failed (${(untar.stderr || String(untar.error ?? '')).trim()})`);
  }, ctx, field);
}

/** Every file under the native sources (binding.gyp and kernels/), sorted: what an addon build reads. */
function nativeSources(root: string): string[] {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(join(root, d), { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  if (existsSync(join(root, 'kernels'))) walk('kernels');
  return ['binding.gyp', ...files.sort()].filter((f) => existsSync(join(root, f)));
}

/** The native sources of a checkout and a hash of their names and contents (the cache key). */
export function sourcesDigest(root: string): { files: string[]; digest: string } {
  const files = nativeSources(root);
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update('\0').update(readFileSync(join(root, f))).update('\0');
  return { files, digest: hash.digest('hex').slice(0, 16) };
}

/**
 * This checkout's native sources as they are on disk (committed or not), built CPU-only the same
 * way as a base from a ref, cached by a hash of their contents. Both sides of ab are then built
 * alike: a head built with CUDA linked in (`make build` with nvcc) lays its CPU code out at other
 * addresses than a CPU-only base, and layout alone moved cases by 20% here.
 */
export function buildWorkingTree(ctx: BuildContext, field = '--head'): Build {
  const { files, digest } = sourcesDigest(ctx.root);
  if (!files.includes('binding.gyp')) throw new UsageError(`${field}: ${ctx.root} has no binding.gyp to build`);
  return cachedBuild(`tree-${digest}-cpu`, `${describeCheckout(ctx.root)}, native sources ${digest.slice(0, 8)}`, (src) => {
    for (const f of files) {
      mkdirSync(dirname(join(src, f)), { recursive: true });
      copyFileSync(join(ctx.root, f), join(src, f));
    }
  }, ctx, field);
}

/**
 * --base / --head: an addon path, a checkout folder, or a git ref. Checks the spec now (so bad
 * input fails before any build starts) and returns what produces the build (a ref's is built
 * and cached when called).
 */
export function planBuild(spec: string, ctx: BuildContext, field = '--base'): () => Build {
  if (spec.trim() === '') throw new UsageError(`${field}: "" is invalid; allowed: a git ref or a built addon path`);
  if (existsSync(spec)) {
    const build = addonAtPath(spec, field);
    return () => build;
  }
  if (spec.endsWith('.node')) throw new UsageError(`${field}: ${spec} is not a built addon (no such file)`);
  const sha = resolveCommit(spec, ctx, field);
  return () => buildCommit(sha, spec, ctx, field);
}

export function resolveBuild(spec: string, ctx: BuildContext, field = '--base'): Build {
  return planBuild(spec, ctx, field)();
}

/** "working tree (git 1a2b3c4d5e, modified)": how reports name this checkout's own build. */
export function describeCheckout(root: string): string {
  const head = git(root, ['rev-parse', '--short=10', 'HEAD']);
  if (!head.ok) return 'working tree';
  const dirty = git(root, ['status', '--porcelain', '--untracked-files=no', '--', 'kernels', 'binding.gyp']).out !== '';
  return `working tree (git ${head.out}${dirty ? ', modified native sources' : ''})`;
}


/**
 * The two builds `writeprof ab` measures, both CPU-only addons built the same way unless a built
 * addon is given: the head is this checkout's native sources as they are on disk; the base is a
 * git ref, built once per commit. Builds are cached under out/ab-builds/ (ignored by git, removed
 * by `make clean`): <sha>-cpu/ for commits, tree-<hash of the sources>-cpu/ for the working tree.
 * Either side may instead be a built addon: a path ending in `.node` is a file, anything else a
 * git ref (never a path, whatever the current directory holds), and the log says which it took.
 *
 * A ref is exported with `git archive` (tracked files at that commit; no `git worktree`
 * registration that an interrupted build could leave stale) and only its `writeprof` addon target
 * is built, with node-gyp and this checkout's node_modules (no npm ci, no tsc, no CUDA): ab runs
 * this checkout's TypeScript harness over both addons, so the base's own JavaScript is not needed.
 *
 * The cache is not trusted either: a build records its addon's size and SHA-256 in build.json, and
 * an entry whose addon is missing, truncated or altered is removed and built again (loading a
 * truncated shared object kills the process with SIGBUS). Builds happen in a temporary folder
 * renamed into place when complete, one at a time per cache (an advisory lock on the cache folder:
 * a second ab waits, then finds the first one's build), in their own process group: SIGINT or
 * SIGTERM stops the compiler and removes the temporary folder and the unfinished log.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, constants, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Interrupted, UsageError } from '../errors.js';
import { printable } from '../io/sanitize.js';
import { exitNow, tryLock } from '../io/sys.js';

export interface Build {
  addonPath: string;
  /** how reports name this build: "git 1a2b3c4d5e (main)", "addon path/to/x.node" */
  label: string;
  /** a built addon given by path (checked by loading it in a child process first), not one of ours */
  given?: boolean;
}

export interface BuildContext {
  /** the checkout whose git history refs are looked up in, and whose node_modules builds use */
  root: string;
  cacheDir: string;
  log: (line: string) => void;
}

export function git(root: string, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });
  if (r.error) return { ok: false, out: '', err: r.error.message };
  return { ok: r.status === 0, out: r.stdout.trim(), err: r.stderr.trim().split('\n')[0] ?? '' };
}

const shownPath = (p: string): string => printable(relative(process.cwd(), p) || p);

/** A built addon given as a `.node` file. */
function addonAtPath(spec: string, field: string): Build {
  const abs = resolve(spec);
  let isFile = false;
  try {
    isFile = statSync(abs).isFile();
  } catch {
    throw new UsageError(`${field}: ${printable(spec)} is not a built addon (no such file)`);
  }
  if (!isFile) throw new UsageError(`${field}: ${printable(spec)} is not a built addon (not a regular file); give the .node file`);
  return { addonPath: abs, label: `addon ${printable(spec)}`, given: true };
}

/** What else --base/--head could have been, for the messages of a ref that is not one. */
export interface RefAlternative {
  /** "a .node file" */
  notA: string;
  /** "a built addon path" */
  give: string;
  /** "a built addon path ending in .node" */
  exactly: string;
}

const ADDON_ALTERNATIVE: RefAlternative = { notA: 'a .node file', give: 'a built addon path', exactly: 'a built addon path ending in .node' };

/** The commit a ref names, with a message that says how to get it when this clone lacks it. */
export function resolveCommit(ref: string, ctx: Pick<BuildContext, 'root'>, field = '--base', alt: RefAlternative = ADDON_ALTERNATIVE): string {
  const shown = JSON.stringify(printable(ref));
  if (!git(ctx.root, ['rev-parse', '--git-dir']).ok) {
    throw new UsageError(`${field}: ${shown} is not ${alt.notA}, and ${printable(ctx.root)} is not a git repository to find it in; give ${alt.give}`);
  }
  const r = git(ctx.root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (r.ok && /^[0-9a-f]{40,64}$/.test(r.out)) return r.out;
  if (git(ctx.root, ['rev-parse', '--is-shallow-repository']).out === 'true') {
    throw new UsageError(
      `${field}: ${shown} is not in this clone, which is shallow; fetch the history it needs (git fetch --unshallow, or git fetch --deepen=N) or give ${alt.give}`,
    );
  }
  throw new UsageError(`${field}: ${shown} is not a branch, a tag or a commit of ${printable(ctx.root)}; give a git ref, or ${alt.exactly}`);
}

interface Recorded {
  size: number;
  sha256: string;
}

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Why a cache entry cannot be used (undefined: it is whole), or 'absent'. */
export function checkCachedBuild(dir: string): string | undefined | 'absent' {
  if (!existsSync(dir)) return 'absent';
  const addon = join(dir, 'writeprof.node');
  let rec: Partial<Recorded>;
  try {
    rec = JSON.parse(readFileSync(join(dir, 'build.json'), 'utf8')) as Partial<Recorded>;
  } catch {
    return 'its build.json is missing or unreadable';
  }
  let size: number;
  try {
    size = statSync(addon).size;
  } catch {
    return 'its addon is missing';
  }
  if (typeof rec.size !== 'number' || typeof rec.sha256 !== 'string') return 'its build.json records no size and hash';
  if (size !== rec.size) return `its addon is ${size} bytes, ${rec.size} when built`;
  if (sha256Of(addon) !== rec.sha256) return 'its addon differs from the one built (SHA-256)';
  return undefined;
}

/** What SIGINT/SIGTERM do while a build runs: stop it, clean up, then end as interrupted. */
class BuildSignals {
  private child: number | undefined;
  received: NodeJS.Signals | undefined;
  private readonly handlers = new Map<NodeJS.Signals, () => void>();
  constructor(private readonly cleanup: () => void) {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      const h = (): void => {
        if (this.received) {
          // A second signal: no waiting for the compiler at all.
          this.kill('SIGKILL');
          this.cleanup();
          exitNow(sig === 'SIGINT' ? 130 : 143);
        }
        this.received = sig;
        this.kill('SIGTERM');
      };
      this.handlers.set(sig, h);
      process.on(sig, h);
    }
  }
  private kill(sig: NodeJS.Signals): void {
    if (this.child === undefined) return;
    try {
      process.kill(-this.child, sig); // the build's whole process group: node-gyp, make, g++
    } catch {
      /* already gone */
    }
  }
  /** Runs a command in its own process group, its output to `fd`; its exit status, or a signal name. */
  run(cmd: string, args: string[], cwd: string, fd: number): Promise<string | number> {
    if (this.received) return Promise.resolve(this.received);
    return new Promise((done) => {
      const child = spawn(cmd, args, { cwd, stdio: ['ignore', fd, fd], detached: true });
      this.child = child.pid;
      child.once('error', (err) => done(err.message));
      child.once('exit', (code, signal) => {
        this.child = undefined;
        done(code ?? signal ?? 'unknown');
      });
    });
  }
  dispose(): void {
    for (const [sig, h] of this.handlers) process.off(sig, h);
  }
}

/** Waits for the cache folder's lock: one build at a time per cache, across processes. */
async function lockCache(cacheDir: string, ctx: BuildContext, field: string, label: string): Promise<number> {
  mkdirSync(cacheDir, { recursive: true });
  const fd = openSync(cacheDir, constants.O_RDONLY | constants.O_DIRECTORY);
  let said = false;
  let stop: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    stop = sig;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A file system that cannot lock a folder: builds there are not serialized (nothing better exists).
  const attempt = (): string => {
    try {
      return tryLock(fd);
    } catch {
      return 'unsupported';
    }
  };
  try {
    while (attempt() === 'busy') {
      if (said) await sleep(100);
      if (stop) {
        closeSync(fd);
        throw new Interrupted(stop === 'SIGINT' ? 130 : 143, `interrupted by ${stop} while waiting to build ${label}`);
      }
      if (!said) ctx.log(`${field}: another writeprof is building in ${shownPath(cacheDir)}; waiting for it`);
      said = true;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return fd;
}

/**
 * Builds (or finds cached, whole) a CPU-only addon from sources that `populate` lays out in a
 * fresh folder: `<cacheDir>/<key>/writeprof.node`.
 */
async function cachedBuild(key: string, label: string, populate: (src: string) => void, ctx: BuildContext, field: string): Promise<Build> {
  const dir = join(ctx.cacheDir, key);
  const addonPath = join(dir, 'writeprof.node');
  const lock = await lockCache(ctx.cacheDir, ctx, field, label);
  try {
    const problem = checkCachedBuild(dir);
    if (problem === undefined) {
      ctx.log(`${field}: ${label}, cached build ${shownPath(addonPath)}`);
      return { addonPath, label };
    }
    if (problem !== 'absent') {
      ctx.log(`${field}: the cached build of ${label} is damaged (${problem}): building it again`);
      rmSync(dir, { recursive: true, force: true });
    }
    await build(dir, key, label, populate, ctx, field);
    return { addonPath, label };
  } finally {
    closeSync(lock);
  }
}

async function build(dir: string, key: string, label: string, populate: (src: string) => void, ctx: BuildContext, field: string): Promise<void> {
  const tmp = join(ctx.cacheDir, `.build-${key}-${process.pid}`);
  const src = join(tmp, 'src');
  const logPath = join(ctx.cacheDir, `${key}.build.log`);
  const t0 = Date.now();
  let complete = false;
  const signals = new BuildSignals(() => {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(logPath, { force: true });
  });
  ctx.log(`${field}: building the addon of ${label}, CPU only, into ${shownPath(dir)} (log: ${shownPath(logPath)}); cached afterwards`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  try {
    populate(src);
    if (!existsSync(join(src, 'binding.gyp'))) throw new UsageError(`${field}: ${label} has no binding.gyp: it predates the native addon`);
    const modules = join(ctx.root, 'node_modules');
    const gyp = join(modules, 'node-gyp', 'bin', 'node-gyp.js');
    if (!existsSync(gyp)) throw new UsageError(`${field}: ${printable(gyp)} is missing; run \`make build\` (npm ci) in ${printable(ctx.root)} first`);
    symlinkSync(modules, join(src, 'node_modules'), 'dir');
    const nodedir = process.env['NODEDIR'] || dirname(dirname(process.execPath));
    // Only the `writeprof` target: binding.gyp may hold others (the emulator's addon links
    // libraries that the Makefile builds first), and ab measures this one.
    const fd = openSync(logPath, 'w');
    let failed: string | undefined;
    try {
      const configured = await signals.run(process.execPath, [gyp, 'configure', `--nodedir=${nodedir}`, '--', '-Dwith_cuda=0'], src, fd);
      if (configured !== 0) failed = `node-gyp configure exited ${configured}`;
      else {
        const made = await signals.run('make', ['-C', 'build', 'BUILDTYPE=Release', `-j${Math.max(1, availableParallelism())}`, 'writeprof'], src, fd);
        if (made !== 0) failed = `make exited ${made}`;
      }
    } finally {
      closeSync(fd);
    }
    if (signals.received) {
      const sig = signals.received;
      throw new Interrupted(sig === 'SIGINT' ? 130 : 143, `interrupted by ${sig} while building the addon of ${label}; nothing of the build was kept`);
    }
    const out = join(src, 'build', 'Release', 'writeprof.node');
    if (failed !== undefined || !existsSync(out)) {
      throw new UsageError(`${field}: building the addon of ${label} failed (${failed ?? 'no build/Release/writeprof.node'}); see ${shownPath(logPath)}`);
    }
    copyFileSync(out, join(tmp, 'writeprof.node'));
    const recorded: Recorded = { size: statSync(join(tmp, 'writeprof.node')).size, sha256: sha256Of(join(tmp, 'writeprof.node')) };
    const meta = { build: label, builtAt: new Date().toISOString(), node: process.version, cuda: false, ...recorded };
    writeFileSync(join(tmp, 'build.json'), JSON.stringify(meta, null, 2) + '\n');
    rmSync(src, { recursive: true, force: true });
    renameSync(tmp, dir);
    complete = true;
  } finally {
    signals.dispose();
    rmSync(tmp, { recursive: true, force: true });
    // An interrupted build's log is as unfinished as its folder; a failed one's says why.
    if (!complete && signals.received) rmSync(logPath, { force: true });
  }
  ctx.log(`${field}: built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

/** The CPU-only addon of one commit, exported with `git archive`. */
export function buildCommit(sha: string, ref: string, ctx: BuildContext, field = '--base'): Promise<Build> {
  const short = sha.slice(0, 10);
  const label = sha.startsWith(ref) ? `git ${short}` : `git ${short} (${printable(ref)})`;
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
export function buildWorkingTree(ctx: BuildContext, field = '--head'): Promise<Build> {
  const { files, digest } = sourcesDigest(ctx.root);
  if (!files.includes('binding.gyp')) throw new UsageError(`${field}: ${printable(ctx.root)} has no binding.gyp to build`);
  return cachedBuild(`tree-${digest}-cpu`, `${describeCheckout(ctx.root)}, native sources ${digest.slice(0, 8)}`, (src) => {
    for (const f of files) {
      mkdirSync(dirname(join(src, f)), { recursive: true });
      copyFileSync(join(ctx.root, f), join(src, f));
    }
  }, ctx, field);
}

/**
 * --base / --head: a path ending in `.node` is a built addon; anything else is a git ref. Checks
 * the spec now (so bad input fails before any build starts), says which it took, and returns
 * what produces the build (a ref's is built and cached when called).
 */
export function planBuild(spec: string, ctx: BuildContext, field = '--base'): () => Promise<Build> {
  if (spec.trim() === '') throw new UsageError(`${field}: "" is invalid; allowed: a git ref or a built addon path ending in .node`);
  if (spec.endsWith('.node')) {
    const build = addonAtPath(spec, field);
    ctx.log(`${field}: ${printable(spec)} is a built addon file (a .node path)`);
    return () => Promise.resolve(build);
  }
  const sha = resolveCommit(spec, ctx, field);
  ctx.log(`${field}: ${JSON.stringify(printable(spec))} is a git ref: commit ${sha.slice(0, 10)}`);
  return () => buildCommit(sha, spec, ctx, field);
}

export function resolveBuild(spec: string, ctx: BuildContext, field = '--base'): Promise<Build> {
  return planBuild(spec, ctx, field)();
}

/** "working tree (git 1a2b3c4d5e, modified)": how reports name this checkout's own build. */
export function describeCheckout(root: string): string {
  const head = git(root, ['rev-parse', '--short=10', 'HEAD']);
  if (!head.ok) return 'working tree';
  const dirty = git(root, ['status', '--porcelain', '--untracked-files=no', '--', 'kernels', 'binding.gyp']).out !== '';
  return `working tree (git ${head.out}${dirty ? ', modified native sources' : ''})`;
}

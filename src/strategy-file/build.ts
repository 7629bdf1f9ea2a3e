/**
 * A strategy file built into its own copy of an addon: the user's kernel object linked with the
 * very glue and runner objects of writeprof's own build (node-gyp's objects, out/emu's or
 * out/cuda's archives), so the unchanged CUDA runner launches it as the native `user` strategy
 * beside the built-in kernels. Flavors: `emu` (cuda-emu) and `check` (the instrumented build
 * `writeprof check` runs), both compiled by `writeprof emu build -c` (the CUDA translation, then
 * g++) with the flags kernels/emu/build.mk gives kernels/cuda; `cuda` (a GPU), compiled by nvcc
 * with the flags scripts/build-cuda.sh gives kernels/cuda and linked with libwpcuda.a and the
 * static CUDA runtime, its ptxas resource usage kept beside it.
 *
 * Builds are cached by content: the key hashes the file, the flavor, the compiler, its flags and
 * the objects linked; an entry also lists every header the compile read with its hash (a changed
 * header of the user's or of writeprof's rebuilds). The cache lives under the writeprof cache
 * directory (WRITEPROF_CACHE_DIR, else $XDG_CACHE_HOME/writeprof, else ~/.cache/writeprof); an
 * entry is written whole in a directory of its own, then renamed into place. Nothing is ever
 * written beside the user's file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompileError, UsageError } from '../errors.js';
import { printable } from '../io/sanitize.js';
import type { StrategySource } from './source.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const FLAVORS = ['emu', 'check', 'cuda'] as const;
export type Flavor = (typeof FLAVORS)[number];

interface FlavorSpec {
  /** node-gyp's target: its glue objects (module entry, Case, params) are linked again */
  target: string;
  /** `emu build --instrument`: every load and store reaches the checker's hooks */
  instrument: boolean;
  /** archives of writeprof's build, relative to its root */
  libs: string[];
  /** nvcc compiles it (else `writeprof emu build`) */
  nvcc: boolean;
}

const SPECS: Record<Flavor, FlavorSpec> = {
  emu: { target: 'writeprof_emu', instrument: false, nvcc: false, libs: ['out/emu/libwpemu_cuda.a', 'out/emu/libwpemu_rt.a'] },
  check: { target: 'writeprof_check', instrument: true, nvcc: false, libs: ['out/emu/libwpemu_cuda_check.a', 'out/emu/libwpemu_check.a', 'out/emu/libwpemu_rt.a'] },
  cuda: { target: 'writeprof', instrument: false, nvcc: true, libs: ['out/cuda/libwpcuda.a'] },
};

/** ptxas -v's report of the `cuda` flavor's kernels, parsed as out/cuda/kernels.json is, kept in its cache entry. */
export const RESOURCE_USAGE = 'kernels.json';

const BIN = join(ROOT, 'bin', 'writeprof');

/** The writeprof cache directory (strategy builds live in its strategies/). */
export function cacheDir(): string {
  const own = process.env['WRITEPROF_CACHE_DIR'];
  if (own) return own;
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'writeprof');
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function fileHash(path: string): string | undefined {
  try {
    return sha256(readFileSync(path));
  } catch {
    return undefined;
  }
}

/**
 * kernels/cuda's compile flags, relative include paths made absolute (compiles run in the user's
 * directory); kernels/cuda's private headers are not a strategy file's.
 */
function absoluteFlags(flags: string): string[] {
  return flags
    .trim()
    .split(/\s+/)
    .filter((f) => f !== '-Ikernels/cuda')
    .map((f) => (f.startsWith('-I') && !isAbsolute(f.slice(2)) ? `-I${join(ROOT, f.slice(2))}` : f));
}

function flagsFor(spec: FlavorSpec): string[] {
  return spec.nvcc
    ? absoluteFlags(execFileSync('bash', ['scripts/build-cuda.sh', '--print-flags'], { cwd: ROOT, encoding: 'utf8' }))
    : absoluteFlags(execFileSync('make', ['-s', '-f', 'kernels/emu/build.mk', 'print-cuda-emu-flags'], { cwd: ROOT, encoding: 'utf8' }));
}

/** nvcc: $NVCC, else on PATH (as the Makefile finds it). */
function nvccPath(): string {
  return process.env['NVCC'] || 'nvcc';
}

/** The CUDA toolkit's root as nvcc names it (TOP=...; /usr/local/bin/nvcc may be a wrapper), for the static runtime. */
function cudaHome(nvcc: string): string {
  const r = spawnSync(nvcc, ['-v', '--dryrun', '-c', '-x', 'cu', '/dev/null', '-o', '/dev/null'], { encoding: 'utf8' });
  const top = `${r.stdout ?? ''}${r.stderr ?? ''}`.match(/^#\$ TOP=(.*)$/m)?.[1];
  if (!top) throw new UsageError(`--strategy-file: ${nvcc} did not name its CUDA toolkit (nvcc -v --dryrun); the cuda build of a strategy file needs the toolkit writeprof was built with`);
  return top;
}

function objectsUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? objectsUnder(join(dir, e.name)) : e.name.endsWith('.o') ? [join(dir, e.name)] : []))
    .sort();
}

/** What a flavor links the user's object with: glue objects, then the runner's archives. */
function linkInputs(spec: FlavorSpec): { glue: string[]; libs: string[] } {
  const glueDir = join(ROOT, 'build', 'Release', 'obj.target', spec.target);
  const libs = spec.libs.map((l) => join(ROOT, l));
  if (spec.nvcc && existsSync(glueDir) && !existsSync(libs[0]!)) {
    throw new UsageError('--strategy-file: writeprof was built without its CUDA backend (nvcc was not found at build time), so a strategy file cannot be built for --backend cuda; install the CUDA toolkit and run `make build`, or use --backend cuda-emu');
  }
  const missing = [glueDir, ...libs].find((f) => !existsSync(f));
  if (missing) throw new UsageError(`--strategy-file: writeprof is not built (${missing} is missing); run \`make build\``);
  return { glue: objectsUnder(glueDir), libs };
}

/** The compiler's version line: part of the cache key. */
function compilerId(compiler: string, why: string): string {
  const r = spawnSync(compiler, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new UsageError(`--strategy-file: cannot run ${compiler} (${r.error?.message ?? `exit ${r.status}`}); ${why}`);
  return r.stdout.trim() || compiler;
}

/**
 * The compiler's first errors, each at its file:line as the compiler wrote it (the user's path as
 * given): what a failed build shows, and nothing else.
 */
export function firstErrors(stderr: string, max = 5): string[] {
  const lines = stderr.split('\n');
  // g++'s `file:line:col: error:` and nvcc's front end's `file(line): error:`
  const errors = lines.filter((l) => /^[^\s:][^:]*:\d+(:\d+)?: (fatal )?error: /.test(l) || /^[^\s(][^(]*\(\d+\): (catastrophic )?error\b/.test(l));
  const picked = errors.length > 0 ? errors : lines.filter((l) => l.trim() !== '' && !/^\s*(In file included|In function|\s+from )/.test(l));
  return picked.slice(0, max);
}

/** The user's kernels' registers, shared memory and spills (`writeprof kernels --strategy-file`). */
function keepResourceUsage(work: string, stderr: string, nvccVersion: string): void {
  const text = join(work, 'resource-usage.txt');
  writeFileSync(text, `${stderr.split('\n').filter((l) => /^ptxas info|bytes stack frame/.test(l)).join('\n')}\n`);
  const version = nvccVersion.match(/release [0-9.]+, V([0-9.]+)/)?.[1] ?? '';
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'ptxas-to-json.mjs'), text, join(ROOT, 'kernels', 'cuda', 'launch.h'), version], { encoding: 'utf8' });
  if (r.status === 0) writeFileSync(join(work, RESOURCE_USAGE), r.stdout);
}

interface Manifest {
  key: string;
  deps: { path: string; sha256: string }[];
}

/** The headers a compile read, from its make-style dependency file. */
function depsOf(depFile: string): string[] {
  const text = readFileSync(depFile, 'utf8').replace(/\\\n/g, ' ');
  const colon = text.indexOf(': ');
  return [...new Set(text.slice(colon + 2).split(/\s+/).filter((p) => p && !p.endsWith(':')))];
}

function fresh(dir: string, addon: string, key: string): boolean {
  try {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    return m.key === key && existsSync(join(dir, addon)) && m.deps.every((d) => fileHash(d.path) === d.sha256);
  } catch {
    return false;
  }
}

function run(cmd: string, args: string[], cwd: string): { ok: boolean; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.error) throw new UsageError(`--strategy-file: cannot run ${cmd} (${r.error.message})`);
  return { ok: r.status === 0, stderr: r.stderr ?? '' };
}

/**
 * The addon this flavor's build of `src` lives in: from the cache, or built now. `includeDirs`:
 * searched for quoted includes too (a copy of the file kept elsewhere finds its own headers).
 */
export function buildStrategy(src: StrategySource, flavor: Flavor, includeDirs: readonly string[] = []): string {
  const spec = SPECS[flavor];
  const cxx = process.env['CXX'] || 'g++';
  const nvcc = nvccPath();
  const { glue, libs } = linkInputs(spec);
  const flags = [...flagsFor(spec), ...includeDirs.map((d) => `-I${d}`)];
  const cxxId = compilerId(cxx, 'a strategy file is built with the C++ compiler writeprof was built with');
  // nvcc's `--version`: in the key, and the version its kernels' resource usage records
  const nvccId = spec.nvcc ? compilerId(nvcc, 'the cuda build of a strategy file needs nvcc (set NVCC, or put the CUDA toolkit on PATH)') : '';
  const addonName = `${spec.target}.node`;
  const key = sha256(
    JSON.stringify({
      file: src.sha256,
      // its quoted includes resolve from its own directory: the same content elsewhere is another build
      dir: dirname(src.path),
      flavor,
      compiler: cxxId,
      ...(spec.nvcc ? { nvcc: nvccId } : {}),
      flags,
      instrument: spec.instrument,
      // the CUDA translation's own code
      translator: spec.nvcc ? [] : readdirSync(join(ROOT, 'dist', 'emu')).sort().map((f) => fileHash(join(ROOT, 'dist', 'emu', f))),
      linked: [...glue, ...libs].map((f) => fileHash(f)),
    }),
  );
  const root = join(cacheDir(), 'strategies');
  const dir = join(root, `${src.name}-${flavor}-${key.slice(0, 16)}`);
  if (fresh(dir, addonName, key)) return join(dir, addonName);

  try {
    mkdirSync(root, { recursive: true });
  } catch (err) {
    throw new UsageError(`--strategy-file: cannot create the cache ${printable(root)} (${(err as Error).message}); WRITEPROF_CACHE_DIR names another`);
  }
  const work = mkdtempSync(join(root, '.build-'));
  try {
    const obj = join(work, 'strategy.o');
    const depFile = join(work, 'strategy.d');
    // Compiled from the user's directory with the path as given: messages name their file.
    const c = spec.nvcc
      ? run(nvcc, [...flags, '-c', src.shown, '-o', obj, '-MD', '-MF', depFile], process.cwd())
      : run(process.execPath, [BIN, 'emu', 'build', ...(spec.instrument ? ['--instrument'] : []), '-c', src.shown, '-o', obj, ...flags, '-MD', '-MF', depFile], process.cwd());
    if (!c.ok) throw new CompileError(firstErrors(c.stderr));
    // ptxas -v: the kernels' registers, shared memory and spills (`writeprof kernels --strategy-file`)
    if (spec.nvcc) keepResourceUsage(work, c.stderr, nvccId);
    const out = join(work, addonName);
    const runtime = spec.nvcc ? [`-L${join(cudaHome(nvcc), 'lib64')}`, '-lcudart_static', '-lrt', '-ldl', '-lhiredis'] : [];
    const l = run(
      cxx,
      ['-shared', '-pthread', '-rdynamic', `-Wl,-soname=writeprof_strategy_${key.slice(0, 16)}.node`, '-o', out,
        ...glue, obj, '-Wl,--start-group', ...libs, '-Wl,--end-group', ...runtime, '-lpthread'],
      ROOT,
    );
    if (!l.ok) throw new CompileError(firstErrors(l.stderr));
    const deps = depsOf(depFile).map((p) => (isAbsolute(p) ? p : join(process.cwd(), p)));
    const manifest: Manifest = { key, deps: deps.map((path) => ({ path, sha256: fileHash(path) ?? '' })) };
    writeFileSync(join(work, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
    rmSync(depFile, { force: true });
    // A stale entry of this key (a header changed) makes way; a concurrent build's entry wins.
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(work, dir);
    } catch {
      if (!fresh(dir, addonName, key)) throw new Error(`cannot place the build of ${src.shown} in ${dir}`);
    }
    return join(dir, addonName);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

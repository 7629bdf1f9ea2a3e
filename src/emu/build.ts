/**
 * Builds CUDA programs against the host SIMT emulator (`writeprof emu build`, and the Makefile's
 * build of kernels/cuda for `--backend cuda-emu`). A .cu file is preprocessed twice, as nvcc
 * compiles it twice (host pass; device pass with `__CUDA_ARCH__`), translated (src/emu/translate.ts)
 * and compiled by g++; host sources are compiled as they are; everything is linked with the
 * emulator's runtime and the program hooks that read WRITEPROF_EMU_* and report faults.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import type { BuildRequest, Input } from './flags.js';
import { translate, TranslateError } from './translate.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EMU_INCLUDE = join(ROOT, 'kernels', 'emu', 'include');
export const EMU_RUNTIME = join(ROOT, 'out', 'emu', 'libwpemu_rt.a');
export const EMU_PROGRAM = join(ROOT, 'out', 'emu', 'wpemu_program.o');

/** The compute capability the emulator gives `__CUDA_ARCH__` (its device is sm_80). */
export const EMULATED_ARCH = 800;
const CUDACC_VERSION = { major: 13, minor: 0, build: 88 };

/** nvcc's predefined macros, in both passes of a .cu file. */
const CUDACC_MACROS = [
  '-D__CUDACC__',
  '-D__NVCC__',
  `-D__CUDACC_VER_MAJOR__=${CUDACC_VERSION.major}`,
  `-D__CUDACC_VER_MINOR__=${CUDACC_VERSION.minor}`,
  `-D__CUDACC_VER_BUILD__=${CUDACC_VERSION.build}`,
  '-DWPEMU_TRANSLATE',
];

export interface BuildResult {
  /** the files written: the program, or the objects with -c */
  outputs: string[];
}

interface Tool {
  run(cmd: string, args: string[]): Promise<void>;
  verbose: boolean;
}

function cxx(): string {
  return process.env['CXX'] || 'g++';
}

/** The -std a compile uses: the user's when it is C++20 or later, else C++20 (the emulator needs it). */
function standard(std: string | null): string {
  return std && /(20|23|2a|2b)$/.test(std) ? std : 'c++20';
}

/**
 * The flags of a build flavor. `plain` is what `writeprof emu build` makes by default; the
 * instrumented flavor is what `writeprof check` runs: -fsanitize=thread without libtsan, so that
 * every load and store of the code calls the checker's hooks (kernels/emu/check). Function
 * entry/exit hooks are off (call sites come from the return address); volatile accesses are told
 * apart (relaxed atomics to racecheck). No scalar replacement of aggregates: a 16-byte vector copy
 * (uint4) stays one 16-byte access, as the GPU's LDG.128/STG.128 is one instruction, instead of
 * four 4-byte ones (memory-traffic counts).
 */
export function flavorFlags(instrument: boolean): { compile: string[] } {
  if (!instrument) return { compile: [] };
  return {
    compile: ['-fsanitize=thread', '--param', 'tsan-instrument-func-entry-exit=0', '--param', 'tsan-distinguish-volatile=1', '-Wno-tsan', '-fno-tree-sra'],
  };
}

/** Library copies and fills of instrumented code reach the hooks too: the object's calls are renamed. */
const INSTRUMENT_RENAMES = ['memcpy', 'memset', 'memmove'].flatMap((f) => ['--redefine-sym', `${f}=wpemu_check_${f}`]);

/** Compiles with `compile(to)`; an instrumented object then gets its renames (objcopy). */
async function compileObject(t: Tool, r: BuildRequest, obj: string, compile: (to: string) => Promise<void>): Promise<void> {
  if (!r.instrument) return compile(obj);
  const raw = `${obj}.raw`;
  try {
    await compile(raw);
    await t.run(process.env['OBJCOPY'] || 'objcopy', [...INSTRUMENT_RENAMES, raw, obj]);
  } finally {
    rmSync(raw, { force: true });
  }
}

function commonCompileFlags(r: BuildRequest): string[] {
  return [
    `-std=${standard(r.std)}`,
    `-O${r.optimize ?? '2'}`,
    ...(r.debug ? ['-g'] : []),
    '-pthread',
    // Stack probes make an overflowing frame hit its fiber's guard (a fault naming the kernel).
    '-fstack-clash-protection',
    // CUDA code reinterprets memory freely (float4 loads of float arrays); nvcc does not assume otherwise.
    '-fno-strict-aliasing',
    '-Wno-unknown-pragmas',
    // C++20 deprecates compound assignment to volatile, which CUDA reductions on shared memory use.
    '-Wno-volatile',
    ...flavorFlags(r.instrument).compile,
    ...r.compilerFlags,
  ];
}

function preprocessFlags(r: BuildRequest): string[] {
  return [
    `-std=${standard(r.std)}`,
    '-pthread',
    `-I${EMU_INCLUDE}`,
    ...r.includeDirs.map((d) => `-I${d}`),
    ...r.macros,
    ...r.forceIncludes.flatMap((f) => ['-include', f]),
  ];
}

// `obj` is written; `target` is what the dependency file names (the object's final path).
async function compileCuda(t: Tool, r: BuildRequest, src: Input, obj: string, target: string, work: string): Promise<void> {
  const stem = join(work, basename(src.path));
  const common = [...preprocessFlags(r), ...CUDACC_MACROS, '-include', 'cuda_runtime.h', '-x', 'c++', src.path];
  const deps = (file: string): string[] => (r.depFile ? ['-MD', '-MF', file, '-MT', r.depTarget ?? target] : []);
  await Promise.all([
    t.run(cxx(), ['-E', ...common, ...deps(`${stem}.host.d`), '-o', `${stem}.host.ii`]),
    t.run(cxx(), ['-E', `-D__CUDA_ARCH__=${EMULATED_ARCH}`, ...common, ...deps(`${stem}.device.d`), '-o', `${stem}.device.ii`]),
  ]);
  let out: string;
  try {
    out = translate(readFileSync(`${stem}.host.ii`, 'utf8'), readFileSync(`${stem}.device.ii`, 'utf8'));
  } catch (err) {
    if (err instanceof TranslateError) throw new UsageError(`emu build: ${err.message}`);
    throw err;
  }
  const translated = `${stem}.emu.ii`;
  writeFileSync(translated, out);
  if (r.keep) {
    mkdirSync(r.keep, { recursive: true });
    writeFileSync(join(r.keep, `${basename(src.path)}.emu.ii`), out);
  }
  await compileObject(t, r, obj, (to) => t.run(cxx(), ['-c', ...commonCompileFlags(r), '-x', 'c++-cpp-output', translated, '-o', to]));
  if (r.depFile) {
    // Both passes' dependencies: a header included only under __CUDA_ARCH__ counts too.
    const text = [`${stem}.host.d`, `${stem}.device.d`].filter(existsSync).map((f) => readFileSync(f, 'utf8')).join('\n');
    writeAtomically(r.depFile, text);
  }
}

async function compileHost(t: Tool, r: BuildRequest, src: Input, obj: string, target: string): Promise<void> {
  const deps = r.depFile ? ['-MD', '-MF', r.depFile, '-MT', r.depTarget ?? target] : [];
  if (src.kind === 'c') {
    // C: the user's macros and include paths; the emulator's headers are C++.
    const flags = [`-O${r.optimize ?? '2'}`, ...(r.debug ? ['-g'] : []), '-pthread', ...r.compilerFlags];
    const pp = [...r.includeDirs.map((d) => `-I${d}`), ...r.macros];
    await t.run(process.env['CC'] || 'gcc', ['-c', ...flags, ...pp, ...deps, '-x', 'c', src.path, '-o', obj]);
    return;
  }
  await compileObject(t, r, obj, (to) => t.run(cxx(), ['-c', ...commonCompileFlags(r), ...preprocessFlags(r), ...deps, '-x', 'c++', src.path, '-o', to]));
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function makeTool(verbose: boolean): Tool {
  return {
    verbose,
    run: (cmd, args) =>
      new Promise<void>((ok, fail) => {
        if (verbose) process.stderr.write(`${[cmd, ...args].join(' ')}\n`);
        const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
        child.on('error', (err) => fail(new UsageError(`emu build: cannot run ${cmd}: ${err.message}`)));
        child.on('close', (code, signal) => {
          if (code === 0) ok();
          else fail(new UsageError(`emu build: ${cmd} ${args.includes('-E') ? 'preprocessing' : args.includes('-c') ? 'compiling' : 'linking'} failed (${signal ?? `exit ${code}`}); its messages are above`));
        });
      }),
  };
}

/** Runs `jobs` at most `width` at a time; the first failure wins once all started ones ended. */
async function limited<T>(items: readonly T[], width: number, job: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown = null;
  const lane = async (): Promise<void> => {
    while (next < items.length && failure === null) {
      const item = items[next++]!;
      try {
        await job(item);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, lane));
  if (failure !== null) throw failure;
}

export async function build(r: BuildRequest): Promise<BuildResult> {
  for (const x of r.inputs) if (!existsSync(x.path)) throw new UsageError(`emu build: ${JSON.stringify(x.path)}: no such file`);
  if (!r.compileOnly) {
    for (const f of [EMU_RUNTIME, EMU_PROGRAM])
      if (!existsSync(f)) throw new UsageError(`emu build: the emulator is not built (${f} is missing): run \`make build\``);
  }
  if (r.instrument && !r.compileOnly) {
    // Its objects link only with the checker's runtime and entry (libwpemu_check.a), which is
    // `writeprof check`'s addon, not a program of its own.
    throw new UsageError('emu build: --instrument builds objects for `writeprof check`: use it with -c');
  }
  const t = makeTool(r.verbose);
  const work = mkdtempSync(join(tmpdir(), 'wpemu-build-'));
  try {
    const sources = r.inputs.filter((x) => x.kind !== 'object');
    // Objects: next to the output with -c (nvcc's names), else in the work directory.
    const objectOf = new Map<Input, string>();
    sources.forEach((s, k) => {
      const obj = r.compileOnly
        ? resolve(r.output ?? basename(s.path).replace(/\.[^.]+$/, '.o'))
        : join(work, `${k}-${basename(s.path)}.o`);
      objectOf.set(s, obj);
    });
    await limited(sources, availableParallelism(), async (s) => {
      const obj = objectOf.get(s)!;
      const tmpObj = r.compileOnly ? `${obj}.tmp-${process.pid}` : obj;
      const dir = mkdtempSync(join(work, 'src-'));
      try {
        // Dependencies name the object as the command line did (make's target, relative or not).
        const named = r.compileOnly ? (r.output ?? basename(s.path).replace(/\.[^.]+$/, '.o')) : obj;
        if (s.kind === 'cu') await compileCuda(t, r, s, tmpObj, named, dir);
        else await compileHost(t, r, s, tmpObj, named);
        if (tmpObj !== obj) renameSync(tmpObj, obj);
      } finally {
        if (tmpObj !== obj) rmSync(tmpObj, { force: true });
      }
    });
    if (r.compileOnly) return { outputs: sources.map((s) => objectOf.get(s)!) };
    const output = resolve(r.output ?? 'a.out');
    const tmpOut = join(dirname(output), `.${basename(output)}.tmp-${process.pid}`);
    const objects = r.inputs.map((x) => (x.kind === 'object' ? x.path : objectOf.get(x)!));
    try {
      await t.run(cxx(), [
        ...objects,
        EMU_PROGRAM,
        EMU_RUNTIME,
        '-pthread',
        ...r.libDirs.map((d) => `-L${d}`),
        ...r.libs.map((l) => `-l${l}`),
        ...r.linkerFlags.map((f) => `-Wl,${f}`),
        ...r.compilerFlags,
        '-o',
        tmpOut,
      ]);
      renameSync(tmpOut, output);
    } finally {
      rmSync(tmpOut, { force: true });
    }
    return { outputs: [output] };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

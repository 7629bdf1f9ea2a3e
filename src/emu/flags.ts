/**
 * `writeprof emu build`'s command line: nvcc's flags, so that a build script written for nvcc
 * works by changing the compiler's name. Flags that only steer GPU code generation (-arch,
 * -gencode, -rdc, -maxrregcount, ...) are accepted and have nothing to do here; an unknown flag is
 * an error naming it, never silently dropped.
 */
import { extname } from 'node:path';
import { UsageError } from '../errors.js';

export type InputKind = 'cu' | 'cpp' | 'c' | 'object';

export interface Input {
  path: string;
  kind: InputKind;
}

export interface BuildRequest {
  inputs: Input[];
  /** -o; null: nvcc's default (a.out, or <input>.o with -c) */
  output: string | null;
  /** -c / -dc: objects, no link */
  compileOnly: boolean;
  includeDirs: string[];
  /** -D NAME[=VALUE] and -U NAME, in command-line order */
  macros: string[];
  forceIncludes: string[];
  /** -O level as given (0-3, s, fast), or null */
  optimize: string | null;
  debug: boolean;
  /** -std=... (the emulator needs C++20; later standards are kept) */
  std: string | null;
  compilerFlags: string[];
  linkerFlags: string[];
  libDirs: string[];
  libs: string[];
  /** -M* dependency output (for make) */
  depFile: string | null;
  depTarget: string | null;
  /** build for `writeprof check` (instrumented accesses) */
  instrument: boolean;
  verbose: boolean;
  /** keep the translated sources in this directory */
  keep: string | null;
  /** -x cu: every source is CUDA */
  allCuda: boolean;
  /** the GPU architectures asked for (reported only: the emulator is one compute capability) */
  archs: string[];
}

const SOURCE_KINDS: Record<string, InputKind> = {
  '.cu': 'cu',
  '.cpp': 'cpp',
  '.cc': 'cpp',
  '.cxx': 'cpp',
  '.c++': 'cpp',
  '.C': 'cpp',
  '.c': 'c',
  '.o': 'object',
  '.a': 'object',
  '.so': 'object',
};

// Accepted and without effect on the emulator: GPU code generation, warnings of device
// compilation, host compiler selection (g++ is the compiler here).
const IGNORED_SWITCHES = new Set([
  '-lineinfo', '--generate-line-info', '--expt-relaxed-constexpr', '--expt-extended-lambda', '--extended-lambda',
  '-use_fast_math', '--use_fast_math', '-m64', '--machine=64', '-Wno-deprecated-gpu-targets',
  '-Wno-deprecated-declarations', '--resource-usage', '-res-usage', '-src-in-ptx', '--source-in-ptx', '-w',
  '--disable-warnings', '-rdc=true', '-rdc=false', '--relocatable-device-code=true', '--relocatable-device-code=false',
  '-ftz=true', '-ftz=false', '-prec-div=true', '-prec-div=false', '-prec-sqrt=true', '-prec-sqrt=false',
  '-fmad=true', '-fmad=false', '--restrict', '-restrict', '-MP',
]);
// Flags with a value that is accepted and without effect.
const IGNORED_WITH_VALUE = new Set([
  '-ccbin', '--compiler-bindir', '-cudart', '--cudart', '-Xptxas', '--ptxas-options', '-maxrregcount',
  '--maxrregcount', '-t', '--threads', '-Xnvlink', '--nvlink-options', '-Werror', '-Xcudafe', '-code', '--gpu-code',
  '--default-stream', '-default-stream', '-split-compile', '--split-compile', '-rdc', '--relocatable-device-code',
]);
/** C++ standards nvcc takes (the emulator compiles C++20 when an earlier one is asked). */
export const STANDARD = /^(?:c|gnu)\+\+(?:11|14|17|20|23|2a|2b|1y|1z)$/;
// CUDA's own libraries: the emulator's runtime takes their place.
const CUDA_LIBS = new Set(['cudart', 'cudart_static', 'cuda', 'cudadevrt', 'nvToolsExt']);

export const BUILD_USAGE = `usage: writeprof emu build <files...> [-o <program>] [-c] [-I<dir>] [-D<name>[=<value>]] [-U<name>]
       [-O<n>] [-g] [-std=<std>] [-Xcompiler <flags>] [-Xlinker <flags>] [-L<dir>] [-l<lib>] [--instrument]
Builds CUDA sources (.cu) and host sources (.cpp, .c) into a program that runs on writeprof's host
SIMT emulator, with no GPU. nvcc's flags are accepted: GPU code generation flags (-arch, -gencode,
-rdc, -maxrregcount, ...) have no effect. The program reads WRITEPROF_EMU_SEED, WRITEPROF_EMU_WORKERS
and WRITEPROF_EMU_TIMEOUT, and prints the emulator's diagnosis of a kernel fault on stderr.
  -o <file>        the program (or object with -c); default a.out
  -c, -dc          compile to objects only
  --instrument     objects (-c) as \`writeprof check\` builds them (every load and store observed)
  --keep <dir>     keep the translated sources there
  -v, --verbose    print each command`;

/** Parses nvcc-style arguments (after `emu build`). */
export function parseBuildArgs(argv: readonly string[]): BuildRequest {
  const r: BuildRequest = {
    inputs: [],
    output: null,
    compileOnly: false,
    includeDirs: [],
    macros: [],
    forceIncludes: [],
    optimize: null,
    debug: false,
    std: null,
    compilerFlags: [],
    linkerFlags: [],
    libDirs: [],
    libs: [],
    depFile: null,
    depTarget: null,
    instrument: false,
    verbose: false,
    keep: null,
    allCuda: false,
    archs: [],
  };
  let wantDeps = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (flag: string): string => {
      const v = argv[++i];
      if (v === undefined || v === '') throw new UsageError(`emu build: ${flag} needs a value`);
      return v;
    };
    // -Ifoo, -I foo, --include-path foo, --include-path=foo (and alike for the others)
    const take = (short: string | null, long: string | null): string | null => {
      if (short && a === short) return value(short);
      if (short && a.startsWith(short) && a.length > short.length) return a.slice(short.length).replace(/^=/, '');
      if (long && a === long) return value(long);
      if (long && a.startsWith(`${long}=`)) return a.slice(long.length + 1);
      return null;
    };
    let v: string | null;
    if (!a.startsWith('-') || a === '-') {
      r.inputs.push(input(a, r.allCuda));
    } else if (IGNORED_SWITCHES.has(a)) {
      // nothing to do on the emulator (before the prefix forms: -lineinfo is not -l ineinfo)
    } else if (a === '-c' || a === '--compile' || a === '-dc' || a === '--device-c') {
      r.compileOnly = true;
    } else if ((v = take('-o', '--output-file')) !== null) {
      if (r.output !== null) throw new UsageError('emu build: -o given twice');
      r.output = v;
    } else if (a === '-include' || a === '--pre-include' || a.startsWith('--pre-include=')) {
      r.forceIncludes.push(a.includes('=') ? a.slice(a.indexOf('=') + 1) : value(a));
    } else if ((v = take('-I', '--include-path')) !== null) {
      r.includeDirs.push(v);
    } else if ((v = take('-D', '--define-macro')) !== null) {
      r.macros.push(`-D${v}`);
    } else if ((v = take('-U', '--undefine-macro')) !== null) {
      r.macros.push(`-U${v}`);
    } else if (/^-O[0-3s]?$/.test(a) || a === '-Ofast') {
      r.optimize = a === '-O' ? '1' : a.slice(2);
    } else if ((v = take(null, '--optimize')) !== null) {
      if (!/^[0-3]$/.test(v)) throw new UsageError(`emu build: --optimize: ${JSON.stringify(v)} is invalid; allowed: 0, 1, 2, 3`);
      r.optimize = v;
    } else if (a === '-g' || a === '-G' || a === '--debug' || a === '--device-debug') {
      r.debug = true;
    } else if ((v = take(null, '-std')) !== null || (v = take(null, '--std')) !== null) {
      if (!STANDARD.test(v)) throw new UsageError(`emu build: -std: ${JSON.stringify(v)} is invalid; allowed: c++11 to c++23 (compiled as C++20 or later)`);
      r.std = v;
    } else if ((v = take('-Xcompiler', '--compiler-options')) !== null) {
      r.compilerFlags.push(...splitCommas(v));
    } else if ((v = take('-Xlinker', '--linker-options')) !== null) {
      r.linkerFlags.push(...splitCommas(v));
    } else if ((v = take('-L', '--library-path')) !== null) {
      r.libDirs.push(v);
    } else if ((v = take('-l', '--library')) !== null) {
      if (!CUDA_LIBS.has(v)) r.libs.push(v);
    } else if ((v = take(null, '-arch')) !== null || (v = take(null, '--gpu-architecture')) !== null) {
      r.archs.push(v);
    } else if ((v = take(null, '-gencode')) !== null || (v = take(null, '--generate-code')) !== null) {
      r.archs.push(v);
    } else if ((v = take('-x', '--x')) !== null) {
      if (v !== 'cu' && v !== 'c++' && v !== 'none') throw new UsageError(`emu build: -x: ${JSON.stringify(v)} is invalid; allowed: cu, c++, none`);
      r.allCuda = v === 'cu';
    } else if (a === '-MD' || a === '-MMD' || a === '--generate-dependencies-with-compile' || a === '--generate-nonsystem-dependencies-with-compile') {
      wantDeps = true;
    } else if ((v = take(null, '-MF')) !== null || (v = take(null, '--dependency-output')) !== null) {
      r.depFile = v;
    } else if ((v = take(null, '-MT')) !== null || (v = take(null, '--dependency-target-name')) !== null) {
      r.depTarget = v;
    } else if (a === '--instrument') {
      r.instrument = true;
    } else if ((v = take(null, '--keep-dir')) !== null || (v = take(null, '--keep')) !== null) {
      r.keep = v;
    } else if (a === '-v' || a === '--verbose') {
      r.verbose = true;
    } else if (IGNORED_WITH_VALUE.has(a)) {
      value(a);
    } else if ([...IGNORED_WITH_VALUE].some((f) => a.startsWith(`${f}=`))) {
      // --flag=value form
    } else {
      throw new UsageError(`emu build: unknown option ${JSON.stringify(a)} (nvcc's flags are accepted; see \`writeprof emu build --help\`)`);
    }
  }
  if (r.inputs.length === 0) throw new UsageError('emu build: no input files (give .cu, .cpp, .c, .o or .a files)');
  if (wantDeps && !r.depFile) throw new UsageError('emu build: -MD needs -MF <file>');
  if (!wantDeps && r.depFile) wantDeps = true;
  const sources = r.inputs.filter((x) => x.kind !== 'object');
  if (r.compileOnly && r.output !== null && sources.length > 1)
    throw new UsageError('emu build: -o with -c names one object, but there are several sources');
  if (r.compileOnly && sources.length === 0) throw new UsageError('emu build: -c without a source file');
  if (r.depFile && sources.length !== 1) throw new UsageError('emu build: -MF writes the dependencies of one source');
  return r;
}

function input(path: string, allCuda: boolean): Input {
  const ext = extname(path);
  const kind = SOURCE_KINDS[ext];
  if (!kind) {
    throw new UsageError(
      `emu build: ${JSON.stringify(path)} is not a file it builds; allowed: .cu (CUDA), .cpp/.cc/.cxx (C++), .c, .o, .a, .so`,
    );
  }
  return { path, kind: allCuda && (kind === 'cpp' || kind === 'c') ? 'cu' : kind };
}

function splitCommas(v: string): string[] {
  return v.split(',').filter((x) => x !== '');
}

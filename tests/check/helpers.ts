/**
 * Test-only builds of the check addon with kernel families replaced by planted bugs
 * (tests/check/native/plants.cu): the planted object is compiled exactly as kernels/cuda is for the
 * checker (kernels/emu/build.mk's flags and symbol renames) and linked before the instrumented
 * kernels, so the unchanged runner launches it. Nothing of kernels/cuda is copied.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../cli/helpers.js';

const GLUE = join(ROOT, 'build', 'Release', 'obj.target', 'writeprof_check', 'kernels', 'addon');
const LIBS = ['libwpemu_cuda_check.a', 'libwpemu_check.a', 'libwpemu_rt.a'].map((l) => join(ROOT, 'out', 'emu', l));

function makeVar(target: string): string[] {
  return execFileSync('make', ['-s', '-f', 'kernels/emu/build.mk', target], { cwd: ROOT, encoding: 'utf8' })
    .trim()
    .split(/\s+/)
    .filter((f) => f !== '-MMD' && f !== '-MP');
}

function objects(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? objects(join(dir, e.name)) : e.name.endsWith('.o') ? [join(dir, e.name)] : []));
}

let dir: string | undefined;
const OPTS = { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] as ('ignore' | 'pipe')[] };

/** `source` compiled as kernels/cuda is for the checker (instrumented, copies renamed): its object. */
function instrumented(source: string, name: string, flags: string[]): string {
  for (const f of LIBS) if (!existsSync(f)) throw new Error(`${f} is missing: run \`make build\``);
  dir ??= mkdtempSync(join(tmpdir(), 'wpcheck-'));
  const tmp = join(dir, `${name}.tmp.o`), obj = join(dir, `${name}.o`);
  execFileSync('g++', [...makeVar('print-check-cxxflags'), ...flags, '-x', 'c++', '-c', source, '-o', tmp], OPTS);
  execFileSync('objcopy', [...makeVar('print-check-redefine'), tmp, obj], OPTS);
  return obj;
}

/**
 * The check addon with the planted kernels in place of baseline's, lock-free's and write-combine's
 * (WP_PLANT in the environment picks the bug); built once per test process.
 */
export function plantedAddon(): string {
  if (!existsSync(GLUE)) throw new Error(`${GLUE} is missing: run \`make build\``);
  const node = join(dir ?? '', 'planted.node');
  if (dir && existsSync(node)) return node;
  const obj = instrumented('tests/check/native/plants.cu', 'plants', []);
  const out = join(dir!, 'planted.node');
  execFileSync('g++', ['-shared', '-pthread', '-o', out, ...objects(GLUE), obj, '-Wl,--start-group', ...LIBS, '-Wl,--end-group'], OPTS);
  return out;
}

/** A test driver (its own main) built as kernels/cuda is for the checker, linked with the checker. */
export function checkDriver(source: string, name: string, includes: string[] = []): string {
  const cached = join(dir ?? '', name);
  if (dir && existsSync(cached)) return cached;
  const obj = instrumented(source, name, ['-Ikernels/emu/check', ...includes.map((d) => `-I${d}`)]);
  const bin = join(dir!, name);
  execFileSync('g++', ['-pthread', obj, '-Wl,--start-group', ...LIBS.slice(1), '-Wl,--end-group', '-o', bin], OPTS);
  return bin;
}

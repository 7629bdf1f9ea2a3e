/**
 * Test-only builds of the check addon with kernel families replaced by planted bugs
 * (tests/check/native/plants.cu): the planted object is compiled exactly as kernels/cuda is for the
 * checker (`writeprof emu build --instrument` with kernels/emu/build.mk's flags) and linked before the instrumented
 * kernels, so the unchanged runner launches it. Nothing of kernels/cuda is copied.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../../src/emu/build.js';
import { parseBuildArgs } from '../../src/emu/flags.js';
import { ROOT } from '../cli/helpers.js';

const GLUE = join(ROOT, 'build', 'Release', 'obj.target', 'writeprof_check', 'kernels', 'addon');
const LIBS = ['libwpemu_cuda_check.a', 'libwpemu_check.a', 'libwpemu_rt.a'].map((l) => join(ROOT, 'out', 'emu', l));

/** `writeprof emu build`'s flags for kernels/cuda (kernels/emu/build.mk). */
function cudaEmuFlags(): string[] {
  return execFileSync('make', ['-s', '-f', 'kernels/emu/build.mk', 'print-cuda-emu-flags'], { cwd: ROOT, encoding: 'utf8' })
    .trim()
    .split(/\s+/);
}

function objects(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? objects(join(dir, e.name)) : e.name.endsWith('.o') ? [join(dir, e.name)] : []));
}

let dir: string | undefined;
const OPTS = { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] as ('ignore' | 'pipe')[] };

/** `source`, plain CUDA, compiled as kernels/cuda is for the checker (`emu build --instrument`): its object. */
async function instrumented(source: string, name: string, flags: string[]): Promise<string> {
  for (const f of LIBS) if (!existsSync(f)) throw new Error(`${f} is missing: run \`make build\``);
  dir ??= mkdtempSync(join(tmpdir(), 'wpcheck-'));
  const obj = join(dir, `${name}.o`);
  // The flags name the project's include directories relative to its root.
  const rooted = [...cudaEmuFlags(), ...flags].map((f) => (f.startsWith('-I') ? `-I${join(ROOT, f.slice(2))}` : f));
  await build(parseBuildArgs(['--instrument', '-c', join(ROOT, source), '-o', obj, ...rooted]));
  return obj;
}

/**
 * The check addon with the planted kernels in place of baseline's, lock-free's and write-combine's
 * (WP_PLANT in the environment picks the bug); built once per test process.
 */
export async function plantedAddon(): Promise<string> {
  if (!existsSync(GLUE)) throw new Error(`${GLUE} is missing: run \`make build\``);
  const node = join(dir ?? '', 'planted.node');
  if (dir && existsSync(node)) return node;
  const obj = await instrumented('tests/check/native/plants.cu', 'plants', []);
  const out = join(dir!, 'planted.node');
  execFileSync('g++', ['-shared', '-pthread', '-o', out, ...objects(GLUE), obj, '-Wl,--start-group', ...LIBS, '-Wl,--end-group'], OPTS);
  return out;
}

/** A test driver (its own main) built as kernels/cuda is for the checker, linked with the checker. */
export async function checkDriver(source: string, name: string, includes: string[] = []): Promise<string> {
  const cached = join(dir ?? '', name);
  if (dir && existsSync(cached)) return cached;
  const obj = await instrumented(source, name, ['-Ikernels/emu/check', ...includes.map((d) => `-I${d}`)]);
  const bin = join(dir!, name);
  execFileSync('g++', ['-pthread', obj, '-Wl,--start-group', ...LIBS.slice(1), '-Wl,--end-group', '-o', bin], OPTS);
  return bin;
}

/**
 * Planted update bugs, built only here: the real kernel sources (kernels/) copied to a temporary
 * tree with small edits patched in, each guarded by wp_plant("<name>") (native/plant.h) so that
 * one build holds every plant and the environment (WP_PLANT) picks one per run. An edit whose
 * anchor is no longer in its file exactly once fails the build with the plant's name: the plant
 * must follow the code, never silently stop planting.
 *
 * Two builds: the CPU addon (kernels/cpu compiled from the tree, the addon and peer objects of the
 * normal node-gyp build, the no-CUDA stub) and the emulator addon (the CUDA kernels that use the
 * shared slot protocol, built from the tree by `writeprof emu build`; the rest from
 * out/emu/libwpemu_cuda.a). Both load through WRITEPROF_ADDON / WRITEPROF_EMU_ADDON, so the real
 * CLI runs them.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from '../../src/emu/build.js';
import { parseBuildArgs } from '../../src/emu/flags.js';
import { ROOT } from '../cli/helpers.js';

const run = promisify(execFile);

export const PLANTS = ['first-write-wins', 'second-slot', 'combine-first'] as const;
export type Plant = (typeof PLANTS)[number];

interface Edit {
  plant: Plant;
  file: string;
  /** text that must occur exactly once in the file */
  anchor: string;
  /** what replaces it */
  with: string;
}

const PROBE = 'kernels/include/writeprof/probe.h';

/** Every plant's edits. Each keeps the unplanted behaviour when its plant is off. */
export const EDITS: readonly Edit[] = [
  // An update of a present key is dropped: the first write of a key wins.
  {
    plant: 'first-write-wins',
    file: PROBE,
    anchor: 'WP_HD void publish_locked(Bucket& b, int s, uint64_t key, uint64_t valueRef, uint32_t valueSize, bool isNew) {\n',
    with: 'WP_HD void publish_locked(Bucket& b, int s, uint64_t key, uint64_t valueRef, uint32_t valueSize, bool isNew) {\n  if (!isNew && wp_plant("first-write-wins")) return;  // PLANTED\n',
  },
  {
    plant: 'first-write-wins',
    file: PROBE,
    anchor: 'WP_HD void lockfree_publish_relocked(Bucket& b, int s, uint64_t key, uint64_t valueRef, uint32_t valueSize) {\n',
    with:
      'WP_HD void lockfree_publish_relocked(Bucket& b, int s, uint64_t key, uint64_t valueRef, uint32_t valueSize) {\n' +
      '  if (wp_plant("first-write-wins")) { store_release(&b.keys[s], key); return; }  // PLANTED\n',
  },
  // An update does not find its key: it is written to a second slot.
  {
    plant: 'second-slot',
    file: PROBE,
    anchor: 'if (b.keys[s] == key) { *isNew = false; return int(s); }',
    with: 'if (b.keys[s] == key && !wp_plant("second-slot")) { *isNew = false; return int(s); }  // PLANTED',
  },
  {
    plant: 'second-slot',
    file: PROBE,
    anchor: 'if (k == key) { *slot = s; return kFoundExisting; }',
    with: 'if (k == key && !wp_plant("second-slot")) { *slot = s; return kFoundExisting; }  // PLANTED',
  },
  // write-combine applies a combined batch's writes last to first: the first write of a key wins.
  {
    plant: 'combine-first',
    file: 'kernels/cpu/write_combine.cc',
    anchor: '      publish_range<Count>(t, first + g, n, retries, probes);',
    with:
      '      if (wp_plant("combine-first")) for (uint32_t i = n; i-- > 0;) publish_range<Count>(t, first + g + i, 1, retries, probes);  // PLANTED\n' +
      '      else publish_range<Count>(t, first + g, n, retries, probes);',
  },
  {
    plant: 'combine-first',
    file: 'kernels/cuda/write_combine.cu',
    anchor: '        const uint32_t row = uint32_t(order[j] & rowMask);\n        const uint64_t k = a.keys[base + row];\n        bool isNew = false;',
    with:
      '        const uint32_t row = uint32_t(order[wp_plant("combine-first") ? threadIdx.x + end - 1 - j : j] & rowMask);  // PLANTED\n' +
      '        const uint64_t k = a.keys[base + row];\n        bool isNew = false;',
  },
];

const PLANT_H = join(ROOT, 'tests', 'verify', 'native', 'plant.h');

/** kernels/ copied to a temporary folder with every plant's edits applied. */
export function plantedTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wp-planted-'));
  cpSync(join(ROOT, 'kernels'), join(dir, 'kernels'), { recursive: true });
  for (const e of EDITS) {
    const path = join(dir, e.file);
    const text = readFileSync(path, 'utf8');
    const count = text.split(e.anchor).length - 1;
    if (count !== 1) throw new Error(`plant ${e.plant}: ${e.file} holds its anchor ${count} times, not once: update the plant to the code`);
    writeFileSync(path, text.replace(e.anchor, e.with));
  }
  return dir;
}

/** Compiles sources (paths under `tree`) to objects in `out`, a core's worth at a time. */
async function compile(tree: string, sources: string[], flags: string[], out: string): Promise<string[]> {
  const objects = sources.map((s) => join(out, s.replace(/[/.]/g, '_') + '.o'));
  const jobs = Math.max(1, availableParallelism());
  for (let i = 0; i < sources.length; i += jobs) {
    await Promise.all(sources.slice(i, i + jobs).map((s, j) => run('g++', [...flags, '-c', join(tree, s), '-o', objects[i + j]!], { cwd: tree })));
  }
  return objects;
}

function objectsUnder(dir: string): string[] {
  if (!existsSync(dir)) throw new Error(`${dir} is missing: run \`make build\``);
  return readdirSync(dir).filter((f) => f.endsWith('.o')).map((f) => join(dir, f));
}

const COMMON = ['-std=c++20', '-O1', '-fPIC', '-pthread', '-w', '-include', PLANT_H];

/** The CPU addon with the plants in: writeprof.node's own objects but kernels/cpu from the tree. */
export async function buildPlantedCpuAddon(tree: string): Promise<string> {
  const gyp = join(ROOT, 'build', 'Release', 'obj.target', 'writeprof', 'kernels');
  const cpu = readdirSync(join(tree, 'kernels', 'cpu')).filter((f) => f.endsWith('.cc')).map((f) => `kernels/cpu/${f}`);
  const objects = await compile(tree, [...cpu, 'kernels/addon/stub/cuda_absent.cc'], [...COMMON, `-I${tree}/kernels/include`, `-I${tree}/kernels`], tree);
  const addon = join(tree, 'writeprof.node');
  await run('g++', ['-shared', '-pthread', '-o', addon, ...objects, ...objectsUnder(join(gyp, 'addon')), ...objectsUnder(join(gyp, 'peers')), '-lhiredis']);
  return addon;
}

/** The emulator addon with the plants in: the kernels that write the table compiled from the tree. */
export async function buildPlantedEmuAddon(tree: string): Promise<string> {
  const emu = join(ROOT, 'out', 'emu');
  // The kernels: every .cu that takes the shared slot protocol through device.cuh.
  const kernels = readdirSync(join(tree, 'kernels', 'cuda'))
    .filter((f) => f.endsWith('.cu') && readFileSync(join(tree, 'kernels', 'cuda', f), 'utf8').includes('#include "device.cuh"'))
    .map((f) => `kernels/cuda/${f}`);
  // Plain CUDA, built as kernels/cuda is (`writeprof emu build -c`), the plants force-included.
  const flags = ['-O1', '-include', PLANT_H, '-DWP_CUDA_EMU', `-I${tree}/kernels/include`, `-I${tree}/kernels/cuda`, `-I${tree}/kernels`, '-Xcompiler', '-fPIC,-w'];
  const objects = kernels.map((s) => join(tree, s.replace(/[/.]/g, '_') + '.o'));
  await Promise.all(kernels.map((s, i) => build(parseBuildArgs(['-c', join(tree, s), '-o', objects[i]!, ...flags]))));
  const addon = join(tree, 'writeprof_emu.node');
  const glue = objectsUnder(join(ROOT, 'build', 'Release', 'obj.target', 'writeprof_emu', 'kernels', 'addon'));
  // Kernels first: the archive then supplies only what they leave undefined (runner, launches' hosts).
  await run('g++', ['-shared', '-pthread', '-o', addon, ...glue, ...objects, join(emu, 'libwpemu_cuda.a'), join(emu, 'libwpemu_rt.a')]);
  return addon;
}

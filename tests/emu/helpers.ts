/** Builds a test-only driver against the emulator runtime (out/emu/libwpemu_rt.a), as kernels/cuda is built. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../cli/helpers.js';

export const EMU_RT = join(ROOT, 'out', 'emu', 'libwpemu_rt.a');

/** g++ with the emulator's flags: kernels/emu/include first, -DWP_CUDA_EMU, the .cu read as C++. */
export function buildDriver(source: string, name: string): string {
  if (!existsSync(EMU_RT)) throw new Error(`${EMU_RT} is missing: run \`make build\``);
  const out = join(mkdtempSync(join(tmpdir(), 'wpemu-')), name);
  execFileSync(
    'g++',
    ['-std=c++20', '-O1', '-g', '-pthread', '-DWP_CUDA_EMU', '-Ikernels/emu/include', '-Ikernels/include', '-Ikernels/cuda', '-Ikernels',
      '-x', 'c++', source, '-x', 'none', EMU_RT, '-o', out],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return out;
}

export interface DriverRun {
  code: number | null;
  lines: Record<string, unknown>[];
  seconds: number;
  stderr: string;
}

/** Runs a driver under a hard time limit (a hang is a failure, never a stuck suite). */
export function runDriver(bin: string, args: string[], timeoutMs = 30_000): DriverRun {
  const t0 = performance.now();
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: timeoutMs });
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code: r.status, lines, seconds: (performance.now() - t0) / 1000, stderr: r.stderr };
}

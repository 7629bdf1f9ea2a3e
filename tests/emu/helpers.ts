/** Builds a test-only driver with `writeprof emu build`, as a user builds a CUDA program. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../../src/emu/build.js';
import { parseBuildArgs } from '../../src/emu/flags.js';
import { ROOT } from '../cli/helpers.js';

export const EMU_RT = join(ROOT, 'out', 'emu', 'libwpemu_rt.a');

/** The .cu file unchanged (plain CUDA: <<<>>>, extern __shared__), with the project's headers on the path. */
export async function buildDriver(source: string, name: string): Promise<string> {
  if (!existsSync(EMU_RT)) throw new Error(`${EMU_RT} is missing: run \`make build\``);
  const out = join(mkdtempSync(join(tmpdir(), 'wpemu-')), name);
  const inc = ['kernels/include', 'kernels/cuda', 'kernels'].map((d) => `-I${join(ROOT, d)}`);
  await build(parseBuildArgs([join(ROOT, source), '-o', out, '-O1', '-g', '-DWP_CUDA_EMU', ...inc]));
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

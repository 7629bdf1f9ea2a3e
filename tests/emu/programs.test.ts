/**
 * The emulator's conformance suite: the CUDA programs in tests/emu/programs/ (each checks its own
 * results and prints what it computed), built unchanged with `writeprof emu build` and run under
 * two scheduler seeds, which must print the same; on a GPU (nvcc and a device present) each is
 * also built with nvcc and must print what the emulator printed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../cli/helpers.js';
import { cudaAvailable, nvccFound } from '../cuda/helpers.js';

const DIR = join(ROOT, 'tests', 'emu', 'programs');
const PROGRAMS = readdirSync(DIR)
  .filter((f) => f.endsWith('.cu'))
  .map((f) => f.slice(0, -3))
  .sort();
// What only the emulator can say in its own words (a GPU reports a stack overflow differently).
const EMULATOR_ONLY = new Set(['stack_overflow']);
const onGpu = cudaAvailable && nvccFound;
const GPU_SKIP_REASON = !nvccFound ? 'nvcc is not installed' : 'no GPU answered on this machine (cudaGetDeviceCount)';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(bin: string, env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(bin, [], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const out = mkdtempSync(join(tmpdir(), 'wpemu-programs-'));
const built = new Map<string, string>();

beforeAll(async () => {
  // Two builds at a time: the machine has two cores.
  const queue = [...PROGRAMS];
  const worker = async (): Promise<void> => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      const bin = join(out, p);
      const r = await runCli(['emu', 'build', join(DIR, `${p}.cu`), '-o', bin]);
      if (r.code !== 0) throw new Error(`writeprof emu build ${p}.cu failed (${r.code}):\n${r.stderr}`);
      built.set(p, bin);
    }
  };
  await Promise.all([worker(), worker()]);
}, 300_000);

describe('CUDA programs on the emulator, built unchanged with `writeprof emu build`', () => {
  it('the suite has its programs', () => {
    expect(PROGRAMS).toEqual(expect.arrayContaining([
      'hash_table', 'last_block_reduction', 'warp_aggregated_atomic', 'tiled_scan_120', 'transpose_shared', 'vector_math',
      'launch_forms', 'warp_semantics', 'cooperative_groups', 'atomics', 'runtime_memory', 'runtime_launch', 'deep_stack',
      'stack_overflow',
    ]));
  });

  for (const p of PROGRAMS) {
    it(`${p}: passes its own checks, and prints the same under seeds 1 and 2`, async () => {
      const bin = built.get(p)!;
      const [a, b] = await Promise.all([run(bin, { WRITEPROF_EMU_SEED: '1' }), run(bin, { WRITEPROF_EMU_SEED: '2', WRITEPROF_EMU_WORKERS: '1' })]);
      expect(a.code, a.stdout + a.stderr).toBe(0);
      expect(a.stdout.trimEnd().split('\n').at(-1)).toBe('PASS');
      expect(b.code, b.stdout + b.stderr).toBe(0);
      expect(b.stdout).toBe(a.stdout);
    });
  }

  it('a kernel fault is diagnosed on stderr, naming the kernel, before the program sees the error code', async () => {
    const r = await run(built.get('stack_overflow')!);
    const diagnosis = r.stderr.indexOf('writeprof emu: kernel fault: kernel runaway<<<1, 32>>>');
    const seen = r.stderr.indexOf('program: the launch returned cudaErrorLaunchFailure');
    expect(diagnosis, r.stderr).toBeGreaterThanOrEqual(0);
    expect(r.stderr).toMatch(/stack overflow: thread \d+ used more than its 512 KiB of stack/);
    expect(seen).toBeGreaterThan(diagnosis);
    expect(r.code).toBe(0); // the program saw the error it expected
  });

  it('the program reads WRITEPROF_EMU_SEED/WORKERS/TIMEOUT and refuses a bad value with one line', async () => {
    const bin = built.get('hash_table')!;
    for (const [name, value, allowed] of [
      ['WRITEPROF_EMU_SEED', 'x1', 'an integer from 0 to 9007199254740991'],
      ['WRITEPROF_EMU_WORKERS', '300', 'an integer from 0 to 256'],
      ['WRITEPROF_EMU_TIMEOUT', '0', 'seconds from 0.1 to 86400'],
    ] as const) {
      const r = await run(bin, { [name]: value });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`writeprof emu: ${name}: "${value}" is invalid; allowed: ${allowed}\n`);
    }
    const ok = await run(bin, { WRITEPROF_EMU_SEED: '7', WRITEPROF_EMU_WORKERS: '1', WRITEPROF_EMU_TIMEOUT: '30' });
    expect(ok.code).toBe(0);
  });

  describe.skipIf(!onGpu)(`on a GPU too (skipped: ${onGpu ? '' : GPU_SKIP_REASON})`, () => {
    for (const p of PROGRAMS.filter((x) => !EMULATOR_ONLY.has(x))) {
      it(`${p}: nvcc's build on the GPU prints what the emulator printed`, async () => {
        const bin = join(out, `${p}.gpu`);
        const nv = await new Promise<number | null>((resolve) =>
          spawn('nvcc', ['-arch=native', '-o', bin, join(DIR, `${p}.cu`)], { stdio: 'ignore' }).on('close', resolve),
        );
        expect(nv).toBe(0);
        const [gpu, emu] = await Promise.all([run(bin), run(built.get(p)!)]);
        expect(gpu.code, gpu.stdout + gpu.stderr).toBe(0);
        expect(gpu.stdout).toBe(emu.stdout);
      });
    }
  });
});

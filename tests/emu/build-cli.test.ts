/**
 * `writeprof emu build` as a user meets it: nvcc's flags accepted, an unknown one refused naming
 * it, a missing input or a source that does not compile is exit 2 with the reason and leaves no
 * file behind (the output is written whole or not at all), -c makes objects that link later, and
 * --instrument makes objects whose accesses call the checker's hooks, and is refused for a program.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/helpers.js';
import { parseBuildArgs } from '../../src/emu/flags.js';

const work = mkdtempSync(join(tmpdir(), 'wpemu-cli-'));
const oneLine = (s: string): void => {
  expect(s.trimEnd().split('\n')).toHaveLength(1);
};

describe('writeprof emu build', () => {
  it('reads nvcc\'s flags: paths, macros, objects, GPU code generation accepted and without effect', () => {
    const r = parseBuildArgs([
      'a.cu', 'b.cpp', 'c.o', '-o', 'prog', '-I', 'inc', '-Iinc2', '--include-path=inc3', '-DN=4', '-UX', '-O3', '-g',
      '-std=c++17', '-arch=sm_90', '-gencode', 'arch=compute_80,code=sm_80', '-rdc=true', '--expt-relaxed-constexpr',
      '-Xcompiler', '-fPIC,-Wall', '-lcudart', '-lm', '-lineinfo', '-maxrregcount', '64',
    ]);
    expect(r.inputs.map((i) => i.kind)).toEqual(['cu', 'cpp', 'object']);
    expect(r.output).toBe('prog');
    expect(r.includeDirs).toEqual(['inc', 'inc2', 'inc3']);
    expect(r.macros).toEqual(['-DN=4', '-UX']);
    expect(r.compilerFlags).toEqual(['-fPIC', '-Wall']);
    expect(r.libs).toEqual(['m']); // cudart is the emulator's runtime
    expect(r.archs).toEqual(['sm_90', 'arch=compute_80,code=sm_80']);
  });

  it('an unknown flag, a file it does not build or no input is exit 2 with one line naming it', async () => {
    for (const [args, message] of [
      [['x.cu', '--frobnicate'], 'unknown option "--frobnicate"'],
      [['x.txt'], '"x.txt" is not a file it builds'],
      [['-O2'], 'no input files'],
      [['missing.cu', '-o', join(work, 'm')], '"missing.cu": no such file'],
      [['x.cu', '-std=c++99'], '-std: "c++99" is invalid'],
    ] as const) {
      const r = await runCli(['emu', 'build', ...args], { cwd: work });
      expect(r.code).toBe(2);
      oneLine(r.stderr);
      expect(r.stderr).toContain(message);
    }
  });

  it('--instrument: objects whose loads and stores call the checker\'s hooks (copies renamed to them); a program is refused', async () => {
    writeFileSync(join(work, 'ok.cu'), '#include <cstring>\n__global__ void k(int* p, int* q, size_t n) { p[threadIdx.x] = 1; memcpy(q, p, n); }\nint main() { k<<<1, 1>>>(nullptr, nullptr, 0); return cudaDeviceSynchronize(); }\n');
    const symbols = (obj: string): string => spawnSync('nm', ['-u', obj], { encoding: 'utf8' }).stdout;
    let r = await runCli(['emu', 'build', '-c', 'ok.cu', '-o', 'plain.o'], { cwd: work });
    expect(r.code, r.stderr).toBe(0);
    expect(symbols(join(work, 'plain.o'))).not.toContain('__tsan_');
    r = await runCli(['emu', 'build', '-c', 'ok.cu', '--instrument', '-o', 'checked.o'], { cwd: work });
    expect(r.code, r.stderr).toBe(0);
    const checked = symbols(join(work, 'checked.o'));
    expect(checked).toMatch(/__tsan_write4/);
    expect(checked).toContain('wpemu_check_memcpy');
    expect(checked).not.toMatch(/\bU memcpy\b/);
    r = await runCli(['emu', 'build', 'ok.cu', '--instrument', '-o', 'ok'], { cwd: work });
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toContain('--instrument builds objects for `writeprof check`: use it with -c');
    expect(existsSync(join(work, 'ok'))).toBe(false);
  });

  it('a source that does not compile: the compiler\'s messages, exit 2, and no output or temporary file left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wpemu-bad-'));
    writeFileSync(join(dir, 'bad.cu'), '__global__ void k(int* p) { p[0] = undeclared; }\nint main() { k<<<1, 1>>>(nullptr); }\n');
    const r = await runCli(['emu', 'build', 'bad.cu', '-o', 'prog'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.cu:1:\d+: error: .undeclared. was not declared/);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(/^writeprof: emu build: g\+\+ compiling failed/);
    expect(readdirSync(dir)).toEqual(['bad.cu']);
  });

  it('-c makes an object; objects and a host source link into a program that runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wpemu-objs-'));
    writeFileSync(join(dir, 'kern.cu'), '__global__ void twice(int* p) { p[threadIdx.x] *= 2; }\nvoid run_twice(int* p, int n) { twice<<<1, n>>>(p); }\n');
    writeFileSync(
      join(dir, 'main.cpp'),
      '#include <cuda_runtime.h>\n#include <cstdio>\nvoid run_twice(int*, int);\n' +
        'int main() { int* p; cudaMallocManaged(&p, 8 * sizeof(int)); for (int i = 0; i < 8; ++i) p[i] = i;\n' +
        '  run_twice(p, 8); cudaDeviceSynchronize(); std::printf("%d\\n", p[7]); return 0; }\n',
    );
    const c = await runCli(['emu', 'build', '-c', 'kern.cu', '-MD', '-MF', 'kern.d'], { cwd: dir });
    expect(c.code, c.stderr).toBe(0);
    expect(existsSync(join(dir, 'kern.o'))).toBe(true);
    expect(spawnSync('grep', ['-q', 'kern.cu', join(dir, 'kern.d')]).status).toBe(0);
    const l = await runCli(['emu', 'build', 'kern.o', 'main.cpp', '-o', 'prog'], { cwd: dir });
    expect(l.code, l.stderr).toBe(0);
    const run = spawnSync(join(dir, 'prog'), { encoding: 'utf8' });
    expect(run.stdout).toBe('14\n');
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CUDA_LIB, ROOT, cudaAvailable, noDriver, nvccFound } from './helpers.js';

describe.skipIf(!nvccFound)('CUDA build (nvcc on PATH)', () => {
  it('built out/cuda/libwpcuda.a with every kernel file in it', () => {
    expect(existsSync(CUDA_LIB)).toBe(true);
    const members = execFileSync('ar', ['t', CUDA_LIB], { encoding: 'utf8' }).split('\n');
    for (const m of ['baseline.o', 'warp_coop.o', 'lock_free.o', 'mem_opt.o', 'write_combine.o', 'single.o', 'runner.o', 'status.o'])
      expect(members).toContain(m);
  });

  it('kept ptxas resource usage for sm_80 and sm_90', () => {
    const text = readFileSync(join(ROOT, 'out', 'cuda', 'resource-usage.txt'), 'utf8');
    expect(text).toMatch(/Compiling entry function 'wp_baseline_count' for 'sm_80'/);
    expect(text).toMatch(/Compiling entry function 'wp_write_combine_count' for 'sm_90'/);
  });

  describe('the library alone, linked into a host program', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-cuda-probe-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reports the runtime and turns "no device" into a ConfigError', () => {
      const exe = join(dir, 'probe');
      // nvcc as the link driver: it adds the static CUDA runtime the library needs.
      execFileSync(
        process.env['NVCC'] || 'nvcc',
        ['-std=c++20', '-I', join(ROOT, 'kernels', 'include'), join(ROOT, 'tests', 'cuda', 'native', 'status_probe.cc'), CUDA_LIB, '-o', exe],
        { stdio: 'pipe' },
      );
      const out = execFileSync(exe, { encoding: 'utf8' });
      expect(out).toMatch(/^compiled=1 available=[01] runtime=\d{5} reason=/);
      if (!cudaAvailable) {
        expect(out).toMatch(/runner: ConfigError: CUDA backend unavailable: /);
        if (noDriver) expect(out).toMatch(/reason=CUDA driver version is insufficient for CUDA runtime version/);
      }
    }, 120_000);
  });
});

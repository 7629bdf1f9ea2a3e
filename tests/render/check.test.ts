/**
 * A check document rendered: each finding with both accesses (source line, function, block /
 * warp / lane, read or write, address space, offset, bytes), its count and seeds, failed runs,
 * then one summary line per tool; the same in the markdown report.
 */
import { describe, expect, it } from 'vitest';
import { functionName, renderCheckMarkdown, renderCheckText } from '../../src/render/check.js';
import { render } from '../../src/render/index.js';
import type { CheckSection } from '../../src/results/check.js';
import { buildDocument } from '../../src/results/document.js';
import { resultsText } from '../../src/results/file.js';
import { DEFAULT_EMULATOR } from '../../src/model.js';

const site = (where: string, access: string, lane: number) => ({ where, function: 'wp::gpu::staged_copy<128>(unsigned char*, int)', block: 1, warp: 2, lane, access, space: 'shared', offset: 4096, size: 16 });

function doc() {
  const check: CheckSection = {
    tools: ['memcheck', 'racecheck'],
    seeds: [1, 2, 3],
    variants: ['count', 'plain'],
    kernels: ['wp_mem_opt_count', 'wp_mem_opt_plain'],
    runs: [
      { case: 'batch/mem-opt/v64/b200/t1/uniform/lf0.5/k300', variant: 'count', seed: 1, status: 'ok', verification: { writes: 300, distinct: 300, verified: 300, lost: 0, stale: 0, corrupted: 0, duplicates: 0 }, kernels: ['wp_mem_opt_count'], findings: 1, seconds: 0.1 },
      { case: 'batch/mem-opt/v64/b200/t1/uniform/lf0.5/k300', variant: 'plain', seed: 2, status: 'failed', error: '3 lost, 0 stale, 0 corrupted of 300 writes to 300 distinct keys', verification: { writes: 300, distinct: 300, verified: 297, lost: 3, stale: 0, corrupted: 0, duplicates: 0 }, kernels: ['wp_mem_opt_plain'], findings: 1, seconds: 0.1 },
    ],
    findings: [
      {
        tool: 'racecheck',
        kind: 'RAW hazard',
        severity: 'error',
        kernel: 'wp_mem_opt_count',
        grid: [2, 1, 1],
        block: [256, 1, 1],
        message: 'RAW hazard on shared memory: ...',
        count: 57,
        seeds: [1, 2],
        cases: ['batch/mem-opt/v64/b200/t1/uniform/lf0.5/k300 [count]'],
        sites: [site('kernels/cuda/device.cuh:252', 'write', 5), site('kernels/cuda/device.cuh:259', 'read', 9)],
      },
    ],
    summary: [
      { tool: 'memcheck', findings: 0, occurrences: 0, kernels: 2, seeds: 3, line: 'memcheck: 0 errors in 2 kernels, 3 seeds' },
      { tool: 'racecheck', findings: 1, occurrences: 57, kernels: 2, seeds: 3, line: 'racecheck: 1 hazard (57 occurrences) in 2 kernels, 3 seeds' },
    ],
    limits: [],
  };
  return buildDocument({
    environment: { host: 'h', cpu: 'c', cores: 2, node: 'v20', os: 'linux', backend: 'cuda-emu', device: { name: 'emu', kind: 'emulator' }, emulator: { ...DEFAULT_EMULATOR } },
    profile: { name: 'check', source: 'profiles/check.json', measurement: { warmup: 0, minSamples: 1, maxSamples: 1, minTime: 0, maxTime: 1, maxNoise: 0 } },
    cases: [],
    check,
  });
}

describe('rendering a check document', () => {
  it('passes its own schema and consistency checks', () => {
    expect(() => resultsText(doc())).not.toThrow();
    const bad = doc();
    bad.check!.summary[1]!.findings = 0;
    expect(() => resultsText(bad)).toThrow(/check\.summary\[1\]\.findings/);
  });

  it('text: both accesses, count and seeds, failed runs, the summary per tool', async () => {
    const t = renderCheckText(doc());
    expect(t).toContain('racecheck: RAW hazard in wp_mem_opt_count<<<2, 256>>>, 57 times, seeds 1-2');
    expect(t).toContain('  first:  write at kernels/cuda/device.cuh:252 (wp::gpu::staged_copy<128>), block 1 warp 2 lane 5, shared +4096, 16 B');
    expect(t).toContain('  second: read at kernels/cuda/device.cuh:259 (wp::gpu::staged_copy<128>), block 1 warp 2 lane 9, shared +4096, 16 B');
    expect(t).toContain('failed: batch/mem-opt/v64/b200/t1/uniform/lf0.5/k300 [plain] seed 2: 3 lost, 0 stale, 0 corrupted of 300 writes to 300 distinct keys');
    expect(t.trimEnd().split('\n').slice(-3)).toEqual([
      'memcheck: 0 errors in 2 kernels, 3 seeds',
      'racecheck: 1 hazard (57 occurrences) in 2 kernels, 3 seeds',
      'runs: 2 (1 cases x 2 kernel variants x 3 seeds), 1 failed',
    ]);
    expect((await render(doc(), 'table', { color: false })).text).toBe(t);
  });

  it('markdown: a table per finding, failed runs, the summary', () => {
    const m = renderCheckMarkdown(doc());
    expect(m).toContain('### racecheck: RAW hazard in `wp_mem_opt_count<<<2, 256>>>`');
    expect(m).toContain('| first | write | `kernels/cuda/device.cuh:252` wp::gpu::staged_copy<128> | 1 / 2 / 5 | shared | 4096 | 16 |');
    expect(m).toContain('| second | read | `kernels/cuda/device.cuh:259` wp::gpu::staged_copy<128> | 1 / 2 / 9 | shared | 4096 | 16 |');
    expect(m).toContain('- racecheck: 1 hazard (57 occurrences) in 2 kernels, 3 seeds');
    expect(m).toContain('## Failed runs');
  });

  it('names a function without its parameters, templates and anonymous namespaces kept', () => {
    expect(functionName('wp::gpu::(anonymous namespace)::planted_upsert(wp::Bucket*, unsigned long)')).toBe('wp::gpu::(anonymous namespace)::planted_upsert');
    expect(functionName('void std::sort<int*>(int*, int*)')).toBe('void std::sort<int*>');
    expect(functionName('main')).toBe('main');
  });
});

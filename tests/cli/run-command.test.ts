/**
 * runCommand in-process with a scripted backend in place of the native ones: a case that loses
 * writes is reported on stderr, recorded as failed, and makes the command exit 1.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeBackend } from '../engine/fake-backend.js';

const fake = new FakeBackend({ elapsedNs: () => 1e6 });
// lock-free loses 3 writes in every sample (warmup included); other strategies are fine.
vi.mock('../../src/backends/index.js', () => ({
  selectBackend: async () => ({
    backend: {
      name: 'cpu',
      status: () => fake.status(),
      open: (spec: Parameters<FakeBackend['open']>[0], opts: Parameters<FakeBackend['open']>[1]) => {
        const h = fake.open(spec, opts);
        return {
          runSample: async () => {
            const s = await h.runSample();
            if (spec.strategy === 'lock-free') s.verification = { ...s.verification, verified: s.writes - 3, lost: 3 };
            return s;
          },
          close: () => h.close(),
        };
      },
    },
    status: fake.status(),
    line: 'backend: cpu (fake)',
  }),
}));

const { runCommand } = await import('../../src/commands/run.js');
const { readResults } = await import('../../src/results/file.js');

afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  return { out, err };
}

describe('runCommand', () => {
  it('a case with lost writes is printed, recorded as failed, and exits 1; the sweep still finishes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-runcmd-'));
    const output = join(dir, 'r.json');
    const io = capture();
    await runCommand({ profile: 'quick', mode: 'batch', strategy: 'baseline,lock-free,mem-opt', batchSize: '100', keys: '1000', maxSamples: '3', minSamples: '2', minTime: '0', format: 'json', output });
    vi.restoreAllMocks();
    expect(process.exitCode).toBe(1);
    const doc = readResults(output);
    expect(doc.cases.map((c) => [c.strategy, c.status])).toEqual([
      ['baseline', 'ok'],
      ['lock-free', 'failed'],
      ['mem-opt', 'ok'],
    ]);
    const stderr = io.err.join('');
    expect(stderr).toContain('backend: cpu (fake)\n');
    // identical fake samples: the noise rule stops each case at --min-samples (2)
    expect(stderr).toContain('writeprof: case batch/lock-free/v64/b100/t1/uniform/u0.25/lf0.5/k1000 failed: verification: 6 lost, 0 stale, 0 corrupted of 2,000 writes to 2,000 distinct keys\n');
    expect(JSON.parse(io.out.join(''))).toEqual(doc);
  });

  it('--quiet keeps stderr for failures only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-runcmd-'));
    const io = capture();
    await runCommand({ profile: 'quick', mode: 'batch', strategy: 'baseline', batchSize: '100', keys: '1000', maxSamples: '2', minSamples: '1', minTime: '0', format: 'json', output: join(dir, 'r.json'), quiet: true });
    vi.restoreAllMocks();
    expect(process.exitCode).toBeUndefined();
    expect(io.err.join('')).toBe('');
  });
});

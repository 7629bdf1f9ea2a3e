/**
 * Every CUDA kernel under every tool of `writeprof check`, as CI runs it: the check profile (each
 * strategy in single, batch and concurrent mode, the single-write servers included, uniform and
 * zipf:0.99 keys, small shapes) in both kernel variants (with and without conflict counters)
 * under emulator seeds 1 and 2. The outcome is no finding and every write verified; the per-tool
 * summary is printed with the suite's output.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../src/model.js';
import type { ResultsDocument } from '../../src/results/schema.js';
import { buildIfStale, runCli } from '../cli/helpers.js';

beforeAll(() => buildIfStale());

describe('writeprof check over every kernel', () => {
  // The timeout guards against a hang only: a loaded machine stretches the check many times over.
  it('finds nothing in kernels/cuda under every tool, seeds 1-2, both variants, and says so per tool', { timeout: 600_000 }, async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wpcheck-kernels-')), 'check.json');
    const r = await runCli(['check', '--emu-seeds', '1-2', '-o', out], { env: { WRITEPROF_CHECK_ADDON: '' } });
    const doc = JSON.parse(readFileSync(out, 'utf8')) as ResultsDocument;
    const c = doc.check!;
    process.stdout.write(`\nwriteprof check (profile check, ${c.runs.length} runs):\n${c.summary.map((s) => `  ${s.line}`).join('\n')}\n`);
    expect(r.code, r.stdout.slice(0, 4000)).toBe(0);
    expect(c.findings).toEqual([]);
    expect(c.runs.filter((x) => x.status !== 'ok')).toEqual([]);
    expect(c.tools).toEqual(['memcheck', 'racecheck', 'initcheck', 'synccheck', 'weak']);
    expect(new Set(c.runs.map((x) => x.seed))).toEqual(new Set([1, 2]));
    expect(new Set(c.runs.map((x) => x.variant))).toEqual(new Set(['count', 'plain']));
    expect(new Set(c.runs.map((x) => x.case.split('/')[0]))).toEqual(new Set(['single', 'batch', 'concurrent']));
    expect(new Set(c.runs.map((x) => x.case.split('/')[5]))).toEqual(new Set(['uniform', 'zipf:0.99']));
    // every strategy's batch kernel in both variants, and both persistent single-write servers
    for (const s of STRATEGIES) for (const v of ['count', 'plain']) expect(c.kernels).toContain(`wp_${s.replace('-', '_')}_${v}`);
    for (const p of ['locked', 'lock_free']) for (const v of ['count', 'plain']) expect(c.kernels).toContain(`wp_single_${p}_${v}`);
    for (const s of c.summary) {
      expect(s.line).toMatch(new RegExp(`^${s.tool}: 0 \\w+( \\w+)? in ${c.kernels.length} kernels, 2 seeds$`));
      expect(r.stdout).toContain(s.line);
    }
    // the writes of every run were verified
    for (const x of c.runs) expect(x.verification.verified, x.case).toBe(x.verification.distinct);
  });
});

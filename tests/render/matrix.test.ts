import { describe, expect, it } from 'vitest';
import { MODES, STRATEGIES } from '../../src/model.js';
import { resultsSchema } from '../../src/results/schema.js';
import { buildMatrix } from '../../src/render/matrix.js';
import { loadSample, sampleCopy } from './helpers.js';

describe('results fixture', () => {
  it('is a valid results document with all five strategies in all three modes', () => {
    const doc = loadSample();
    expect(resultsSchema.safeParse(doc).success).toBe(true);
    for (const mode of MODES) {
      for (const strategy of STRATEGIES) expect(doc.cases.some((c) => c.mode === mode && c.strategy === strategy)).toBe(true);
    }
    expect(doc.cases.filter((c) => c.status === 'failed')).toHaveLength(1);
  });
});

describe('buildMatrix', () => {
  const m = buildMatrix(loadSample());

  it('single writes: one row per value size, baseline vs the best strategy, named', () => {
    expect(m.single).toHaveLength(1);
    const rows = m.single[0]!.rows;
    expect(rows.map((r) => r.label)).toEqual(['64B', '256B', '1KB', '4KB']);
    expect(rows.map((r) => r.baseline?.opsPerSec)).toEqual([45000, 38000, 25000, 12000]);
    expect(rows.map((r) => r.best?.opsPerSec)).toEqual([1012000, 875000, 525000, 245000]);
    expect(rows.map((r) => r.best?.strategy)).toEqual(['write-combine', 'write-combine', 'mem-opt', 'mem-opt']);
    expect(rows.map((r) => r.speedup!.value.toFixed(1))).toEqual(['22.5', '23.0', '21.0', '20.4']);
    // the engine's interval is carried, not recomputed
    expect(rows[0]!.speedup!.low).toBeCloseTo(0.98 * 1012000 / (1.02 * 45000), 3);
    expect(rows[0]!.speedup!.high).toBeGreaterThan(rows[0]!.speedup!.value);
  });

  it('batch writes: one row per batch size', () => {
    const rows = m.batch[0]!.rows;
    expect(rows.map((r) => r.label)).toEqual(['100', '1,000', '10,000']);
    expect(rows.map((r) => r.best?.strategy)).toEqual(['lock-free', 'mem-opt', 'mem-opt']);
    expect(rows.map((r) => Number(r.speedup!.value.toFixed(1)))).toEqual([25.0, 22.4, 21.0]);
    expect(m.batch[0]!.group.caption).toContain('4KB values');
  });

  it('concurrent: the strategy with the best total at the top thread count, scaling efficiency', () => {
    expect(m.concurrent).toHaveLength(2); // uniform and zipf:0.99 groups
    const [uni, hot] = m.concurrent;
    expect(uni!.strategy).toBe('lock-free');
    expect(uni!.maxThreads).toBe(16);
    expect(uni!.group.caption).toContain('uniform keys');
    expect(hot!.group.caption).toContain('zipf:0.99 keys');
    const at8 = uni!.rows.find((r) => r.threads === 8)!;
    expect(at8.best?.opsPerSec).toBe(1800000);
    expect(at8.best?.opsPerSecPerThread).toBe(225000);
    expect(at8.efficiency).toBeCloseTo(1800000 / (8 * 240000), 12);
    expect(uni!.rows.find((r) => r.threads === 16)!.efficiency).toBeCloseTo(3400000 / (16 * 240000), 12);
    expect(uni!.rows[0]!.efficiency).toBe(1);
    expect(at8.baseline?.opsPerSec).toBe(470000);
    expect(at8.baselineEfficiency).toBeCloseTo(470000 / (8 * 200000), 12);
    // the failed case travels with its error
    const failed = hot!.rows.find((r) => r.threads === 4)!.failed;
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ strategy: 'write-combine', lost: 3, corrupted: 1 });
    expect(failed[0]!.error).toContain('verification: 3 lost, 2 stale, 1 corrupted (1 duplicate)');
  });

  it('conflicts: per-write figures per strategy and the reduction against baseline', () => {
    const uni = m.conflicts.find((t) => t.group.mode === 'concurrent' && t.group.caption.includes('uniform'))!;
    const row = (s: string) => uni.rows.find((r) => r.strategy === s)!;
    const base = (0 + 0.4 + 1.2 + 3.1 + 4.6) / 5;
    expect(row('baseline').conflictsPerWrite).toBeCloseTo(base, 3);
    expect(row('baseline').reductionPct).toBeUndefined();
    expect(row('lock-free').lockRetriesPerWrite).toBe(0);
    expect(row('lock-free').reductionPct).toBeCloseTo(75, 1);
    expect(row('warp-coop').reductionPct).toBeCloseTo(30, 1);
    expect(row('write-combine').reductionPct).toBeCloseTo(50, 1);
    // single-threaded uniform writes have nothing to reduce: no figure, not 0% or 100%
    const single = m.conflicts.find((t) => t.group.mode === 'single')!;
    expect(single.rows.find((r) => r.strategy === 'lock-free')!.reductionPct).toBeUndefined();
  });

  it('breakdown: mean ns per phase, top-level shares sum to 1, inner phases kept apart', () => {
    expect(m.breakdown.phases).toEqual(['stage', 'h2d', 'kernel', 'd2h']);
    expect(m.breakdown.innerPhases).toEqual(['probe', 'lock', 'copy', 'publish']);
    expect(m.breakdown.rows).toHaveLength(15);
    for (const r of m.breakdown.rows) {
      const sum = m.breakdown.phases.reduce((a, p) => a + r.share[p]!, 0);
      expect(sum).toBeCloseTo(1, 3);
    }
    const b = m.breakdown.rows.find((r) => r.mode === 'single' && r.strategy === 'baseline')!;
    expect(b.share['kernel']).toBeCloseTo(0.62, 3);
    expect(b.nsPerWrite['publish']).toBeUndefined(); // baseline never timed a publish phase
    const lf = m.breakdown.rows.find((r) => r.mode === 'single' && r.strategy === 'lock-free')!;
    expect(lf.nsPerWrite['lock']).toBeUndefined();
  });

  it('summary and warnings: the noisy case is flagged and marked', () => {
    expect(m.summary).toMatchObject({ cases: 75, ok: 74, failed: 1, samplesMin: 7, samplesMax: 7 });
    expect(m.warnings.map((w) => w.id)).toEqual(['concurrent/baseline/v256/b1000/t16/uniform/lf0.5/k20000']);
    expect(m.concurrent[0]!.rows.find((r) => r.threads === 16)!.baseline!.noisy).toBe(true);
    expect(m.failed.map((f) => f.strategy)).toEqual(['write-combine']);
  });

  it('computes the speedup as a ratio of medians when the engine attached none', () => {
    const doc = sampleCopy();
    for (const c of doc.cases) delete c.speedup;
    const row = buildMatrix(doc).single[0]!.rows[3]!;
    expect(row.speedup).toEqual({ value: 245000 / 12000 });
  });

  it('leaves scaling efficiency undefined without a 1-thread case', () => {
    const doc = sampleCopy();
    doc.cases = doc.cases.filter((c) => !(c.mode === 'concurrent' && c.threads === 1));
    const t = buildMatrix(doc).concurrent[0]!;
    expect(t.rows.every((r) => r.efficiency === undefined)).toBe(true);
    expect(t.rows[0]!.best?.opsPerSec).toBe(470000);
  });

  it('a row whose optimized cases all failed has no best, and carries each failure', () => {
    const doc = sampleCopy();
    for (const c of doc.cases) {
      if (c.mode === 'single' && c.valueSize === 64 && c.strategy !== 'baseline') {
        c.status = 'failed';
        c.error = `boom ${c.strategy}`;
      }
    }
    const row = buildMatrix(doc).single[0]!.rows[0]!;
    expect(row.best).toBeUndefined();
    expect(row.speedup).toBeUndefined();
    expect(row.failed.map((f) => f.error)).toEqual(['boom warp-coop', 'boom lock-free', 'boom mem-opt', 'boom write-combine']);
  });
});

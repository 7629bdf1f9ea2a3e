// The bench's target verdicts on crafted documents: each target passes and fails on
// the numbers it names, and a missing case is a failure, never a silent pass.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM module without type declarations (bench/ is a script, not src/)
import { evaluateTargets } from '../../bench/lib/targets.mjs';
// @ts-expect-error: plain ESM module without type declarations
import { renderBench } from '../../bench/lib/report.mjs';

type Row = Record<string, unknown>;
const STRATS = ['baseline', 'warp-coop', 'lock-free', 'mem-opt', 'write-combine'];

function row(strategy: string, valueSize: number, keyDist: string, ops: number, extra: Row = {}): Row {
  return {
    id: `concurrent/${strategy}/v${valueSize}/${keyDist}`, strategy, mode: 'concurrent', valueSize, threads: 2, batchSize: 10000,
    keyDist, loadFactor: 0.5, keys: 1000, status: 'ok', opsPerSec: ops, opsPerSecPerThread: ops / 2, bytesPerSec: ops * valueSize,
    countersPerWrite: { lockRetries: 0, casFailures: 0, probeSteps: 0 }, ...extra,
  };
}

function doc(opts: { peer64?: number; mem4k?: number; hot?: number[]; hotConf?: number[]; overhead?: number; counters?: number }): Row {
  const rows: Row[] = [];
  for (const s of STRATS) {
    // mem-opt is the fastest optimized strategy: the targets judge the best one.
    const ops = s === 'baseline' ? 1e6 : s === 'mem-opt' ? 12e6 : 10e6;
    rows.push(row(s, 64, 'uniform', ops, { vsPeer: s === 'mem-opt' ? opts.peer64 ?? 3.5 : 1 }));
    rows.push(row(s, 4096, 'uniform', ops / 10, { vsMemcpy: s === 'mem-opt' ? opts.mem4k ?? 0.8 : 0.1 }));
  }
  const hot = opts.hot ?? [3, 3, 3, 3];
  const conf = opts.hotConf ?? [0.1, 0.1, 0.1, 0.1];
  rows.push(row('baseline', 64, 'zipf:0.99', 1e6, { countersPerWrite: { lockRetries: 0.5, casFailures: 0, probeSteps: 0 } }));
  STRATS.slice(1).forEach((s, i) =>
    rows.push(row(s, 64, 'zipf:0.99', 1e6 * hot[i]!, { countersPerWrite: { lockRetries: conf[i]!, casFailures: 0, probeSteps: 0 } })));
  return {
    rows,
    harness: {
      overhead: [{ label: 'batch', batchSize: 1000, keys: 1e6, fraction: opts.overhead ?? 0.001, overheadNs: 50_000, sampleNs: 50e6, jsNs: 1, method: 'm' }],
      counters: [{ strategy: 'lock-free', keyDist: 'uniform', cost: opts.counters ?? 0.005, onOpsPerSec: 1, offOpsPerSec: 1, ratios: [1 - (opts.counters ?? 0.005)] }],
    },
  };
}

const verdicts = (d: Row) => Object.fromEntries(evaluateTargets(d).map((t: { id: string; pass: boolean }) => [t.id, t.pass]));

describe('bench targets', () => {
  it('all pass on a document that meets every target', () => {
    expect(verdicts(doc({}))).toEqual({ 'peer-64B': true, 'memcpy-4K': true, 'hot-key': true, 'harness-overhead': true, 'counter-cost': true });
  });

  it('each target fails on its own number', () => {
    expect(verdicts(doc({ peer64: 2.9 }))['peer-64B']).toBe(false);
    expect(verdicts(doc({ mem4k: 0.69 }))['memcpy-4K']).toBe(false);
    expect(verdicts(doc({ hot: [3, 3, 1.9, 3] }))['hot-key']).toBe(false);
    expect(verdicts(doc({ overhead: 0.011 }))['harness-overhead']).toBe(false);
    expect(verdicts(doc({ counters: 0.021 }))['counter-cost']).toBe(false);
  });

  it('judges harness overhead on the bench-sized samples only, not the informational one-batch sample', () => {
    const d = doc({});
    (d.harness as { overhead: Row[] }).overhead.push({ label: 'one batch', batchSize: 10000, keys: 10000, fraction: 0.1, judged: false, overheadNs: 30_000, sampleNs: 3e5 });
    expect(verdicts(d)['harness-overhead']).toBe(true);
  });

  it('judges counter cost on all on/off pairs pooled, with the worst cell named', () => {
    const d = doc({});
    const cell = (strategy: string, ratios: number[]) => ({ strategy, keyDist: 'uniform', cost: 1 - ratios[Math.floor(ratios.length / 2)]!, ratios });
    (d.harness as { counters: unknown[] }).counters = [cell('lock-free', Array(15).fill(0.97)), cell('mem-opt', Array(15).fill(1)), cell('baseline', Array(15).fill(1.001))];
    const t = evaluateTargets(d).find((x: { id: string }) => x.id === 'counter-cost');
    expect(t.pass).toBe(true);
    expect(t.measured).toBeCloseTo(0, 5);
    expect(t.detail).toContain('worst cell lock-free');
    (d.harness as { counters: unknown[] }).counters = [cell('lock-free', Array(15).fill(0.97)), cell('mem-opt', Array(15).fill(0.975))];
    expect(verdicts(d)['counter-cost']).toBe(false);
  });

  it('a hot-key speedup without fewer conflicts per write fails', () => {
    expect(verdicts(doc({ hotConf: [0.1, 0.6, 0.1, 0.1] }))['hot-key']).toBe(false);
  });

  it('reports the worst hot-key speedup as the measured value', () => {
    const t = evaluateTargets(doc({ hot: [4, 2.5, 3, 5] })).find((x: { id: string }) => x.id === 'hot-key');
    expect(t.measured).toBeCloseTo(2.5);
  });

  it('a missing or failed case fails its target instead of passing silently', () => {
    const d = doc({});
    d.rows = (d.rows as Row[]).map((r) => (r.valueSize === 4096 ? { ...r, status: 'failed' } : r));
    const t = evaluateTargets(d).find((x: { id: string }) => x.id === 'memcpy-4K');
    expect(t.pass).toBe(false);
    expect(t.measured).toBeNull();
  });
});

describe('bench table', () => {
  it('prints every row, the references and a PASS/FAIL line per target', () => {
    const d = doc({ peer64: 2 });
    Object.assign(d, {
      environment: { cpu: 'test cpu', cores: 2 },
      config: { batchSize: 10000, loadFactor: 0.5, samples: 3, peerReps: 3, peerValues: 'fill' },
      peer: { version: '0.3.1', runs: [{ mode: 'concurrent', valueSize: 64, threads: 2, keyDist: 'uniform', inline: { opsPerSec: 1e6 }, arena: { opsPerSec: 2e6 }, best: { store: 'arena', opsPerSec: 2e6 } }] },
      limits: { memcpy: [{ bytesPerSec: 20e9, bytesPerThread: 2 ** 28, reps: 7 }] },
    });
    d.targets = evaluateTargets(d);
    const text: string = renderBench(d);
    expect(text).toContain('2,000,000 (arena)');
    expect(text).toContain('20.00');
    expect(text.match(/PASS/g)?.length).toBe(4);
    expect(text).toMatch(/FAIL\s+peer-64B\s+measured 2\.00x, required >= 3x/);
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadClaims, parseClaims, type Claim, type ClaimsFile } from '../../src/gates/claims.js';
import { evaluateClaim, evaluateClaims, formatClaimLine } from '../../src/gates/validate.js';
import { UsageError } from '../../src/errors.js';
import { resultsSchema, type ResultsDocument } from '../../src/results/schema.js';
import { readResults } from '../../src/results/file.js';
import { FIXTURES, loadSample, sampleCopy } from '../render/helpers.js';

const CLAIMS_DIR = fileURLToPath(new URL('../../profiles/claims/', import.meta.url));

function claim(c: Record<string, unknown>): Claim {
  return parseClaims({ name: 't', claims: [{ id: 'c', text: 'the claim', ...c }] }, 't.json').claims[0]!;
}

function cpuDoc(): ResultsDocument {
  const doc = sampleCopy();
  doc.environment.backend = 'cpu';
  for (const c of doc.cases) delete c.bandwidth;
  return doc;
}

function setOps(doc: ResultsDocument, pick: (c: ResultsDocument['cases'][number]) => boolean, ops: number): void {
  for (const c of doc.cases.filter(pick)) {
    c.opsPerSec = ops;
    c.opsPerSecPerThread = ops / c.threads;
    delete c.speedup;
  }
}

describe('story-3.1 claims on the fixture', () => {
  const file = loadClaims(`${CLAIMS_DIR}story-3.1.json`);
  const results = evaluateClaims(loadSample(), file);
  const by = (id: string) => results.find((r) => r.id === id)!;

  it('ships the story\'s four claims, the memory traffic they imply (plus no lost writes) with its wording', () => {
    expect(file.claims.map((c) => c.kind)).toEqual([
      'minSpeedup',
      'minConflictReduction',
      'minBandwidthFraction',
      'minScalingEfficiency',
      'minSpeedupOverPeer',
      'maxSectorsPerRequest',
      'minTrafficEfficiency',
      'maxBytesPerWrite',
      'maxLostWrites',
    ]);
    expect(by('coalesced-access').text).toContain('coalesced access patterns');
    expect(by('write-combining').text).toContain('small writes batched in shared memory');
    expect(by('speedup-20x').text).toContain('All configurations achieve >20x improvement');
    expect(by('conflicts-75').text).toContain('75% reduction in atomic conflicts');
    expect(by('bandwidth-85').text).toContain('85%+ memory bandwidth utilization');
    expect(by('scaling-16').text).toContain('near-linear scaling up to 16 threads');
  });

  it('measures each claim at its worst case', () => {
    expect(by('speedup-20x')).toMatchObject({ verdict: 'PASS', worst: 'single/mem-opt/v4096/b1/t1/uniform/lf0.5/k20000' });
    expect(by('speedup-20x').measured).toBeCloseTo(245000 / 12000, 3);
    expect(by('conflicts-75').verdict).toBe('PASS');
    expect(by('conflicts-75').measured).toBeCloseTo(75, 1);
    expect(by('conflicts-75').detail).toContain('2 of 8 selected case(s) skipped');
    expect(by('bandwidth-85')).toMatchObject({ verdict: 'FAIL', worst: 'batch/mem-opt/v4096/b100/t1/uniform/lf0.5/k20000' });
    expect(by('bandwidth-85').measured).toBeCloseTo(0.512, 3);
    expect(by('scaling-16')).toMatchObject({ verdict: 'PASS', worst: 'concurrent/lock-free/v256/b1000/t16/uniform/lf0.5/k20000' });
    expect(by('scaling-16').measured).toBeCloseTo(3400000 / (16 * 240000), 9);
    expect(by('no-lost-writes')).toMatchObject({ verdict: 'FAIL', measured: 6, worst: 'concurrent/write-combine/v256/b1000/t4/zipf:0.99/lf0.5/k20000' });
  });

  it('prints one line per claim: verdict, measured, required, worst case, wording', () => {
    expect(formatClaimLine(by('speedup-20x'))).toMatch(
      /^PASS speedup-20x: measured 20\.42x, required >= 20x, worst single\/mem-opt\/v4096\/b1\/t1\/uniform\/lf0\.5\/k20000 — "20x\+ Write Performance/,
    );
    expect(formatClaimLine(by('bandwidth-85'))).toMatch(/^FAIL bandwidth-85: measured 51\.2%, required >= 85\.0%, worst batch\/mem-opt/);
  });

  it('cannot evaluate the bandwidth claim on the CPU backend, and says why', () => {
    const r = evaluateClaims(cpuDoc(), file).find((x) => x.id === 'bandwidth-85')!;
    expect(r.verdict).toBe('N/A');
    expect(r.detail).toMatch(/cpu backend recorded no bandwidth reference/);
    expect(formatClaimLine(r)).toMatch(/^N\/A  bandwidth-85: cannot be evaluated: /);
  });
});

describe('minSpeedup', () => {
  it('fails when one configuration drops under the threshold, naming it', () => {
    const doc = sampleCopy();
    setOps(doc, (c) => c.mode === 'batch' && c.batchSize === 1000 && c.strategy === 'mem-opt', 4000000);
    setOps(doc, (c) => c.mode === 'batch' && c.batchSize === 1000 && c.strategy === 'lock-free', 4200000);
    const r = evaluateClaim(doc, claim({ kind: 'minSpeedup', min: 20, select: { mode: ['single', 'batch'] } }));
    expect(r.verdict).toBe('FAIL');
    expect(r.worst).toBe('batch/lock-free/v4096/b1000/t1/uniform/lf0.5/k20000');
    expect(r.measured).toBeCloseTo(4200000 / 215000, 9);
  });

  it('with bound "low" uses the lower end of the interval', () => {
    const r = evaluateClaim(loadSample(), claim({ kind: 'minSpeedup', min: 20, bound: 'low', select: { mode: 'single' } }));
    expect(r.verdict).toBe('FAIL');
    expect(r.measured!).toBeLessThan(20);
    const bare = sampleCopy();
    for (const c of bare.cases) delete c.speedup;
    expect(evaluateClaim(bare, claim({ kind: 'minSpeedup', min: 20, bound: 'low', select: { mode: 'single' } })).verdict).toBe('N/A');
  });

  it('a named strategy is measured alone', () => {
    const r = evaluateClaim(loadSample(), claim({ kind: 'minSpeedup', min: 5, strategy: 'warp-coop', select: { mode: 'single' } }));
    expect(r).toMatchObject({ verdict: 'PASS', worst: 'single/warp-coop/v64/b1/t1/uniform/lf0.5/k20000' });
    expect(r.measured).toBeCloseTo(6, 3);
  });

  it('refuses (N/A) when the selected cases are absent, never passes', () => {
    const doc = loadSample();
    expect(evaluateClaim(doc, claim({ kind: 'minSpeedup', min: 1, select: { valueSize: [64, 128] } }))).toMatchObject({ verdict: 'N/A' });
    expect(evaluateClaim(doc, claim({ kind: 'minSpeedup', min: 1, select: { keyDist: 'zipf:0.5' } })).detail).toContain('no case in the results matches');
    const noBase = sampleCopy();
    noBase.cases = noBase.cases.filter((c) => !(c.mode === 'single' && c.strategy === 'baseline'));
    expect(evaluateClaim(noBase, claim({ kind: 'minSpeedup', min: 1, select: { mode: 'single' } })).detail).toContain('no baseline case');
  });

  it('fails when the baseline or every candidate failed verification', () => {
    const doc = sampleCopy();
    const base = doc.cases.find((c) => c.mode === 'single' && c.valueSize === 256 && c.strategy === 'baseline')!;
    base.status = 'failed';
    base.error = 'lost 2 writes';
    const r = evaluateClaim(doc, claim({ kind: 'minSpeedup', min: 1, select: { mode: 'single' } }));
    expect(r).toMatchObject({ verdict: 'FAIL', worst: base.id, detail: 'lost 2 writes', measuredText: 'case failed' });
  });
});

describe('minConflictReduction', () => {
  it('is N/A when baseline had no conflicts anywhere in the selection', () => {
    const r = evaluateClaim(loadSample(), claim({ kind: 'minConflictReduction', min: 75, select: { mode: 'single' } }));
    expect(r.verdict).toBe('N/A');
    expect(r.detail).toContain('baseline recorded no conflicts');
  });

  it('fails below the threshold with the named strategy', () => {
    const r = evaluateClaim(loadSample(), claim({ kind: 'minConflictReduction', min: 75, strategy: 'warp-coop', select: { mode: 'concurrent' } }));
    expect(r.verdict).toBe('FAIL');
    expect(r.measured).toBeCloseTo(30, 1);
  });
});

describe('minBandwidthFraction', () => {
  it('against a fixed reference works on any backend', () => {
    const c = claim({ kind: 'minBandwidthFraction', min: 0.5, strategy: 'mem-opt', referenceBytesPerSec: 20e9, select: { mode: 'batch', batchSize: 10000 } });
    const r = evaluateClaim(cpuDoc(), c);
    expect(r.verdict).toBe('PASS');
    expect(r.measured).toBeCloseTo((5145000 * 4096) / 20e9, 9);
  });

  it('names the bandwidth keys a case has when the reference is not among them', () => {
    const r = evaluateClaim(loadSample(), claim({ kind: 'minBandwidthFraction', min: 0.5, reference: 'pcie', select: { mode: 'batch' } }));
    expect(r.verdict).toBe('N/A');
    expect(r.detail).toContain('has no bandwidth.pcie (it has: h2d, device)');
  });
});

describe('minScalingEfficiency', () => {
  it('is N/A without the asked thread count, FAIL when the curve bends', () => {
    const doc = loadSample();
    expect(evaluateClaim(doc, claim({ kind: 'minScalingEfficiency', min: 0.8, upToThreads: 32, select: { mode: 'concurrent' } })).detail).toContain(
      'no 32-thread case',
    );
    const r = evaluateClaim(doc, claim({ kind: 'minScalingEfficiency', min: 0.8, upToThreads: 4, select: { mode: 'concurrent', keyDist: 'zipf:0.99' } }));
    expect(r.verdict).toBe('FAIL');
    expect(r.measured).toBeCloseTo(700000 / (4 * 220000), 9);
    const base = evaluateClaim(doc, claim({ kind: 'minScalingEfficiency', min: 0.8, strategy: 'baseline', upToThreads: 16, select: { mode: 'concurrent', keyDist: 'uniform' } }));
    expect(base.measured).toBeCloseTo(480000 / (16 * 200000), 9);
  });
});

describe('maxLostWrites', () => {
  it('counts lost and corrupted writes over the selection', () => {
    const c = claim({ kind: 'maxLostWrites', max: 0, select: { keyDist: 'uniform' } });
    const none = evaluateClaim(loadSample(), c);
    expect(none).toMatchObject({ verdict: 'PASS', measured: 0 });
    expect(none.worst).toBeUndefined(); // nothing lost: no worst case to name
    // The fixture's failed case: 3 lost, 2 stale (lost updates count as lost writes), 1 corrupted.
    expect(evaluateClaim(loadSample(), claim({ kind: 'maxLostWrites', max: 6 }))).toMatchObject({ verdict: 'PASS', measured: 6 });
    expect(evaluateClaim(loadSample(), claim({ kind: 'maxLostWrites', max: 5 }))).toMatchObject({ verdict: 'FAIL', measured: 6 });
  });
});

describe('claims file schema', () => {
  const bad = (claims: unknown[], extra: Record<string, unknown> = {}) => () => parseClaims({ name: 'x', claims, ...extra }, 'c.json');
  const ok = { id: 'a', text: 't', kind: 'minSpeedup', min: 20 };

  it('accepts the shipped files', () => {
    for (const f of ['story-3.1.json', 'cpu-ci.json']) expect(loadClaims(`${CLAIMS_DIR}${f}`).claims.length).toBeGreaterThan(0);
  });

  it('refuses with one line naming the field, the value and what is allowed', () => {
    const cases: [() => ClaimsFile, RegExp][] = [
      [bad([{ ...ok, bogus: 1 }]), /^c\.json: claims\[0\]: unknown key "bogus"$/],
      [bad([{ ...ok, kind: 'minSpeed' }]), /claims\[0\]\.kind: "minSpeed" is invalid \(allowed: minSpeedup, minSpeedupOverPeer, minConflictReduction/],
      [bad([{ id: 'a', text: 't', min: 1 }]), /claims\[0\]\.kind: missing is invalid/],
      [bad([{ ...ok, kind: 'minBandwidthFraction', min: 85, reference: 'h2d' }]), /claims\[0\]\.min: 85 is invalid .*a fraction in \(0, 1\]/],
      [bad([{ ...ok, kind: 'minBandwidthFraction', min: 0.85, reference: 'h2d', referenceBytesPerSec: 1e9 }]), /exactly one of reference/],
      [bad([ok, ok]), /claims\[1\]\.id: "a" is invalid \(duplicate claim id "a"\)/],
      [bad([]), /claims: \[\] is invalid/],
      [bad([{ ...ok, select: { mode: 'bogus' } }]), /select\.mode: "bogus" is invalid \(allowed: single, batch, concurrent/],
      [bad([{ ...ok, strategy: 'baseline' }]), /claims\[0\]\.strategy: "baseline" is invalid \(allowed: best, warp-coop/],
      [bad([{ ...ok, select: { threads: { min: 2, most: 4 } } }]), /select\.threads/],
      [bad([ok], { extra: true }), /unknown key "extra"/],
    ];
    for (const [fn, re] of cases) {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(err, String(re)).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).not.toContain('\n');
    }
  });
});

describe('shipped claims on a recorded CPU run (tests/fixtures/results-cpu-quick.json, profiles/quick.json)', () => {
  // A results schema 1 document: read (upgraded) the way `validate` reads one.
  const doc = readResults(`${FIXTURES}results-cpu-quick.json`);

  it('cpu-ci: every claim can be evaluated on the CPU backend, and passes', () => {
    expect(doc.environment.backend).toBe('cpu');
    const results = evaluateClaims(doc, loadClaims(`${CLAIMS_DIR}cpu-ci.json`));
    expect(results.map((r) => `${r.id}:${r.verdict}`)).toEqual([
      'cpu-batch-speedup:PASS',
      'cpu-single-speedup:PASS',
      'cpu-scaling-2:PASS',
      'cpu-no-lost-writes:PASS',
    ]);
  });

  it('story-3.1: the CPU backend cannot judge bandwidth, nor 16 threads on the quick profile', () => {
    const results = evaluateClaims(doc, loadClaims(`${CLAIMS_DIR}story-3.1.json`));
    expect(results.map((r) => `${r.id}:${r.verdict}`)).toEqual([
      'speedup-20x:FAIL',
      'conflicts-75:FAIL',
      'bandwidth-85:N/A',
      'scaling-16:N/A',
      'redis-47x:N/A',
      'coalesced-access:N/A',
      'payload-85:N/A',
      'write-combining:N/A',
      'no-lost-writes:PASS',
    ]);
  });
});

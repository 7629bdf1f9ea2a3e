import { describe, expect, it } from 'vitest';
import type { NativeSample } from '../../src/backends/backend.js';
import { buildCaseResult } from '../../src/engine/case-result.js';
import { caseId, type CaseSpec } from '../../src/model.js';

const axes: Omit<CaseSpec, 'id'> = {
  strategy: 'mem-opt',
  mode: 'batch',
  valueSize: 4096,
  batchSize: 10000,
  threads: 1,
  keyDist: 'uniform',
  loadFactor: 0.5,
  keys: 100000,
};
const spec: CaseSpec = { id: caseId(axes), ...axes };

function sample(elapsedNs: number, refs?: { deviceCopy: number; h2d: number }): NativeSample {
  return {
    elapsedNs,
    writes: 100000,
    phasesNs: { stage: 1, kernel: 1 },
    counters: { lockRetries: 0, casFailures: 0, probeSteps: 0 },
    verification: { writes: 100000, distinct: 100000, verified: 100000, lost: 0, stale: 0, corrupted: 0, duplicates: 0 },
    ...(refs ? { bandwidth: { deviceCopyBytesPerSec: refs.deviceCopy, pinnedH2DBytesPerSec: refs.h2d, deviceCopyBytes: 2 ** 28, h2dBytes: 2 ** 26 } } : {}),
  };
}

describe('results.cases[].bandwidth from the CUDA references', () => {
  it('is bytesPerSec over each reference measured in the same run', () => {
    // 100000 writes of 4096 B in 10 ms = 40.96 GB/s.
    const r = buildCaseResult(spec, [sample(10e6, { deviceCopy: 1000e9, h2d: 51.2e9 })]);
    expect(r.bytesPerSec).toBeCloseTo(40.96e9, -3);
    expect(r.bandwidth?.['h2d']).toBeCloseTo(0.8, 6);
    expect(r.bandwidth?.['deviceCopy']).toBeCloseTo(0.04096, 6);
  });

  it('is absent when the backend measured no reference (CPU)', () => {
    expect(buildCaseResult(spec, [sample(10e6)]).bandwidth).toBeUndefined();
  });
});

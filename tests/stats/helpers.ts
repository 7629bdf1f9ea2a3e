/** Synthetic cases and documents for the stats and gate tests (valid against the results schema). */
import { caseId } from '../../src/model.js';
import type { CaseResult, ResultsDocument } from '../../src/results/schema.js';
import { SCHEMA_VERSION } from '../../src/results/schema.js';
import { summarize } from '../../src/stats/summary.js';
import { mulberry32, normal } from '../../src/stats/rng.js';

/** n samples around `mean` with coefficient of variation `cv`, from a seeded RNG. */
export function noisySamples(n: number, mean: number, cv: number, seed: number): number[] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () => normal(rng, mean, mean * cv));
}

export function makeCase(samples: number[], axes: Partial<Omit<CaseResult, 'id' | 'samples'>> = {}): CaseResult {
  const spec = {
    strategy: axes.strategy ?? 'baseline',
    mode: axes.mode ?? 'batch',
    valueSize: axes.valueSize ?? 64,
    batchSize: axes.batchSize ?? 1000,
    threads: axes.threads ?? 1,
    keyDist: axes.keyDist ?? 'uniform',
    loadFactor: axes.loadFactor ?? 0.5,
    keys: axes.keys ?? 4096,
  } as const;
  const stats = summarize(samples);
  return {
    id: caseId(spec),
    ...spec,
    samples,
    stats,
    opsPerSec: stats.median,
    opsPerSecPerThread: stats.median / spec.threads,
    bytesPerSec: stats.median * spec.valueSize,
    counters: { lockRetries: 0, casFailures: 0, probeSteps: 0 },
    countersPerWrite: { lockRetries: 0, casFailures: 0, probeSteps: 0 },
    breakdown: { stage: 1, kernel: 10 },
    verification: { writes: spec.keys, distinct: spec.keys, verified: spec.keys, lost: 0, stale: 0, corrupted: 0, duplicates: 0 },
    status: 'ok',
  };
}

export function makeDoc(cases: CaseResult[], over: { backend?: 'cpu' | 'cuda'; device?: string; schemaVersion?: number } = {}): ResultsDocument {
  return {
    schemaVersion: over.schemaVersion ?? SCHEMA_VERSION,
    tool: { name: 'writeprof', version: '0.1.0' },
    createdAt: '2026-01-01T00:00:00.000Z',
    environment: {
      host: 'test-host',
      cpu: 'Test CPU',
      cores: 2,
      node: 'v20.20.2',
      os: 'linux',
      backend: over.backend ?? 'cpu',
      device: { name: over.device ?? 'Test CPU' },
    },
    profile: {
      name: 'quick',
      source: 'profiles/quick.json',
      measurement: { warmup: 1, minSamples: 10, maxSamples: 50, minTime: 0.1, maxTime: 2, maxNoise: 2 },
    },
    cases,
  };
}

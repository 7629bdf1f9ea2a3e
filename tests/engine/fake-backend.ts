/**
 * A deterministic Backend for engine tests: each sample's timing comes from a script, and a
 * fake clock advances by each sample's duration, so the stopping rule can be tested exactly.
 */
import type { Backend, CaseHandle, NativeSample, OpenOptions } from '../../src/backends/backend.js';
import { caseId, type CaseSpec } from '../../src/model.js';

export interface FakeScript {
  /** elapsedNs of sample i (cycled) */
  elapsedNs: (i: number, spec: CaseSpec, opts: OpenOptions) => number;
  /** seconds the fake clock advances per sample (default: elapsedNs / 1e9) */
  wallS?: (i: number) => number;
  lost?: (i: number) => number;
  /** keys holding an overwritten write in sample i */
  stale?: (i: number) => number;
  throwAt?: (i: number, spec: CaseSpec) => string | undefined;
  openError?: (spec: CaseSpec) => string | undefined;
  /** called after sample i completes (e.g. to abort) */
  after?: (i: number, spec: CaseSpec) => void;
}

export class FakeBackend implements Backend {
  readonly name = 'cpu' as const;
  now = 0;
  opened: { spec: CaseSpec; opts: OpenOptions }[] = [];
  closed = 0;
  samplesRun = 0;

  constructor(private readonly script: FakeScript) {}

  clock = (): number => this.now;

  status() {
    return { name: 'cpu' as const, available: true, device: { name: 'fake', kind: 'cpu' as const } };
  }

  open(spec: CaseSpec, opts: OpenOptions): CaseHandle {
    const err = this.script.openError?.(spec);
    if (err) throw new Error(err);
    this.opened.push({ spec, opts });
    let i = 0;
    return {
      runSample: async (): Promise<NativeSample> => {
        const k = i++;
        this.samplesRun++;
        const thrown = this.script.throwAt?.(k, spec);
        if (thrown) throw new Error(thrown);
        const elapsedNs = this.script.elapsedNs(k, spec, opts);
        this.now += this.script.wallS?.(k) ?? elapsedNs / 1e9;
        const lost = this.script.lost?.(k) ?? 0;
        const stale = this.script.stale?.(k) ?? 0;
        const writes = spec.keys;
        const sample: NativeSample = {
          elapsedNs,
          writes,
          phasesNs: { stage: writes * 10, kernel: writes * (k + 1) },
          counters: { lockRetries: 2, casFailures: 1, probeSteps: writes },
          verification: { writes, distinct: writes, verified: writes - lost - stale, lost, stale, corrupted: 0, duplicates: 0 },
          ...(spec.mode === 'single' ? { latencyNs: Uint32Array.from([100 + k, 200 + k, 300 + k, 400 + k]) } : {}),
          notes: ['fake note'],
        };
        this.script.after?.(k, spec);
        return sample;
      },
      close: () => {
        this.closed++;
      },
    };
  }
}

export function spec(over: Partial<Omit<CaseSpec, 'id'>> = {}): CaseSpec {
  const base = { strategy: 'baseline', mode: 'batch', valueSize: 64, batchSize: 100, threads: 1, keyDist: 'uniform', loadFactor: 0.5, keys: 1000, ...over } as Omit<CaseSpec, 'id'>;
  return { ...base, id: caseId(base) };
}

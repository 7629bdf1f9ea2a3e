/** Small native cases for the integration tests (the addon must be built: `make build`). */
import type { NativeSample, OpenOptions } from '../../src/backends/backend.js';
import type { NativeOpenOptions } from '../../src/backends/native-backend.js';
import { cpuBackend } from '../../src/backends/cpu.js';
import { caseId, type CaseSpec } from '../../src/model.js';

export const options: OpenOptions = { countConflicts: true, slowdownNs: 0, latencyEvery: 0, seed: 42 };

export function spec(axes: Partial<Omit<CaseSpec, 'id'>> = {}): CaseSpec {
  const c: Omit<CaseSpec, 'id'> = {
    strategy: 'baseline',
    mode: 'batch',
    valueSize: 64,
    batchSize: 100,
    threads: 1,
    keyDist: 'uniform',
    loadFactor: 0.5,
    keys: 2000,
    ...axes,
  };
  return { id: caseId(c), ...c };
}

/** Opens the case on the CPU backend, runs `n` samples, closes it. */
export async function samples(s: CaseSpec, n = 1, o: NativeOpenOptions = options): Promise<NativeSample[]> {
  const handle = cpuBackend.open(s, o);
  try {
    const out: NativeSample[] = [];
    for (let i = 0; i < n; i++) out.push(await handle.runSample());
    return out;
  } finally {
    handle.close();
  }
}

/** What a sample of `writes` writes to `distinct` keys counts when every key verified. */
export function clean(writes: number, distinct = writes): NativeSample['verification'] {
  return { writes, distinct, verified: distinct, lost: 0, stale: 0, corrupted: 0, duplicates: 0 };
}

export async function sample(s: CaseSpec, o: NativeOpenOptions = options): Promise<NativeSample> {
  return (await samples(s, 1, o))[0]!;
}

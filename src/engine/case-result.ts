/** One case's measured samples → its CaseResult (the shape of src/results/schema.ts). */
import type { Counters, NativeSample } from '../backends/backend.js';
import type { CaseSpec } from '../model.js';
import { INPUT_LIMITS } from '../limits.js';
import { printable } from '../io/sanitize.js';
import type { CaseResult } from '../results/schema.js';
import type { MemoryTraffic } from '../results/memory.js';
import { sumVerification, verificationFailed, verificationText } from '../results/verification.js';
import { latencyPercentiles } from '../stats/latency.js';
import { summarize } from '../stats/summary.js';

/**
 * A failed case's error, printable and at most INPUT_LIMITS.caseErrorChars: it may quote what a
 * peer sent, and a case must fit the bytes a results document allows per case (src/limits.ts).
 */
function clip(error: string | undefined): string | undefined {
  if (error === undefined) return undefined;
  const max = INPUT_LIMITS.caseErrorChars;
  const shown = printable(error);
  return shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
}

export function sampleOpsPerSec(s: NativeSample): number {
  // A timed region of 0 ns (coarse clock, empty sample) would be infinite throughput.
  return (s.writes / Math.max(s.elapsedNs, 1)) * 1e9;
}

function sumCounters(samples: readonly NativeSample[]): Counters {
  const c: Counters = { lockRetries: 0, casFailures: 0, probeSteps: 0 };
  for (const s of samples) {
    c.lockRetries += s.counters.lockRetries;
    c.casFailures += s.counters.casFailures;
    c.probeSteps += s.counters.probeSteps;
  }
  return c;
}

/** Mean over samples of each phase's ns per write (a phase missing from a sample counts 0). */
function breakdown(samples: readonly NativeSample[]): Record<string, number> {
  const phases = new Set<string>();
  for (const s of samples) for (const p of Object.keys(s.phasesNs)) phases.add(p);
  const out: Record<string, number> = {};
  for (const p of phases) {
    let total = 0;
    for (const s of samples) total += (s.phasesNs[p] ?? 0) / Math.max(s.writes, 1);
    out[p] = total / samples.length;
  }
  return out;
}

function concatLatencies(samples: readonly NativeSample[]): Float64Array {
  let n = 0;
  for (const s of samples) n += s.latencyNs?.length ?? 0;
  const all = new Float64Array(n);
  let off = 0;
  for (const s of samples) {
    if (!s.latencyNs) continue;
    all.set(s.latencyNs, off);
    off += s.latencyNs.length;
  }
  return all;
}

/** bytesPerSec over each bandwidth reference the backend measured (CUDA: deviceCopy, h2d), as claims name them. */
function bandwidthFractions(samples: readonly NativeSample[], bytesPerSec: number): Record<string, number> | undefined {
  const b = samples.find((s) => s.bandwidth)?.bandwidth;
  if (!b) return undefined;
  const out: Record<string, number> = {};
  for (const [name, ref] of [['deviceCopy', b.deviceCopyBytesPerSec], ['h2d', b.pinnedH2DBytesPerSec]] as const) {
    if (ref > 0 && Number.isFinite(bytesPerSec)) out[name] = bytesPerSec / ref;
  }
  return out;
}

/** A warmup sample's failed verification as the case reports it; undefined when it passed. Warmup timings are discarded, its correctness is not. */
export function warmupError(s: NativeSample): string | undefined {
  return verificationFailed(s.verification) ? `verification failed in warmup: ${verificationText(s.verification)}` : undefined;
}

export interface CaseExtras {
  /** A sample or open() threw: the case failed with this message. */
  error?: string;
  /** A warmup sample failed verification (reported unless a measured sample did too). */
  warmupError?: string;
  notes?: readonly string[];
  /** what ended the measuring, and after how many seconds */
  stop?: { reason: 'maxSamples' | 'maxTime' | 'noise'; seconds: number };
  /** the case's memory traffic, counted on the emulator */
  memory?: MemoryTraffic;
}

export function buildCaseResult(spec: CaseSpec, samples: readonly NativeSample[], extras: CaseExtras = {}): CaseResult {
  const ops = samples.map(sampleOpsPerSec);
  const stats = summarize(ops);
  const counters = sumCounters(samples);
  const writes = samples.reduce((a, s) => a + s.writes, 0);
  const perWrite = (x: number): number => (writes > 0 ? x / writes : 0);
  const verification = sumVerification(samples.map((s) => s.verification));
  const opsPerSec = stats.median;
  const error = clip(extras.error ?? (verificationFailed(verification) ? `verification: ${verificationText(verification)}` : extras.warmupError));
  const notes = new Set(extras.notes ?? []);
  for (const s of samples) for (const n of s.notes ?? []) notes.add(n);
  const bandwidth = bandwidthFractions(samples, opsPerSec * spec.valueSize);
  const latency = spec.mode === 'single' ? latencyPercentiles(concatLatencies(samples)) : undefined;
  return {
    id: spec.id,
    strategy: spec.strategy,
    ...(spec.peer ? { peer: spec.peer } : {}),
    mode: spec.mode,
    valueSize: spec.valueSize,
    batchSize: spec.batchSize,
    threads: spec.threads,
    keyDist: spec.keyDist,
    ...(spec.updateShare !== undefined ? { updateShare: spec.updateShare } : {}),
    loadFactor: spec.loadFactor,
    keys: spec.keys,
    samples: ops,
    stats,
    opsPerSec,
    opsPerSecPerThread: opsPerSec / spec.threads,
    bytesPerSec: opsPerSec * spec.valueSize,
    counters,
    countersPerWrite: {
      lockRetries: perWrite(counters.lockRetries),
      casFailures: perWrite(counters.casFailures),
      probeSteps: perWrite(counters.probeSteps),
    },
    breakdown: samples.length > 0 ? breakdown(samples) : {},
    ...(latency && latency.n > 0 ? { latency } : {}),
    ...(bandwidth ? { bandwidth } : {}),
    verification,
    status: error || samples.length === 0 ? 'failed' : 'ok',
    ...(error ? { error } : samples.length === 0 ? { error: 'no samples were measured' } : {}),
    ...(notes.size > 0 ? { notes: [...notes] } : {}),
    ...(extras.stop ? { stop: extras.stop } : {}),
    ...(extras.memory ? { memory: extras.memory } : {}),
  };
}
